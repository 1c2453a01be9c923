"""The election list shows a weighted election's total weight where it shows the ballots."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult

from tui.widgets import ElectionTable
from wallet.services import ElectionListing

pytestmark = pytest.mark.asyncio


class _Table(App[None]):
    def compose(self) -> ComposeResult:
        yield ElectionTable()


def _row(listing: ElectionListing) -> dict[str, Any]:
    # As ElectionsScreen feeds the table: the listing's JSON, its board and this wallet's role.
    return {**listing.to_json(), "board": listing.board, "role": None}


async def test_the_ballots_column_names_the_weight() -> None:
    listings = [
        ElectionListing("plain", "Plain", "finished", 9, 2, "b.sqlite"),
        ElectionListing("coop", "Coop", "open", 9, 2, "b.sqlite", weight_claim="shares"),
        ElectionListing("dao", "DAO", "finished", 12, 2, "b.sqlite", "tokens", total_weight=8),
    ]
    app = _Table()
    async with app.run_test() as pilot:
        table = app.query_one(ElectionTable)
        table.show([_row(item) for item in listings])
        await pilot.pause()
        column = [str(table.get_row_at(i)[3]) for i in range(table.row_count)]
    assert column == ["2", "2 (weighted)", "2 (weight 8)"]
