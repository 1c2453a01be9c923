"""Tests did:web: URL mapping, the did.json to host, and resolution over real HTTPS."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from did import (
    DidDocument,
    Ed25519Key,
    Resolver,
    did_key_from_public_key,
    did_web_url,
    web_did_document,
)
from did.errors import DidError, EncodingError, InvalidDid, ResolutionError

from .conftest import HttpsServer

KEY = Ed25519Key.from_seed(bytes(range(32))).public_key

# --- §3.2 steps 1-6: DID to URL. ---


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
        ("did:web:example.com", "https://example.com/.well-known/did.json"),
        ("did:web:localhost%3A8443", "https://localhost:8443/.well-known/did.json"),
        ("did:web:example.com:user:alice", "https://example.com/user/alice/did.json"),
        ("did:web:Example.COM", "https://example.com/.well-known/did.json"),
        ("did:web:example.com:a%20b", "https://example.com/a%20b/did.json"),
    ],
)
def test_did_to_url(did: str, url: str) -> None:
    assert did_web_url(did) == url


@pytest.mark.parametrize(
    "bad",
    [
        "did:web:127.0.0.1",
        "did:web:example.com%3A0",
        "did:web:example.com%3A65536",
        "did:web:example.com%3Ahttp",
        "did:web:example.com%3A",
        "did:web:-example.com",
        "did:web:exa_mple.com",
        "did:web:example..com",
        "did:web:example.com%2Fevil",
        "did:web:example.com:a%2Fb",
        "did:web:example.com:..",
        "did:web:example.com::x",
        "did:web:example.com#key-1",
        "did:key:example.com",
        "did:web:user%40example.com",
    ],
)
def test_malformed_did_web(bad: str) -> None:
    with pytest.raises(InvalidDid):
        did_web_url(bad)


@settings(max_examples=200)
@given(st.text(max_size=60))
def test_did_web_url_raises_only_did_errors(text: str) -> None:
    try:
        url = did_web_url("did:web:" + text)
    except DidError:
        return
    assert url.startswith("https://") and url.endswith("/did.json")


# --- The did.json to host. ---


def test_web_did_document_is_a_valid_document() -> None:
    did = "did:web:example.com:user:alice"
    wire = web_did_document(did, KEY)
    document = DidDocument.from_json(wire, expected_id=did)
    assert document.to_json() == wire
    method = document.find_verification_method("#key-1")
    assert (method.type, method.public_key, method.controller) == ("Multikey", KEY, did)
    # The key is the same one a did:key of it would carry.
    assert wire["verificationMethod"][0]["publicKeyMultibase"] == did_key_from_public_key(KEY)[8:]
    for purpose in ("authentication", "assertionMethod", "capabilityInvocation"):
        assert document.authorizes(method.id, purpose)


def test_web_did_document_refuses_bad_input() -> None:
    with pytest.raises(InvalidDid):
        web_did_document("did:key:z6Mk", KEY)
    with pytest.raises(EncodingError):
        web_did_document("did:web:example.com", KEY[:31])
    with pytest.raises(EncodingError, match="curve point"):
        web_did_document("did:web:example.com", b"\x01" + bytes(31))


# --- §3.2 Read: resolution over HTTPS against a real local server (on this machine, so each
# resolver here allows private networks; test_did_web_network tests that rule). ---


def test_host_with_port_form_resolves(https_server: HttpsServer) -> None:
    did = f"did:web:localhost%3A{https_server.port}"
    https_server.serve("/.well-known/did.json", web_did_document(did, KEY))
    with https_server.client() as client:
        result = Resolver(client, allow_private_network=True).resolve(did)
        assert result.ok, result.message
        assert result.did_document is not None
        assert result.did_document.find_verification_method("#key-1").public_key == KEY
        method = Resolver(client, allow_private_network=True).resolve_verification_method(
            did + "#key-1", "assertionMethod"
        )
        assert method.public_key == KEY


def test_path_form_resolves_with_a_trusted_ca_context(https_server: HttpsServer) -> None:
    did = f"did:web:localhost%3A{https_server.port}:user:alice"
    https_server.serve("/user/alice/did.json", web_did_document(did, KEY))
    resolver = Resolver(
        verify=https_server.ssl_context(),
        trust_env=False,
        timeout=5,
        allow_private_network=True,
    )
    document = resolver.resolve_document(did)
    assert document.id == did
    assert document.to_json() == web_did_document(did, KEY)


def test_untrusted_certificate_is_refused(https_server: HttpsServer) -> None:
    did = f"did:web:localhost%3A{https_server.port}:untrusted"
    https_server.serve("/untrusted/did.json", web_did_document(did, KEY))
    # The system trust store does not know the test CA, so TLS verification must fail.
    result = Resolver(trust_env=False, allow_private_network=True).resolve(did)
    assert result.error == "notFound"
    assert "SSL" in (result.message or "") or "certificate" in (result.message or "").lower()


@pytest.mark.parametrize(
    ("path", "body", "options", "code", "message"),
    [
        ("/missing", None, {}, "notFound", "HTTP 404"),
        ("/server-error", {"id": "x"}, {"status": 500}, "notFound", "HTTP 500"),
        ("/redirect", b"", {"status": 302, "headers": {"Location": "/"}}, "notFound", "HTTP 302"),
        ("/bad-json", b"{not json", {}, "invalidDidDocument", "not UTF-8 JSON"),
        ("/not-utf8", b"\xff\xfe{}", {}, "invalidDidDocument", "not UTF-8 JSON"),
        ("/array", [1, 2], {}, "invalidDidDocument", "want a JSON object"),
        ("/huge", b" " * (70 * 1024), {}, "invalidDidDocument", "larger than"),
    ],
    ids=["404", "500", "redirect", "bad-json", "not-utf8", "array", "oversized"],
)
def test_resolution_failures(
    https_server: HttpsServer,
    path: str,
    body: object,
    options: dict[str, object],
    code: str,
    message: str,
) -> None:
    did = f"did:web:localhost%3A{https_server.port}:{path.strip('/')}"
    if body is not None:
        https_server.serve(f"{path}/did.json", body, **options)
    with https_server.client() as client:
        resolver = Resolver(client, max_document_bytes=64 * 1024, allow_private_network=True)
        result = resolver.resolve(did)
        assert result.error == code
        assert message in (result.message or "")
        with pytest.raises(ResolutionError, match=message):
            resolver.resolve_document(did)


def test_document_naming_another_did_is_refused(https_server: HttpsServer) -> None:
    did = f"did:web:localhost%3A{https_server.port}:mallory"
    https_server.serve("/mallory/did.json", web_did_document("did:web:example.com", KEY))
    with https_server.client() as client:
        result = Resolver(client, allow_private_network=True).resolve(did)
    assert result.error == "invalidDidDocument"
    assert "want" in (result.message or "") and did in (result.message or "")


def test_invalid_document_is_refused(https_server: HttpsServer) -> None:
    did = f"did:web:localhost%3A{https_server.port}:broken"
    wire = web_did_document(did, KEY)
    wire["assertionMethod"] = [did + "#nowhere"]
    https_server.serve("/broken/did.json", wire)
    with https_server.client() as client:
        assert (
            Resolver(client, allow_private_network=True).resolve(did).error == "invalidDidDocument"
        )


def test_slow_server_times_out(https_server: HttpsServer) -> None:
    did = f"did:web:localhost%3A{https_server.port}:slow"
    https_server.serve("/slow/did.json", web_did_document(did, KEY), stall=True)
    with https_server.client(timeout=10) as client:
        # The resolver's timeout wins over the client's own.
        result = Resolver(client, timeout=0.3, allow_private_network=True).resolve(did)
    assert result.error == "notFound"
    assert "timed out" in (result.message or "")


def test_injected_transport_needs_no_network() -> None:
    did = "did:web:example.com:bob"
    document = web_did_document(did, KEY)

    def answer(request: httpx.Request) -> httpx.Response:
        assert str(request.url) == "https://example.com/bob/did.json"
        return httpx.Response(200, json=document)

    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        assert (
            Resolver(client, allow_private_network=True).resolve_document(did).to_json() == document
        )


def _imported_after_import_did(code: str = "") -> list[str]:
    program = (
        "import sys, did\n"
        + code
        + "print(','.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", program], check=True, timeout=60, capture_output=True, text=True
    ).stdout
    return output.strip().split(",")


def test_importing_did_stays_free_of_front_end_and_network_packages() -> None:
    modules = _imported_after_import_did("did.did_web_url('did:web:example.com')\n")
    for heavy in ("httpx", "keyring", "typer", "textual", "rich"):
        assert heavy not in modules


def test_importing_did_does_not_import_cryptography() -> None:
    # pyca/cryptography is for test certificates and optional interop formats, imported lazily.
    assert "cryptography" not in _imported_after_import_did()


def test_web_did_document_for_a_p256_key_resolves_and_verifies(https_server: HttpsServer) -> None:
    from did import P256Key, Resolver, TrustIssuers, issue_credential, verify_credential

    key = P256Key.from_private_bytes(bytes(31) + b"\x77")
    did = "did:web:" + https_server.authority.replace(":", "%3A") + ":p256"
    https_server.serve("/p256/did.json", web_did_document(did, key.public_key, "P-256"))
    with https_server.client() as client:
        resolver = Resolver(http_client=client, allow_private_network=True)
        method = resolver.resolve_document(did).find_verification_method("#key-1")
        assert (method.key_type, method.public_key) == ("P-256", key.public_key)
        credential = issue_credential(
            {"id": "did:example:holder", "a": 1}, key=key, verification_method=f"{did}#key-1",
            valid_from=datetime(2025, 1, 1, tzinfo=UTC),
        )  # fmt: skip
        report = verify_credential(credential, now=datetime(2025, 6, 1, tzinfo=UTC),
                                   resolver=resolver, trust=TrustIssuers.of([did]))  # fmt: skip
        assert report.verified, report.to_json()
    with pytest.raises(EncodingError, match="P-256"):
        web_did_document(did, key.public_key[:32], "P-256")
    with pytest.raises(EncodingError, match="key type"):
        web_did_document(did, key.public_key, "P-384")
