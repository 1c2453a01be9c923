"""Tests the turns writers wait in for the head: first come, first served; a released turn
hands the next writer the new head; a lease ends a turn nobody finishes."""

from __future__ import annotations

import asyncio

import pytest

from wallet.board._turns import Turns


@pytest.mark.asyncio
async def test_writers_get_turns_in_the_order_they_came() -> None:
    turns = Turns(lease=30)
    first, head = await turns.acquire("e")
    assert head is None
    order: list[int] = []

    async def writer(number: int) -> None:
        token, got = await turns.acquire("e")
        order.append(number)
        assert got == {"seq": number}
        turns.release("e", token, {"seq": number + 1})

    tasks = [asyncio.create_task(writer(n)) for n in (1, 2, 3)]
    await asyncio.sleep(0)  # let them queue (no time passes)
    assert turns.waiting("e") == 3
    turns.release("e", "not-the-token")  # a stale token changes nothing
    assert turns.waiting("e") == 3
    turns.release("e", first, {"seq": 1})
    await asyncio.gather(*tasks)
    assert order == [1, 2, 3]
    assert turns.waiting("e") == 0


@pytest.mark.asyncio
async def test_elections_have_separate_lines() -> None:
    turns = Turns(lease=30)
    await turns.acquire("a")
    token, _ = await asyncio.wait_for(turns.acquire("b"), timeout=5)
    assert token


@pytest.mark.asyncio
async def test_a_cancelled_waiter_leaves_the_line() -> None:
    turns = Turns(lease=30)
    first, _ = await turns.acquire("e")
    gone = asyncio.create_task(turns.acquire("e"))
    stays = asyncio.create_task(turns.acquire("e"))
    await asyncio.sleep(0)
    gone.cancel()
    turns.release("e", first)
    token, _ = await asyncio.wait_for(stays, timeout=5)
    assert token


@pytest.mark.asyncio
async def test_a_lease_ends_a_turn_nobody_finishes() -> None:
    turns = Turns(lease=0.05)
    await turns.acquire("e")  # and never released
    token, head = await asyncio.wait_for(turns.acquire("e"), timeout=5)
    assert token and head is None
