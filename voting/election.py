"""Provides an election's definition: its manifest and the election the key ceremony fixes.

A `Manifest` (record spec §4.1) names the contests, options, trustees and eligibility rule; an
`Election` binds it to the trustees' announcements, the joint key and the extended hash
every proof is made for (§6.5).
"""

from voting._election import Election
from voting._manifest import Contest, Manifest, Option

__all__ = ["Contest", "Election", "Manifest", "Option"]
