"""Tests that the audit counts by the board's revoting rule (election-entries §7 step 3).

The audit's count works on its book of verified entries (kept across incremental runs, with
no parsed entries), not on the entries the tally's standings read; both choose the ballot
that counts with `voting.board.one_per_voter`.
"""

from __future__ import annotations

import pytest

from voting.audit._book import Ballots, count


def _book() -> Ballots:
    # Voter a cast entries 1, 3, 5 and 6 (6 then challenged); voter b cast 2 and 4; voter c
    # cast only 7, challenged.
    ids = {"a1": 1, "b2": 2, "a3": 3, "b4": 4, "a5": 5, "a6": 6, "c7": 7}
    return Ballots(ids=ids, valid={"a": [1, 3, 5, 6], "b": [2, 4], "c": [7]})


@pytest.mark.parametrize(
    ("revoting", "want"), [("last", {"a": 5, "b": 4}), ("first", {"a": 1, "b": 2})]
)
def test_the_count_keeps_one_ballot_per_voter_and_never_a_challenged_one(
    revoting: str, want: dict[str, int]
) -> None:
    assert count(_book(), {"a6", "c7"}, revoting) == want
