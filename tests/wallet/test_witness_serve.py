"""Drives the real `wallet witness serve` with raw HTTP requests written from C2SP tlog-witness.

Each request body is laid out as §add-checkpoint says (old size line, proof lines, empty
line, checkpoint note) and sent over a plain socket, so nothing of our own client code sits
between the test and the server; each answer's status, content type and body are checked
against the spec's text. The last test kills the server with SIGKILL and restarts it.
"""

from __future__ import annotations

import base64
import hashlib
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.serving import make_test_ca
from tests.voting.witness.logs import TestLog, new_witness
from tests.wallet.cli_helpers import ROOT, file_env, wallet
from voting.chain import (
    CosignatureVerifier,
    Note,
    NoteSignature,
    merge_cosignatures,
    open_checkpoint,
)
from voting.witness import MAX_BODY_BYTES
from wallet.server import Running
from wallet.witness import witness_app

PASSPHRASE = {"WALLET_WITNESS_PASSPHRASE": "witness test passphrase"}


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


def _request(port: int, method: str, path: str, body: bytes = b"") -> Reply:
    """One HTTP/1.1 request on a fresh connection, read until the server closes it."""
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head.encode("ascii") + body)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    raw = b"".join(chunks)
    header_block, _, payload = raw.partition(b"\r\n\r\n")
    status_line, *lines = header_block.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Reply(int(status_line.split(" ")[1]), headers, payload)


def add_checkpoint(port: int, body: bytes) -> Reply:
    return _request(port, "POST", "/add-checkpoint", body)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """`wallet witness serve` in a subprocess on a free loopback port."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "wallet", "witness", "serve", "--dir", str(folder),
             "--listen", f"127.0.0.1:{self.port}"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        self._wait_until_listening()

    def _wait_until_listening(self) -> None:
        # Start-up (imports, keystore unlock) takes a moment; connect until it accepts.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                assert self.process.stderr is not None
                raise AssertionError(self.process.stderr.read().decode())
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("wallet witness serve did not start listening")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
        assert self.process.stderr is not None
        self.process.stderr.close()


@dataclass(frozen=True)
class Setup:
    folder: Path
    env: dict[str, str]
    verifier: CosignatureVerifier
    log: TestLog


def _setup(tmp: Path) -> Setup:
    env = file_env(**PASSPHRASE)
    folder = tmp / "witness"
    made = wallet("witness", "init", "--dir", folder, "--keystore", "file",
                  "--name", "witness.example/w1", "--json", env=env)  # fmt: skip
    assert made.code == 0, made.stderr
    verifier = CosignatureVerifier.from_vkey(made.json()["vkey"])
    log = TestLog("example.com/behind-the-sofa").grow(8)
    added = wallet("witness", "add-log", log.origin, log.vkey, "--dir", folder, env=env)
    assert added.code == 0, added.stderr
    return Setup(folder, env, verifier, log)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Setup, Server]]:
    setup = _setup(tmp_path_factory.mktemp("witness"))
    server = Server(setup.folder, setup.env)
    try:
        yield setup, server
    finally:
        server.stop()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _body(old: int, proof: list[bytes], note: str) -> bytes:
    """§add-checkpoint: `old N`, proof lines, an empty line, the checkpoint note."""
    return ("".join(line + "\n" for line in [f"old {old}", *map(_b64, proof), ""]) + note).encode()


def _check_cosigned(setup: Setup, note: str, reply: Reply) -> None:
    assert reply.status == 200, reply.body
    text = reply.body.decode("utf-8")
    # §add-checkpoint: one or more note signature lines, each "— " ... "\n".
    assert text.endswith("\n")
    assert all(line.startswith("\u2014 ") for line in text[:-1].split("\n"))
    merged = merge_cosignatures(Note.from_text(note), text)
    opened = open_checkpoint(merged, [setup.log.signer.verifier()], [setup.verifier])
    assert [c.name for c in opened.cosignatures] == ["witness.example/w1"]
    assert opened.cosignatures[0].timestamp > 0  # "the timestamp MUST NOT be zero"


def test_add_checkpoint_statuses_follow_the_spec(served: tuple[Setup, Server]) -> None:
    setup, server = served
    log, port = setup.log, server.port
    note8 = log.note(8).to_text()

    # Unknown origin: 404.
    stranger = TestLog("example.com/somebody-else").grow(3)
    assert add_checkpoint(port, _body(0, [], stranger.note().to_text())).status == 404

    # A signature line from the log's key (name and ID) that fails to verify: 403.
    sig = log.note(8).signatures[0]
    flipped = NoteSignature(sig.name, sig.key_id, bytes([sig.signature[5] ^ 4]).join(
        [sig.signature[:5], sig.signature[6:]]))  # fmt: skip
    bad = Note(log.note(8).text, (flipped,)).to_text()
    assert add_checkpoint(port, _body(0, [], bad)).status == 403

    # Old size above the checkpoint size: 400.
    assert add_checkpoint(port, _body(9, [], note8)).status == 400
    # Not the grammar (no empty line, a leading zero): 400.
    assert add_checkpoint(port, b"old 0\n" + note8.encode()).status == 400
    assert add_checkpoint(port, _body(0, [], note8).replace(b"old 0", b"old 00")).status == 400

    # Old size zero with a proof: 422.
    assert add_checkpoint(port, _body(0, [b"\x01" * 32], note8)).status == 422

    # Size zero with a root other than the empty tree's: 422.
    text = f"{log.origin}\n0\n{_b64(hashlib.sha256(b'x').digest())}\n"
    zero = Note(text, (log.signer.sign(text),)).to_text()
    assert add_checkpoint(port, _body(0, [], zero)).status == 422

    # Well-formed, first checkpoint: 200 and a cosignature.
    _check_cosigned(setup, note8, add_checkpoint(port, _body(0, [], note8)))

    # Wrong old size: 409, `text/x.tlog.size`, the witness's size and a newline.
    log.grow(13)
    note13 = log.note(13).to_text()
    conflict = add_checkpoint(port, _body(5, log.store.consistency_proof("log", 5, 13), note13))
    assert conflict.status == 409
    assert conflict.headers["content-type"] == "text/x.tlog.size"
    assert conflict.body == b"8\n"

    # A consistency proof that does not verify: 422; the witness stays at 8.
    proof = log.store.consistency_proof("log", 8, 13)
    broken = [proof[0][:-1] + bytes([proof[0][-1] ^ 1]), *proof[1:]]
    assert add_checkpoint(port, _body(8, broken, note13)).status == 422
    assert add_checkpoint(port, _body(8, proof[:-1], note13)).status == 422

    # The same proof intact: 200.
    _check_cosigned(setup, note13, add_checkpoint(port, _body(8, proof, note13)))

    # Monitoring: the latest cosigned checkpoint by origin hash; unknown hash: 404.
    origin_hash = hashlib.sha256(log.origin.encode()).hexdigest()
    latest = _request(port, "GET", f"/{origin_hash}/checkpoint")
    assert latest.status == 200
    kept = open_checkpoint(latest.body, [log.signer.verifier()], [setup.verifier])
    assert kept.checkpoint.size == 13 and len(kept.cosignatures) == 1
    assert _request(port, "GET", f"/{'0' * 64}/checkpoint").status == 404


def test_oversized_and_wrong_method_requests_are_refused(served: tuple[Setup, Server]) -> None:
    _, server = served
    huge = add_checkpoint(server.port, b"old 0\n" + b"A" * MAX_BODY_BYTES)
    assert huge.status == 413
    assert huge.headers["content-type"] == "application/problem+json"
    assert _request(server.port, "GET", "/add-checkpoint").status == 405


def test_inconsistent_checkpoint_stays_409_after_sigkill(tmp_path: Path) -> None:
    """A fork of the log gets 409 (or 422), before and after the witness is killed."""
    setup = _setup(tmp_path)
    prefix = TestLog(setup.log.origin, setup.log.signer).grow(4)
    honest, fork = prefix.fork("honest").grow(9, "honest"), prefix.fork("evil").grow(9, "evil")
    server = Server(setup.folder, setup.env)
    try:
        assert add_checkpoint(server.port, prefix.request(0).to_bytes()).status == 200
        assert add_checkpoint(server.port, honest.request(4).to_bytes()).status == 200
        before = add_checkpoint(server.port, fork.request(4).to_bytes())
        assert (before.status, before.body) == (409, b"9\n")
        server.kill()
        server = Server(setup.folder, setup.env)
        after = add_checkpoint(server.port, fork.request(4).to_bytes())
        assert (after.status, after.body) == (409, b"9\n")
        # Claiming the witness's own size for the fork's tree of that size: 422.
        assert add_checkpoint(server.port, fork.request(9).to_bytes()).status == 422
        # The honest log still moves on.
        grown = add_checkpoint(server.port, honest.grow(12, "honest").request(9).to_bytes())
        assert grown.status == 200
    finally:
        server.stop()
    shown = wallet("witness", "info", "--dir", setup.folder, "--json", env=setup.env)
    assert shown.json()["logs"][0]["size"] == 12
    # The fork's checkpoint of size 9, log-signed but inconsistent, is kept as evidence.
    assert shown.json()["logs"][0]["refusedInconsistent"] == 1


def test_init_refuses_a_second_witness_and_add_log_a_bad_key(tmp_path: Path) -> None:
    setup = _setup(tmp_path)
    again = wallet("witness", "init", "--dir", setup.folder, "--keystore", "file", env=setup.env)
    assert again.code == 3 and "already holds a witness" in again.stderr
    bad = wallet("witness", "add-log", "example.com/x", "not-a-vkey", "--dir", setup.folder,
                 env=setup.env)  # fmt: skip
    assert bad.code == 2 and "log key" in bad.stderr
    wrong = wallet("witness", "add-log", "example.com/x", setup.verifier.to_vkey(),
                   "--dir", setup.folder, env=setup.env)  # fmt: skip
    assert wrong.code == 2 and "signature type 0x04" in wrong.stderr
    no_passphrase = {k: v for k, v in setup.env.items() if k != "WALLET_WITNESS_PASSPHRASE"}
    locked = wallet("witness", "serve", "--listen", "127.0.0.1:1", "--dir", setup.folder,
                    env=no_passphrase)  # fmt: skip
    assert locked.code == 3
    public = wallet("witness", "serve", "--listen", "0.0.0.0:1", "--dir", setup.folder,
                    env=setup.env)  # fmt: skip
    assert public.code == 2 and "TLS" in public.stderr
    assert (setup.folder / "witness.keys").stat().st_mode & 0o077 == 0


def test_witness_app_over_https(tmp_path: Path) -> None:
    """The same app behind TLS, in process, with an httpx client that checks the certificate."""
    ca = make_test_ca(tmp_path)
    log = TestLog().grow(5)
    witness = new_witness(str(tmp_path / "w.db"))
    witness.state.add_log(log.origin, log.signer.verifier())
    with (
        Running(witness_app(witness), tls=ca.tls) as server,
        httpx.Client(
            base_url=server.url, verify=ssl.create_default_context(cafile=str(ca.ca_file))
        ) as client,
    ):
        reply = client.post("/add-checkpoint", content=log.request(0).to_bytes())
        assert reply.status_code == 200
        assert reply.text.startswith("\u2014 witness.example/w1 ")
        again = client.post("/add-checkpoint", content=log.grow(7).request(3).to_bytes())
        assert (again.status_code, again.text) == (409, "5\n")
