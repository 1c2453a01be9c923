"""Provides the wallet's use-cases, one function each, shared by the CLI and the TUI.

Every use-case takes the opened `Wallet` (or an `Environment`) and returns a frozen
dataclass defined here, or a sequence of them. The modules load when a name is first used,
so a command that needs a few use-cases does not pay for the others at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wallet.services._audit import (
        audit_record,
    )
    from wallet.services._backup import (
        BackupSummary,
        export_backup,
        import_backup,
    )
    from wallet.services._board_api import (
        BoardClient,
        BoardInfo,
        Submitted,
    )
    from wallet.services._boards import (
        LocalBoard,
        board_needs_passphrase,
        open_board,
        unlock_board,
    )
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
    from wallet.services._demo import (
        DemoReport,
        DemoStep,
        run_demo,
    )
    from wallet.services._did_web import (
        WebDocument,
        did_web_for,
        web_document,
    )
    from wallet.services._election_types import (
        ChallengeOutcome,
        Choice,
        ContestResult,
        ElectionListing,
        ElectionResult,
        ElectionSummary,
        ExcludedBallots,
        ExportedRecord,
        FollowedElection,
        OptionCount,
        Posted,
        SharesOutcome,
        VoteOutcome,
    )
    from wallet.services._elections import (
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
    from wallet.services._identities import (
        Identity,
        create_identity,
        find_identity,
        identity_document,
        list_identities,
        resolve_did,
        signing_key,
    )
    from wallet.services._receipts import (
        ReceiptCheck,
        StoredReceipt,
        check_receipt,
        find_receipt,
        list_receipts,
        receipt_standings,
    )
    from wallet.services._session import (
        Environment,
        Wallet,
    )
    from wallet.services._setup import (
        InitResult,
        init_wallet,
        keystore_info,
        rekey,
    )
    from wallet.services._status import (
        StatusChange,
        StatusListInfo,
        change_status,
        create_status_list,
        publish_status_list,
    )
    from wallet.services._trustees import (
        decrypt,
        keygen,
        shares,
    )
    from wallet.services._verification import (
        CheckOutcome,
        Problem,
        Verification,
    )
    from wallet.services._verifying import (
        read_text,
        status_source,
        verify_credential_text,
        verify_presentation_text,
    )
    from wallet.services._voting import (
        parse_choices,
        vote,
    )

# Each public name and the module that defines it.
_WHERE: dict[str, str] = {
    "CheckOutcome": "_verification",
    "Problem": "_verification",
    "Verification": "_verification",
    "audit_record": "_audit",
    "BackupSummary": "_backup",
    "export_backup": "_backup",
    "import_backup": "_backup",
    "BoardClient": "_board_api",
    "BoardInfo": "_board_api",
    "Submitted": "_board_api",
    "LocalBoard": "_boards",
    "board_needs_passphrase": "_boards",
    "open_board": "_boards",
    "unlock_board": "_boards",
    "CredentialSummary": "_credentials",
    "Document": "_credentials",
    "HeldCredential": "_credentials",
    "claims_from_json": "_credentials",
    "claims_from_pairs": "_credentials",
    "delete_credential": "_credentials",
    "import_credential": "_credentials",
    "issue_credential": "_credentials",
    "list_credentials": "_credentials",
    "parse_time": "_credentials",
    "present_credential": "_credentials",
    "show_credential": "_credentials",
    "DemoReport": "_demo",
    "DemoStep": "_demo",
    "run_demo": "_demo",
    "WebDocument": "_did_web",
    "did_web_for": "_did_web",
    "web_document": "_did_web",
    "ChallengeOutcome": "_election_types",
    "Choice": "_election_types",
    "ContestResult": "_election_types",
    "ElectionListing": "_election_types",
    "ElectionResult": "_election_types",
    "ExcludedBallots": "_election_types",
    "ElectionSummary": "_election_types",
    "ExportedRecord": "_election_types",
    "FollowedElection": "_election_types",
    "OptionCount": "_election_types",
    "Posted": "_election_types",
    "SharesOutcome": "_election_types",
    "VoteOutcome": "_election_types",
    "close_election": "_elections",
    "create_election": "_elections",
    "election_result": "_elections",
    "export_election": "_elections",
    "followed": "_elections",
    "list_elections": "_elections",
    "load_manifest": "_elections",
    "open_election": "_elections",
    "show_election": "_elections",
    "tally_election": "_elections",
    "Identity": "_identities",
    "create_identity": "_identities",
    "find_identity": "_identities",
    "identity_document": "_identities",
    "list_identities": "_identities",
    "resolve_did": "_identities",
    "signing_key": "_identities",
    "ReceiptCheck": "_receipts",
    "StoredReceipt": "_receipts",
    "check_receipt": "_receipts",
    "find_receipt": "_receipts",
    "receipt_standings": "_receipts",
    "list_receipts": "_receipts",
    "Environment": "_session",
    "Wallet": "_session",
    "InitResult": "_setup",
    "init_wallet": "_setup",
    "keystore_info": "_setup",
    "rekey": "_setup",
    "StatusChange": "_status",
    "StatusListInfo": "_status",
    "change_status": "_status",
    "create_status_list": "_status",
    "publish_status_list": "_status",
    "decrypt": "_trustees",
    "keygen": "_trustees",
    "shares": "_trustees",
    "read_text": "_verifying",
    "status_source": "_verifying",
    "verify_credential_text": "_verifying",
    "verify_presentation_text": "_verifying",
    "parse_choices": "_voting",
    "vote": "_voting",
}

__all__ = [
    "BackupSummary",
    "BoardClient",
    "BoardInfo",
    "ChallengeOutcome",
    "CheckOutcome",
    "Choice",
    "ContestResult",
    "CredentialSummary",
    "DemoReport",
    "DemoStep",
    "Document",
    "ElectionListing",
    "ElectionResult",
    "ElectionSummary",
    "Environment",
    "ExcludedBallots",
    "ExportedRecord",
    "FollowedElection",
    "HeldCredential",
    "Identity",
    "InitResult",
    "LocalBoard",
    "OptionCount",
    "Posted",
    "Problem",
    "ReceiptCheck",
    "SharesOutcome",
    "StatusChange",
    "StatusListInfo",
    "StoredReceipt",
    "Submitted",
    "Verification",
    "VoteOutcome",
    "Wallet",
    "WebDocument",
    "audit_record",
    "board_needs_passphrase",
    "change_status",
    "check_receipt",
    "claims_from_json",
    "claims_from_pairs",
    "close_election",
    "create_election",
    "create_identity",
    "create_status_list",
    "decrypt",
    "delete_credential",
    "did_web_for",
    "election_result",
    "export_backup",
    "export_election",
    "find_identity",
    "find_receipt",
    "followed",
    "identity_document",
    "import_backup",
    "import_credential",
    "init_wallet",
    "issue_credential",
    "keygen",
    "keystore_info",
    "list_credentials",
    "list_elections",
    "list_identities",
    "list_receipts",
    "load_manifest",
    "open_board",
    "open_election",
    "parse_choices",
    "parse_time",
    "present_credential",
    "publish_status_list",
    "read_text",
    "receipt_standings",
    "rekey",
    "resolve_did",
    "run_demo",
    "shares",
    "show_credential",
    "show_election",
    "signing_key",
    "status_source",
    "tally_election",
    "unlock_board",
    "verify_credential_text",
    "verify_presentation_text",
    "vote",
    "web_document",
]


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'wallet.services' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"wallet.services.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
