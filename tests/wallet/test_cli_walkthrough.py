"""The walkthrough of docs/elections.md, run exactly as written, as its readers would.

Its code block (three trustees, five voters, a served board) is read from the document and
each line is run by bash in one working folder, where `wallet` is the real command line in a
process of its own: the board server (`wallet board serve`, over TLS with a test CA), the
trustees following in the background, the authority, the voters and the auditor, each in a
home of their own. Only the board's host has the board's passphrase. The one rewrite is the
board's port (a free one instead of 8443). The processes share a clock that the test moves
past the voting window before `election finish`; nobody waits for time to pass.

The document promises at most 25 commands: the test counts each `wallet` the block runs
(a loop over five voters, five), and checks afterwards what the walkthrough claims: the
result, the audit's verdict, and every voter's receipts against the final board.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from tests.serving import make_test_ca
from tests.wallet.cli_helpers import ROOT, file_env
from tests.wallet.fakes import EPOCH

DOC = ROOT / "docs" / "elections.md"
HEADING = "## Walkthrough"
PROMISED = 25
BOARD_PASSPHRASE = "board host passphrase"
TIMEOUT = 300


def walkthrough() -> list[str]:
    """The command lines of the document's walkthrough block, comments left out."""
    section = DOC.read_text(encoding="utf-8").split(HEADING, 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    joined = block.replace("\\\n", " ")
    return [line for line in joined.splitlines() if line.strip() and not line.startswith("#")]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Shell:
    """Runs the walkthrough's lines in `folder` with `wallet` on PATH, keeping the shell
    variables its assignments set, and the processes it sent to the background."""

    folder: Path
    env: dict[str, str]
    port: int
    prelude: list[str] = field(default_factory=list)
    background: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)
    server: subprocess.Popen[bytes] | None = None
    outputs: dict[str, str] = field(default_factory=dict)

    def _script(self, line: str) -> str:
        script = "\n".join([*self.prelude, line])
        return script.replace("127.0.0.1:8443", f"127.0.0.1:{self.port}")

    def _env(self, line: str) -> dict[str, str]:
        # Only the board's host may open the board's key.
        if line.startswith("wallet board"):
            return self.env | {"WALLET_BOARD_PASSPHRASE": BOARD_PASSPHRASE}
        return self.env

    def run(self, line: str) -> None:
        if re.fullmatch(r"(export )?\w+=\S+", line):
            self.prelude.append(line)
        elif line.startswith("wallet board serve") and line.endswith("&"):
            self._serve(line.removesuffix("&"))
        elif line.endswith("&") or "& done" in line:
            # bash waits for each job it started and fails if one did.
            script = self._script(line) + "\nfor job in $(jobs -p); do wait $job || exit 1; done"
            log = (self.folder / f"background-{len(self.background)}.log").open("wb")
            process = subprocess.Popen(
                ["bash", "-c", script], cwd=self.folder, env=self._env(line),
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
            self.background.append((line, process))
        else:
            done = subprocess.run(
                ["bash", "-c", "set -eo pipefail\n" + self._script(line)],
                cwd=self.folder, env=self._env(line), capture_output=True, text=True,
                timeout=TIMEOUT, check=False,
            )  # fmt: skip
            assert "Traceback" not in done.stderr, done.stderr
            assert done.returncode == 0, (line, done.returncode, done.stdout, done.stderr)
            self.outputs[line] = done.stdout

    def _serve(self, line: str) -> None:
        """Start the board server and wait until it says it listens (it logs that once)."""
        server = subprocess.Popen(
            ["bash", "-c", self._script("exec " + line)], cwd=self.folder,
            env=self._env(line), stderr=subprocess.PIPE,
        )  # fmt: skip
        self.server = server
        listening = threading.Event()
        log = self.folder / "board-serve.log"

        def drain() -> None:
            assert server.stderr is not None
            with log.open("wb") as sink:
                for raw in server.stderr:
                    sink.write(raw)
                    sink.flush()
                    if b"running on" in raw.lower():
                        listening.set()
            listening.set()  # It ended: let the test see why, rather than hang.

        threading.Thread(target=drain, daemon=True).start()
        assert listening.wait(60) and server.poll() is None, log.read_text()

    def abort(self) -> None:
        """After a failure: stop the background jobs and the server at once."""
        for _, process in self.background:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        self.background = []
        self.finish()

    def finish(self) -> None:
        """Wait for the background jobs (each must succeed), then stop the server."""
        try:
            for line, process in self.background:
                code = process.wait(timeout=TIMEOUT)
                logs = "\n".join(p.read_text() for p in self.folder.glob("background-*.log"))
                assert code == 0, (line, logs)
        finally:
            if self.server is not None:
                self.server.send_signal(signal.SIGTERM)
                self.server.wait(timeout=60)


def _shim(folder: Path) -> Path:
    """A `wallet` on PATH: the real command line, on the test's clock, counting its runs."""
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "wallet"
    shim.write_text(
        "#!/bin/sh\n"
        'printf "%s\\n" "$*" >> "$WALLET_TEST_LOG"\n'
        f'exec "{sys.executable}" -m tests.wallet.clocked_wallet "$@"\n',
        encoding="utf-8",
    )
    shim.chmod(0o755)
    return bin_dir


def test_the_walkthrough_runs_as_written(tmp_path: Path) -> None:
    lines = walkthrough()
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "ca").mkdir()
    ca = make_test_ca(tmp_path / "ca")
    # The files the walkthrough names: the board's certificate and key, and the CA's.
    (work / "board.pem").write_bytes(ca.tls.cert.read_bytes())
    (work / "board-key.pem").write_bytes(ca.tls.key.read_bytes())
    (work / "ca.pem").write_bytes(ca.ca_file.read_bytes())
    clock = tmp_path / "clock"
    start = EPOCH
    clock.write_text(start.isoformat(), encoding="utf-8")
    runs = tmp_path / "runs.log"
    runs.touch()
    env = file_env(
        PATH=str(_shim(tmp_path)) + os.pathsep + os.environ.get("PATH", ""),
        PYTHONPATH=str(ROOT),
        WALLET_TEST_CLOCK=str(clock),
        WALLET_TEST_LOG=str(runs),
    )
    shell = Shell(work, env, _free_port())
    try:
        for line in lines:
            if " election finish " in line:
                # The voting window (a day, the default) is over.
                clock.write_text((start + timedelta(days=1, minutes=1)).isoformat())
            shell.run(line)
    except BaseException:
        shell.abort()
        raise
    shell.finish()

    commands = runs.read_text(encoding="utf-8").splitlines()
    assert len(commands) <= PROMISED, commands
    assert len(commands) == PROMISED  # What the document says it takes.
    audit = next(out for line, out in shell.outputs.items() if line.startswith("wallet audit"))
    assert audit.rstrip().endswith("audit PASSED")

    def wallet(home: str, *args: str) -> str:
        board = f"https://127.0.0.1:{shell.port}"
        done = subprocess.run(
            ["wallet", "--home", home, *args, "--board", board] if args[0] == "election"
            else ["wallet", "--home", home, *args],
            cwd=work, env=env | {"WALLET_CA_FILE": "ca.pem"}, capture_output=True, text=True,
            timeout=TIMEOUT, check=False,
        )  # fmt: skip
        assert done.returncode == 0, (args, done.stderr)
        return done.stdout

    # The server has stopped; start it again to read the final board (a restart loses nothing).
    shell.server = None
    shell.run(next(line for line in lines if line.startswith("wallet board serve")))
    try:
        shown = json.loads(wallet("authority", "election", "show", "mayor", "--json"))
        assert shown["phase"] == "finished"
        assert shown["result"] == {"mayor": {"ada": 4, "bob": 0, "cy": 1}}
        assert (shown["ballots"], shown["challenged"]) == (6, 1)
        # Every voter checks every receipt it holds against the final board.
        for voter in ("v1", "v2", "v3", "v4", "v5"):
            receipts = json.loads(wallet(voter, "receipt", "list", "--json"))
            assert receipts, voter
            for receipt in receipts:
                wallet(voter, "receipt", "check", receipt["id"])
    finally:
        shell.finish()
    # Nobody but the board's host holds the board's key: no home has a board keystore.
    homes = [work / name for name in ("authority", "t1", "t2", "t3", "v1", "v2", "v3", "v4", "v5")]
    assert all(home.is_dir() for home in homes)
    assert not [p for home in homes for p in home.rglob("*") if "board" in p.name]
