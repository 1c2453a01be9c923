"""Tests that did:web resolution stays off this machine and private networks (issue 14,
finding 10), unless the caller passes `allow_private_network`.

`did:web:localhost%3APORT` and hex IPv4 forms such as `0x7f000001` reached the local machine.
Names are checked before any lookup, and every address a name resolves to is checked at
connect time, against a real HTTPS server on 127.0.0.1 that counts what reaches it.
"""

from __future__ import annotations

from collections.abc import Sequence

import httpx
import pytest

from did import Ed25519Key, Resolver, did_web_url, web_did_document, web_transport
from did.errors import InvalidDid, PrivateNetworkRefused

from .conftest import HttpsServer

KEY = Ed25519Key.from_seed(bytes(range(32))).public_key


@pytest.mark.parametrize(
    "host",
    [
        "0x7f000001",
        "0X7F000001",
        "0x7f.1",
        "0x7f.0x0.0x0.0x1",
        "2130706433",
        "017700000001",
        "0177.0.0.1",
        "127.1",
        "127.0.0.1",
        "169.254.169.254",
        "0x7f000001%3A8443",
        "2130706433%3A443",
        "example.0x10",
        "%5B%3A%3A1%5D",
        "%5B%3A%3Affff%3A127.0.0.1%5D%3A443",
    ],
)
def test_ip_literals_in_every_form_are_not_did_web_hosts(host: str) -> None:
    with pytest.raises(InvalidDid):
        did_web_url(f"did:web:{host}")
    with pytest.raises(InvalidDid):
        Resolver(allow_private_network=True).resolve_document(f"did:web:{host}")


@pytest.mark.parametrize(
    "host", ["localhost", "LOCALHOST", "localhost%3A{port}", "api.localhost%3A{port}"]
)
def test_localhost_is_refused_before_any_request(https_server: HttpsServer, host: str) -> None:
    did = "did:web:" + host.format(port=https_server.port)
    before = https_server.hits
    https_server.serve("/.well-known/did.json", web_did_document(did, KEY))
    with pytest.raises(PrivateNetworkRefused):
        Resolver(verify=https_server.ssl_context(), trust_env=False).resolve_document(did)
    result = Resolver(verify=https_server.ssl_context(), trust_env=False).resolve(did)
    assert result.error == "notFound" and "allow_private_network" in (result.message or "")
    assert https_server.hits == before


def test_allow_private_network_reaches_localhost(https_server: HttpsServer) -> None:
    did = f"did:web:localhost%3A{https_server.port}"
    https_server.serve("/.well-known/did.json", web_did_document(did, KEY))
    before = https_server.hits
    resolver = Resolver(
        verify=https_server.ssl_context(), trust_env=False, allow_private_network=True
    )
    assert resolver.resolve_document(did).id == did
    assert https_server.hits == before + 1


def fixed(addresses: Sequence[str]) -> httpx.Client:
    """A client whose transport resolves every name to `addresses`, in order."""

    def lookup(_host: str, _port: int) -> Sequence[str]:
        return addresses

    return httpx.Client(transport=web_transport(trust_env=False, lookup=lookup))


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 -- an address to refuse, not one to bind
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::127.0.0.1",
        "64:ff9b::7f00:1",
        "2002:7f00:1::1",
        "fe80::1",
        "fe80::1%1",
        "fc00::1",
        "fd12:3456::1",
        "fec0::1",
        "ff02::1",
    ],
)
def test_names_resolving_to_private_addresses_are_refused_at_connect(address: str) -> None:
    # The name itself passes every check by name: only its address gives it away.
    with fixed([address]) as client, pytest.raises(PrivateNetworkRefused, match="public"):
        Resolver(client).resolve_document("did:web:voter.example")


def test_one_private_address_among_public_ones_is_refused() -> None:
    with fixed(["93.184.215.14", "127.0.0.1"]) as client, pytest.raises(PrivateNetworkRefused):
        Resolver(client).resolve_document("did:web:voter.example")


def test_the_address_checked_is_the_address_connected_to(https_server: HttpsServer) -> None:
    # A name the system would resolve to nothing (or anything else) is connected to the
    # address the check saw: here 127.0.0.1 under the certificate's own name, allowed.
    did = f"did:web:localhost%3A{https_server.port}"
    https_server.serve("/.well-known/did.json", web_did_document(did, KEY))
    seen: list[str] = []
    before = https_server.hits

    def lookup(host: str, _port: int) -> Sequence[str]:
        seen.append(host)
        return ["127.0.0.1"]

    transport = web_transport(
        verify=https_server.ssl_context(), allow_private_network=True, lookup=lookup
    )
    with httpx.Client(transport=transport) as client:
        document = Resolver(client, allow_private_network=True).resolve_document(did)
    assert document.id == did and seen == ["localhost"] and https_server.hits == before + 1
    # Refused the same way without the option, and the server sees nothing more.
    refusing = web_transport(verify=https_server.ssl_context(), lookup=lookup)
    with httpx.Client(transport=refusing) as client, pytest.raises(PrivateNetworkRefused):
        client.get(https_server.url("/.well-known/did.json"))
    assert https_server.hits == before + 1
