"""Provides fixtures shared by the did tests: parsed vectors and a local HTTPS server."""

from __future__ import annotations

import ipaddress
import json
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest


def load_json(path: Path) -> Any:
    """Read one vector file as JSON."""
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def did_key_vectors(vectors: Path) -> list[dict[str, Any]]:
    """The entries of did-key/ed25519-did-key-vectors.json."""
    entries: list[dict[str, Any]] = load_json(vectors / "did-key" / "ed25519-did-key-vectors.json")[
        "vectors"
    ]
    return entries


@pytest.fixture(scope="session")
def did_key_spec_examples(vectors: Path) -> dict[str, Any]:
    """The did:key specification examples and negative-case rules."""
    examples: dict[str, Any] = load_json(vectors / "did-key" / "did-key-spec-examples.json")
    return examples


@pytest.fixture(scope="session")
def w3c_ccg_did_key_vectors(vectors: Path) -> dict[str, Any]:
    """The w3c-ccg did-method-key Ed25519/X25519 test vectors (legacy documents)."""
    entries: dict[str, Any] = load_json(vectors / "did-key" / "w3c-ccg-ed25519-x25519.json")
    return entries


# --- A real HTTPS server on localhost, trusted through a throwaway test CA. ---


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes
    status: int = 200
    # A stalled route never answers while the test runs: a client's timeout is tested
    # without the server sleeping through any time.
    stall: bool = False
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class HttpsServer:
    """A threaded HTTPS server for `localhost`, with a CA that tests trust explicitly."""

    port: int
    ca_pem: bytes
    ca_path: Path
    routes: dict[str, Route]
    released: threading.Event
    # The path of every request that reached the server, in order.
    seen: list[str] = field(default_factory=list)

    @property
    def hits(self) -> int:
        """How many requests have reached the server so far."""
        return len(self.seen)

    @property
    def authority(self) -> str:
        return f"localhost:{self.port}"

    def url(self, path: str) -> str:
        return f"https://{self.authority}{path}"

    def ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts only the test CA."""
        return ssl.create_default_context(cadata=self.ca_pem.decode("ascii"))

    def client(self, timeout: float = 5.0) -> httpx.Client:
        """An httpx client that trusts the test CA and ignores proxy variables."""
        return httpx.Client(verify=self.ssl_context(), timeout=timeout, trust_env=False)

    def serve(self, path: str, body: bytes | str | object, **options: Any) -> str:
        """Answer `path` with `body` (JSON-encoded unless bytes or text); return its URL."""
        if isinstance(body, str):
            data = body.encode("utf-8")
        elif isinstance(body, bytes):
            data = body
        else:
            data = json.dumps(body).encode("utf-8")
        self.routes[path] = Route(data, **options)
        return self.url(path)


def _make_certificates(directory: Path) -> tuple[bytes, Path, Path]:
    """Make a test CA and a leaf for localhost/127.0.0.1; return (CA PEM, cert file, key file)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    # Certificates must be valid by the system clock, because TLS checks against it.
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ssi-wallet test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_pem = ca_cert.public_bytes(serialization.Encoding.PEM)
    cert_path, key_path = directory / "leaf.pem", directory / "leaf.key"
    cert_path.write_bytes(leaf_cert.public_bytes(serialization.Encoding.PEM) + ca_pem)
    key_path.write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_pem, cert_path, key_path


class _Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, Route]] = {}
    released: ClassVar[threading.Event] = threading.Event()
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        route = self.routes.get(self.path)
        if route is None:
            route = Route(b'{"error": "not found"}', status=404)
        if route.stall:
            # Held until the server shuts down; by then the client has long given up.
            self.released.wait()
        try:
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(route.body)
        except OSError:
            # The client gave up (a timeout test); there is nobody left to answer.
            pass

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """TLS handshakes that a test aborts on purpose are not errors worth printing."""


@pytest.fixture(scope="session")
def https_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HttpsServer]:
    """A real HTTPS server on localhost in a thread, with its CA for clients to trust."""
    directory = tmp_path_factory.mktemp("https")
    ca_pem, cert_path, key_path = _make_certificates(directory)
    ca_path = directory / "ca.pem"
    ca_path.write_bytes(ca_pem)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    routes: dict[str, Route] = {}
    released = threading.Event()
    seen: list[str] = []
    handler = type("Handler", (_Handler,), {"routes": routes, "released": released, "seen": seen})
    server = _QuietServer(("127.0.0.1", 0), handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield HttpsServer(server.server_address[1], ca_pem, ca_path, routes, released, seen)
    finally:
        released.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
