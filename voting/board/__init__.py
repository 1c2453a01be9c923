"""Provides the election board: typed signed entries on the tally chain and the board's rules.

The entry format is specified byte for byte in docs/election-entries.md.
"""

from voting.board._board import Board
from voting.board._bodies import (
    ENTRY_TYPES,
    BallotBody,
    ChallengedBody,
    CloseBody,
    DecryptionShareBody,
    EntryBody,
    OpenBody,
    ResultBody,
    TallyBody,
    TrusteeKeyBody,
    TrusteeSharesBody,
    launch_code,
)
from voting.board._election import (
    REVOTING_RULES,
    ElectionBody,
    format_time,
    parse_time,
)
from voting.board._eligibility import (
    EligibilityRule,
    ballot_challenge,
    ballot_hash,
    ballot_presentation,
    check_eligibility,
)
from voting.board._entries import (
    ENTRY_VERSION,
    MAX_ENTRY_BYTES,
    ZERO_HASH,
    Entry,
    Head,
    next_head,
    sign_entry,
)
from voting.board._record import (
    CHECKPOINT_FILE,
    ENTRIES_FILE,
    VKEY_FILE,
    Record,
    export_record,
    load_record,
    read_store,
)
from voting.board._rules import MAX_CLOCK_SKEW, RULES, check_entry
from voting.board._state import (
    PHASES,
    ElectionState,
    compute_tally,
    counted_ballots,
    counted_encrypted_ballots,
    frozen_status_allows,
    referenced_status_lists,
)

__all__ = [
    "CHECKPOINT_FILE",
    "ENTRIES_FILE",
    "ENTRY_TYPES",
    "ENTRY_VERSION",
    "MAX_CLOCK_SKEW",
    "MAX_ENTRY_BYTES",
    "PHASES",
    "REVOTING_RULES",
    "RULES",
    "VKEY_FILE",
    "ZERO_HASH",
    "BallotBody",
    "Board",
    "ChallengedBody",
    "CloseBody",
    "DecryptionShareBody",
    "ElectionBody",
    "ElectionState",
    "EligibilityRule",
    "Entry",
    "EntryBody",
    "Head",
    "OpenBody",
    "Record",
    "ResultBody",
    "TallyBody",
    "TrusteeKeyBody",
    "TrusteeSharesBody",
    "ballot_challenge",
    "ballot_hash",
    "ballot_presentation",
    "check_eligibility",
    "check_entry",
    "compute_tally",
    "counted_ballots",
    "counted_encrypted_ballots",
    "export_record",
    "format_time",
    "frozen_status_allows",
    "launch_code",
    "load_record",
    "next_head",
    "parse_time",
    "read_store",
    "referenced_status_lists",
    "sign_entry",
]
