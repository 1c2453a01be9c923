"""Checks the import direction `tui → wallet → voting → did` and the start-up path."""

from __future__ import annotations

import ast
import functools
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["did", "voting", "wallet", "tui"]

# Third-party packages each layer may import (DESIGN §1). The project's own packages are
# checked by position in ORDER instead. The wallet also uses PyNaCl: DESIGN §2 has the file
# keystore derive its key with Argon2id and seal with SecretBox from PyNaCl. The voting
# package may use gmpy2 for the field arithmetic of its batch operations (docs/decisions.md).
# did's did:web transport builds on httpcore, httpx's own connection layer, to check the
# address it connects to (docs/decisions.md, "did:web and the private network").
THIRD_PARTY = {
    "did": {"nacl", "cryptography", "rfc8785", "httpx", "httpcore"},
    "voting": {"nacl", "rich", "gmpy2"},
    "wallet": {
        "keyring",
        "typer",
        "click",
        "platformdirs",
        "secretstorage",
        "jeepney",
        "rich",
        "nacl",
        # The board and witness servers and their clients, the OpenID4VC holder, issuer and
        # verifier (DESIGN §1), terminal QR codes, and X.509 chains for x509_san_dns.
        "starlette",
        "uvicorn",
        "httpx",
        "psycopg",
        "segno",
        "cryptography",
    },
    "tui": {"textual", "rich"},
}


@functools.cache
def parsed(path: Path) -> ast.Module:
    """The syntax tree of `path`; each file is parsed once for all the checks here."""
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imported_roots(path: Path) -> set[str]:
    tree = parsed(path)
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def layer_violations(package: str) -> list[str]:
    allowed_own = set(ORDER[: ORDER.index(package) + 1])
    problems = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for root in sorted(imported_roots(path)):
            if root in ORDER and root not in allowed_own:
                problems.append(f"{path.relative_to(ROOT)} imports {root} against the arrow")
            elif (
                root not in ORDER
                and root not in sys.stdlib_module_names
                and root not in THIRD_PARTY[package]
            ):
                problems.append(f"{path.relative_to(ROOT)} imports {root}, not allowed here")
    return problems


@pytest.mark.parametrize("package", ORDER)
def test_imports_follow_the_arrow(package: str) -> None:
    assert layer_violations(package) == []


def test_the_checker_catches_a_backward_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from wallet import services\nimport typer\n", encoding="utf-8")
    assert imported_roots(module) == {"wallet", "typer"}


def imports_of_voting_testing(path: Path) -> list[int]:
    """The lines of `path` that import `voting.testing`, in any spelling."""
    tree = parsed(path)
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        if any(name == "voting.testing" or name.startswith("voting.testing.") for name in names):
            lines.append(node.lineno)
    return lines


def test_production_code_never_imports_the_test_doubles() -> None:
    # `voting.testing` holds a seeded rng and fixed keys: reproducible by design, so only the
    # tests and the benchmarks may use it.
    testing = ROOT / "voting" / "testing"
    found = [
        f"{path.relative_to(ROOT)}:{line} imports voting.testing"
        for package in ORDER
        for path in sorted((ROOT / package).rglob("*.py"))
        if testing not in path.parents
        for line in imports_of_voting_testing(path)
    ]
    assert found == []


def test_the_checker_catches_every_spelling_of_the_testing_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "import voting.testing\n"
        "from voting import testing\n"
        "from voting.testing import SeededRng\n"
        "from voting.testing._rng import SeededRng as R\n"
        "from voting import group\n"
        "import voting.testingfoo\n",
        encoding="utf-8",
    )
    assert imports_of_voting_testing(module) == [1, 2, 3, 4]


def test_help_does_not_import_heavy_modules() -> None:
    probe = (
        "import sys, json\n"
        "sys.argv = ['wallet', '--help']\n"
        "from wallet.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, cwd=ROOT
    )
    modules = json.loads(done.stderr.strip().splitlines()[-1])
    assert "Usage" in done.stdout
    heavy = [
        name
        for name in modules
        if name.split(".")[0]
        in {
            "textual",
            "nacl",
            "cryptography",
            "starlette",
            "uvicorn",
            "psycopg",
            "segno",
            "rich",
            "pydantic",
        }
        or name.startswith("keyring.backends")
    ]
    assert heavy == []


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import that runs (at module level or in a function), not those for typing."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def import_graph(package: str) -> dict[str, set[str]]:
    """Which modules of `package` each of its modules imports, at run time."""
    paths = {_module_name(p): p for p in sorted((ROOT / package).rglob("*.py"))}
    graph: dict[str, set[str]] = {name: set() for name in paths}
    for name, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _runtime_imports(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif node.level == 0 and node.module:
                targets = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
            for target in targets:
                while target and target not in paths:
                    target = target.rpartition(".")[0]
                if target and target != name and not name.startswith(target + "."):
                    graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of `graph` as a path that returns to its start, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done.
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)) is not None:
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)) is not None:
            return cycle
    return None


@pytest.mark.parametrize("package", ORDER)
def test_no_import_cycles_inside_a_package(package: str) -> None:
    assert find_cycle(import_graph(package)) is None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
