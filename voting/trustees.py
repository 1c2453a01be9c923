"""Provides the trustees' t-of-n key ceremony: announcements, shares, complaints (spec §6).

A `Trustee` holds one trustee's ceremony secrets; what it publishes (`TrusteeAnnouncement`,
`SealedShare`) is checked by `verify_announcement` and `check_share`, and a share that does
not check out is settled by `judge_complaint` (record spec §6.4, version 2) from a posted
complaint; `resolve_complaint` is version 1's dealer-answer procedure.
"""

from voting._ceremony import (
    Complaint,
    ComplaintAnswer,
    DecryptionKey,
    Fault,
    SealedShare,
    Trustee,
    TrusteeAnnouncement,
    check_encryption_key,
    check_share,
    judge_complaint,
    open_sealed_share,
    resolve_complaint,
    verify_announcement,
)

__all__ = [
    "Complaint",
    "ComplaintAnswer",
    "DecryptionKey",
    "Fault",
    "SealedShare",
    "Trustee",
    "TrusteeAnnouncement",
    "check_encryption_key",
    "check_share",
    "judge_complaint",
    "open_sealed_share",
    "resolve_complaint",
    "verify_announcement",
]
