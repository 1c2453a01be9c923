"""Provides the public-network rule for did:web fetches, and an HTTPS transport that enforces it.

A did:web names a host that anyone may choose, so resolving one must not become a way to
reach the resolving machine or its private network (server-side request forgery). The rule
has two halves:

- by name, before any lookup: `localhost` and names under `.localhost` (RFC 6761 §6.3);
  IP literals are refused by the did:web syntax itself (`did_web_url`);
- by address, at connect time: the transport resolves the name itself, refuses it when any
  of its addresses is not a public unicast address, and connects to an address it checked.
  Checking the name's addresses once and letting the connection look it up again would let
  a name that changes its answer in between (DNS rebinding) through.

A caller that means to reach a private network (a test, a closed deployment) passes
`allow_private_network=True`; the transport then connects anywhere, as plain httpx does.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from did.errors import PrivateNetworkRefused, ResolutionError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "AddressLookup",
    "check_public_address",
    "check_public_name",
    "is_public_address",
    "web_transport",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# host, port -> the addresses (IP text) to try, in order.
AddressLookup = Callable[[str, int], Sequence[str]]

# IPv6 ranges that embed an IPv4 address the packet ends up at (RFC 6052 NAT64), and the
# IPv4-compatible range (RFC 4291 §2.5.5.1, deprecated) where no public host lives.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def check_public_name(host: str) -> None:
    """Refuse `localhost` and `*.localhost` (RFC 6761 §6.3: they always mean this machine)."""
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        raise PrivateNetworkRefused(
            f"{host[:80]} is this machine; pass allow_private_network to resolve it"
        )


def _is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return _is_public(address.ipv4_mapped)
        if address.sixtofour is not None:
            return _is_public(address.sixtofour)
        if address in _NAT64:
            return _is_public(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if address in _IPV4_COMPATIBLE or address.is_site_local:
            return False
    return address.is_global and not address.is_multicast


def is_public_address(address: str) -> bool:
    """Whether `address` (IP text, an IPv6 zone allowed) is a public unicast address by the
    rule above; text that is no IP address is not."""
    try:
        return _is_public(ipaddress.ip_address(address))
    except ValueError:
        return False


def check_public_address(host: str, address: str) -> None:
    """Refuse an address of `host` that is not public unicast: loopback, private, link-local,
    shared, reserved, multicast, unspecified, or an IPv6 form of any of them."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        raise PrivateNetworkRefused(
            f"{host[:80]} resolved to {address[:60]!r}, not an IP"
        ) from None
    if not _is_public(parsed):
        raise PrivateNetworkRefused(
            f"{host[:80]} resolves to {parsed}, which is not a public address; "
            "pass allow_private_network to resolve it"
        )


def system_lookup(host: str, port: int) -> list[str]:
    """The addresses the system resolver gives for `host`, in its order, without repeats."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise ResolutionError(f"{host[:80]}: cannot resolve the name ({exc})") from None
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        text = str(sockaddr[0])
        if text not in addresses:
            addresses.append(text)
    return addresses


def web_transport(
    *,
    verify: Any = True,
    trust_env: bool = True,
    allow_private_network: bool = False,
    lookup: AddressLookup | None = None,
) -> httpx.HTTPTransport:
    """An httpx transport that connects only to public addresses (unless allowed).

    `verify` and `trust_env` choose TLS trust as httpx does (`trust_env` here only means the
    `SSL_CERT_FILE`/`SSL_CERT_DIR` variables; the transport never goes through a proxy, which
    would resolve the name where it cannot be checked). `lookup` replaces the system
    resolver, for tests.
    """
    import httpcore
    import httpx

    resolve = lookup or system_lookup

    class _Backend(httpcore.SyncBackend):
        def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Iterable[Any] | None = None,
        ) -> httpcore.NetworkStream:
            addresses = list(resolve(host, port))
            if not addresses:
                raise ResolutionError(f"{host[:80]}: the name has no address")
            if not allow_private_network:
                # Every address is checked, not just the first: the connection may fall
                # back to any of them.
                for address in addresses:
                    check_public_address(host, address)
            failure: Exception | None = None
            for address in addresses:
                try:
                    # TLS still checks the certificate against `host`: httpcore gives the
                    # origin's name to the handshake, not the address connected to.
                    return super().connect_tcp(
                        address, port, timeout, local_address, socket_options
                    )
                except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                    failure = exc
            assert failure is not None
            raise failure

    class _Transport(httpx.HTTPTransport):
        def __init__(self) -> None:
            context = httpx.create_ssl_context(verify=verify, trust_env=trust_env)
            super().__init__(verify=context)
            # httpx builds its connection pool with the default network backend and offers
            # no argument to change it; the pool is replaced by one with the same TLS
            # context and the checking backend (httpx is pinned below 0.29 for this).
            self._pool = httpcore.ConnectionPool(ssl_context=context, network_backend=_Backend())

    return _Transport()
