"""Checks the services' boundary: every public use-case is annotated, and returns typed values.

No `Any` and no `dict` in a return type, nor in the fields of the result types the services
define (a front end reads fields, never keys). JSON documents (credentials, DID documents,
claims) cross as read-only `JsonObject` mappings: their shape is a standard's.
"""

from __future__ import annotations

import dataclasses
import inspect
import types
import typing
from collections.abc import Callable, Iterator

import wallet.services as services

_NONE = type(None)


def _public_functions() -> Iterator[tuple[str, Callable[..., object]]]:
    for name in services.__all__:
        value = getattr(services, name)
        if inspect.isfunction(value):
            yield name, value


def _problems(hint: object, where: str, seen: set[type]) -> Iterator[str]:
    """Where `Any` or `dict` appears in `hint`, looking into the services' own dataclasses."""
    if hint is typing.Any:
        yield f"{where}: Any"
        return
    origin = typing.get_origin(hint)
    if hint is dict or origin is dict:
        yield f"{where}: dict"
        return
    for arg in typing.get_args(hint):
        if arg is not Ellipsis and not isinstance(arg, list):
            yield from _problems(arg, where, seen)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint) and hint not in seen:
        if not hint.__module__.startswith("wallet.services"):
            return
        seen.add(hint)
        fields = typing.get_type_hints(hint, localns=_typing_names())
        for field in dataclasses.fields(hint):
            yield from _problems(
                fields[field.name], f"{where} -> {hint.__name__}.{field.name}", seen
            )


def _typing_names() -> dict[str, object]:
    """Names the services import only for type checking, to resolve their annotations."""
    import did
    import voting.audit
    import voting.board
    import voting.chain
    import voting.election
    import voting.tally
    import wallet.keystore
    import wallet.openid4vc
    import wallet.server

    names: dict[str, object] = {}
    modules = (did, voting.election, voting.tally, voting.board, voting.chain, voting.audit)
    for module in (*modules, wallet.keystore, wallet.openid4vc, wallet.server):
        names.update({n: getattr(module, n) for n in module.__all__})
    names["Result"] = voting.tally.ElectionResult
    return names | vars(services)


def _hints(function: Callable[..., object]) -> dict[str, object]:
    return typing.get_type_hints(function, localns=_typing_names())


def test_every_public_use_case_is_fully_annotated() -> None:
    missing = []
    for name, function in _public_functions():
        signature = inspect.signature(function)
        hints = _hints(function)
        missing += [f"{name}({p})" for p in signature.parameters if p not in hints]
        if "return" not in hints:
            missing.append(f"{name} -> ?")
    assert missing == []


def test_no_use_case_returns_any_or_a_dict() -> None:
    problems: list[str] = []
    for name, function in _public_functions():
        problems += _problems(_hints(function).get("return"), name, set())
    assert problems == []


def test_the_walker_sees_any_and_dicts_inside_containers() -> None:
    assert list(_problems(list[dict[str, int]], "f", set())) == ["f: dict"]
    assert list(_problems(tuple[int, typing.Any] | None, "g", set())) == ["g: Any"]
    assert list(_problems(types.NoneType, "h", set())) == []
