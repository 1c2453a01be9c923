"""Provides the wallet's use-cases, one function each, shared by the CLI and the TUI."""

from wallet.services._backup import BackupSummary, export_backup, import_backup
from wallet.services._credentials import (
    CredentialSummary,
    Document,
    HeldCredential,
    claims_from_json,
    claims_from_pairs,
    delete_credential,
    import_credential,
    issue_credential,
    list_credentials,
    parse_time,
    present_credential,
    show_credential,
)
from wallet.services._demo import DemoReport, run_demo
from wallet.services._did_web import WebDocument, did_web_for, web_document
from wallet.services._identities import (
    Identity,
    create_identity,
    find_identity,
    identity_document,
    list_identities,
    resolve_did,
    signing_key,
)
from wallet.services._session import Environment, Wallet
from wallet.services._setup import InitResult, init_wallet, keystore_info, rekey
from wallet.services._status import (
    StatusChange,
    StatusListInfo,
    change_status,
    create_status_list,
    publish_status_list,
)
from wallet.services._verifying import (
    read_text,
    status_source,
    verify_credential_text,
    verify_presentation_text,
)

__all__ = [
    "BackupSummary",
    "DemoReport",
    "Environment",
    "Identity",
    "InitResult",
    "Wallet",
    "create_identity",
    "export_backup",
    "find_identity",
    "identity_document",
    "import_backup",
    "init_wallet",
    "keystore_info",
    "list_identities",
    "rekey",
    "resolve_did",
    "run_demo",
    "signing_key",
]
# Credentials, presentations, status lists and did:web documents.
__all__ += [
    "CredentialSummary",
    "Document",
    "HeldCredential",
    "StatusChange",
    "StatusListInfo",
    "WebDocument",
    "change_status",
    "claims_from_json",
    "claims_from_pairs",
    "create_status_list",
    "delete_credential",
    "did_web_for",
    "import_credential",
    "issue_credential",
    "list_credentials",
    "parse_time",
    "present_credential",
    "publish_status_list",
    "read_text",
    "show_credential",
    "status_source",
    "verify_credential_text",
    "verify_presentation_text",
    "web_document",
]
# Elections: boards, the authority, trustees, voters, receipts and the audit.
from wallet.services._audit import audit_record, render_report, result_table  # noqa: E402
from wallet.services._board_api import BoardClient, BoardInfo, Submitted  # noqa: E402
from wallet.services._boards import (  # noqa: E402
    LocalBoard,
    board_needs_passphrase,
    open_board,
    unlock_board,
)
from wallet.services._demo import DemoStep  # noqa: E402
from wallet.services._election_types import (  # noqa: E402
    ChallengeOutcome,
    Choice,
    ContestResult,
    ElectionListing,
    ElectionResult,
    ElectionSummary,
    ExportedRecord,
    FollowedElection,
    OptionCount,
    Posted,
    SharesOutcome,
    VoteOutcome,
)
from wallet.services._elections import (  # noqa: E402
    close_election,
    create_election,
    election_result,
    export_election,
    followed,
    list_elections,
    load_manifest,
    open_election,
    show_election,
    tally_election,
)
from wallet.services._receipts import (  # noqa: E402
    ReceiptCheck,
    StoredReceipt,
    check_receipt,
    find_receipt,
    list_receipts,
)
from wallet.services._trustees import decrypt, keygen, shares  # noqa: E402
from wallet.services._voting import parse_choices, vote  # noqa: E402

__all__ += [
    "BoardClient",
    "BoardInfo",
    "ChallengeOutcome",
    "Choice",
    "ContestResult",
    "DemoStep",
    "ElectionListing",
    "ElectionResult",
    "ElectionSummary",
    "ExportedRecord",
    "FollowedElection",
    "LocalBoard",
    "OptionCount",
    "Posted",
    "ReceiptCheck",
    "SharesOutcome",
    "StoredReceipt",
    "Submitted",
    "VoteOutcome",
    "audit_record",
    "board_needs_passphrase",
    "check_receipt",
    "close_election",
    "create_election",
    "decrypt",
    "election_result",
    "export_election",
    "find_receipt",
    "followed",
    "keygen",
    "list_elections",
    "list_receipts",
    "load_manifest",
    "open_board",
    "open_election",
    "parse_choices",
    "render_report",
    "result_table",
    "shares",
    "show_election",
    "tally_election",
    "unlock_board",
    "vote",
]
