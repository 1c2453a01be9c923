"""Provides the trustees' t-of-n key ceremony: announcements, shares, complaints (spec §6).

A `Trustee` holds one trustee's ceremony secrets; what it publishes (`TrusteeAnnouncement`,
`SealedShare`) is checked by `verify_announcement` and `check_share`, and a share that does
not check out is settled by `resolve_complaint`.
"""

from voting._ceremony import (
    Complaint,
    ComplaintAnswer,
    DecryptionKey,
    Fault,
    SealedShare,
    Trustee,
    TrusteeAnnouncement,
    check_share,
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
    "check_share",
    "resolve_complaint",
    "verify_announcement",
]
