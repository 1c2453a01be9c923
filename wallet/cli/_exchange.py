"""Provides the exchange commands: `credential receive`, `credential offer`, `present` and
`presentation request` (OpenID4VCI and OpenID4VP, through `wallet.services`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from wallet.cli._common import (
    HomeOption,
    JsonOption,
    emit,
    environment,
    home_of,
    json_of,
    message,
    read_input,
)

if TYPE_CHECKING:
    from wallet.openid4vc import ConsentRequest, TxCode
    from wallet.services import Network, Serving

IdentityOption = Annotated[
    str | None, typer.Option("--identity", metavar="DID|LABEL", help="Your identity to use.")
]
PrivateOption = Annotated[
    bool,
    typer.Option(
        "--allow-private-network",
        help="Allow offers, requests and endpoints on private or loopback addresses.",
    ),
]
CaFileOption = Annotated[
    Path | None, typer.Option("--ca-file", help="Trust this CA bundle (PEM) for HTTPS.")
]
ListenOption = Annotated[
    str, typer.Option("--listen", metavar="HOST:PORT", help="Where to listen (port 0: any).")
]
TlsCertOption = Annotated[Path | None, typer.Option("--tls-cert", help="Certificate (PEM).")]
TlsKeyOption = Annotated[Path | None, typer.Option("--tls-key", help="Its private key (PEM).")]
PublicNameOption = Annotated[
    str | None,
    typer.Option("--public-name", help="Host name in the URLs handed out (the certificate's)."),
]


def _network(allow: bool, ca_file: Path | None) -> Network:
    from wallet.cli._common import environment
    from wallet.services import Network

    # The command's --ca-file, else `wallet --ca-file` / $WALLET_CA_FILE, else the system's.
    return Network(allow_private_network=allow, ca_file=ca_file or environment().ca_file())


def _serving(listen: str, cert: Path | None, key: Path | None, name: str | None) -> Serving:
    from wallet.errors import UsageError
    from wallet.server import Listen, Tls
    from wallet.services import Serving

    if (cert is None) != (key is None):
        raise UsageError("give both --tls-cert and --tls-key, or neither")
    tls = Tls(cert, key) if cert is not None and key is not None else None
    return Serving(Listen.parse(listen), tls, name)


def _read_argument(text: str) -> str:
    return sys.stdin.read().strip() if text == "-" else text


def receive(
    ctx: typer.Context,
    offer: Annotated[str, typer.Argument(help="openid-credential-offer:// URI, https URL, or -.")],
    identity: IdentityOption = None,
    tx_code: Annotated[
        str | None, typer.Option("--tx-code", help="The transaction code the issuer gave you.")
    ] = None,
    authorization_code: Annotated[
        bool, typer.Option("--authorization-code", help="Sign in at the issuer (browser).")
    ] = False,
    allow_private_network: PrivateOption = False,
    ca_file: CaFileOption = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Receive a credential offered over OpenID4VCI, verify it and keep it.

    Examples:

    \b
      wallet credential receive 'openid-credential-offer://?credential_offer=...'
      wallet credential receive https://issuer.example/offers/7 --tx-code 493536
      echo "$OFFER" | wallet --json credential receive -
    """
    from wallet.errors import UsageError
    from wallet.services import Wallet, receive_offer

    env = environment()

    def enter(spec: TxCode) -> str:
        if tx_code is not None:
            return tx_code
        if not env.interactive:
            raise UsageError("the offer needs a transaction code: give it with --tx-code")
        hint = f" ({spec.description})" if spec.description else ""
        return str(typer.prompt(f"transaction code{hint}", err=True))

    def open_url(url: str) -> None:
        message(f"open this URL in your browser to sign in at the issuer:\n{url}")

    with Wallet.open(home_of(ctx, home), env) as wallet:
        stored = receive_offer(
            wallet,
            _read_argument(offer),
            identity=identity,
            network=_network(allow_private_network, ca_file),
            tx_code=enter,
            open_url=open_url,
            use_authorization_code=authorization_code,
        )
    emit([s.to_json() for s in stored], json_of(ctx, json_), _stored_text)
    message(f"received {len(stored)} credential(s); see them with `wallet credential list`")


def _stored_text(items: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{i['id']}\t{i['format']}\t{','.join(i['types'])}\t{i['issuer']}" for i in items
    )


def _consent_text(request: ConsentRequest) -> str:
    who = f"{request.verifier} ({'signed request' if request.signed else 'unsigned request'})"
    lines = [f"{who} asks, answering to {request.response_uri}:"]
    for item in request.items:
        lines.append(f"  credential {item.credential_id} ({item.format}) from {item.issuer}:")
        if item.whole_credential:
            lines.append("    the whole credential (this format cannot disclose selectively)")
        for claim in item.claims:
            path = "/".join(str(p) for p in claim.path)
            lines.append(f"    {path} = {json.dumps(claim.value, ensure_ascii=False)}")
        if item.always_visible:
            lines.append(f"    always visible: {', '.join(item.always_visible)}")
    return "\n".join(lines)


def present(
    ctx: typer.Context,
    request: Annotated[str, typer.Argument(help="openid4vp:// URI, https request_uri, or -.")],
    yes: Annotated[bool, typer.Option("--yes", help="Share without asking.")] = False,
    trust_anchor: Annotated[
        list[Path] | None,
        typer.Option("--trust-anchor", help="CA certificate for x509_san_dns: verifiers."),
    ] = None,
    allow_private_network: PrivateOption = False,
    ca_file: CaFileOption = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Answer an OpenID4VP presentation request, after showing exactly what goes to whom.

    Examples:

    \b
      wallet present 'openid4vp://?client_id=...&request_uri=...'
      wallet present 'openid4vp://?client_id=...&request_uri=...' --yes --json
    """
    from wallet.errors import FileProblem, UsageError
    from wallet.services import Wallet, present_request

    def read_bytes(path: Path, what: str) -> bytes:
        try:
            return path.read_bytes()
        except OSError as exc:
            raise FileProblem(f"cannot read {what} {path}: {exc.strerror}") from None

    env = environment()

    def consent(shown: ConsentRequest) -> bool:
        message(_consent_text(shown))
        if yes:
            return True
        if not env.interactive:
            raise UsageError("nothing sent: confirm with --yes, or run interactively")
        return bool(typer.confirm("share this?", default=False, err=True))

    anchors = [read_bytes(path, "trust anchor") for path in trust_anchor or []]
    with Wallet.open(home_of(ctx, home), env) as wallet:
        sent = present_request(
            wallet,
            _read_argument(request),
            consent=consent,
            network=_network(allow_private_network, ca_file),
            trust_anchors=anchors,
        )
    emit(sent.shared.to_json(), json_of(ctx, json_), lambda _: "sent")
    if sent.redirect_uri:
        message(f"the verifier asks you to continue at {sent.redirect_uri}")


def offer(
    ctx: typer.Context,
    issuer: Annotated[str, typer.Option(metavar="DID|LABEL", help="Your identity that signs.")],
    type_: Annotated[list[str], typer.Option("--type", help="Credential type (vct for SD-JWT).")],
    claim: Annotated[list[str], typer.Option(metavar="KEY=VALUE", help="A claim (repeatable).")],
    subject: Annotated[
        str | None, typer.Option(metavar="DID", help="Only this holder DID may receive it.")
    ] = None,
    disclosable: Annotated[
        list[str] | None, typer.Option(metavar="CLAIM", help="Selectively disclosable.")
    ] = None,
    format_: Annotated[str, typer.Option("--format", help="dc+sd-jwt or ldp_vc.")] = "dc+sd-jwt",
    tx_code: Annotated[bool, typer.Option("--tx-code", help="Require a transaction code.")] = False,
    once: Annotated[
        bool, typer.Option("--once", help="Stop after one issuance (else offer again).")
    ] = False,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for each offer.")] = 600.0,
    listen: ListenOption = "127.0.0.1:0",
    tls_cert: TlsCertOption = None,
    tls_key: TlsKeyOption = None,
    public_name: PublicNameOption = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Offer a credential over OpenID4VCI: print the offer URI and a QR code, then serve.

    Examples:

    \b
      wallet credential offer --issuer me --type https://example.org/degree \\
          --claim degree=BSc --tx-code --once
      wallet credential offer --issuer me --type Degree --claim degree=BSc \\
          --format ldp_vc --listen 127.0.0.1:8443 --tls-cert cert.pem --tls-key key.pem
    """
    from wallet.services import OfferMade, Wallet, claims_from_pairs, offer_credential

    as_json = json_of(ctx, json_)

    def ready(made: OfferMade) -> None:
        emit(made.to_json(), as_json, lambda data: data["offer"])
        sys.stdout.flush()
        message(made.qr)
        if made.tx_code is not None:
            message(f"transaction code (tell the holder separately): {made.tx_code}")

    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        issued = offer_credential(
            wallet,
            issuer=issuer,
            subject=subject,
            types=type_,
            claims=claims_from_pairs(claim),
            disclosable=disclosable or [],
            fmt=format_,
            tx_code=tx_code,
            serving=_serving(listen, tls_cert, tls_key, public_name),
            on_ready=ready,
            timeout=timeout,
            once=once,
        )
    for item in issued:
        message(f"issued {item.format} to {item.holder}")
    if once and not issued:
        message("no credential was issued before the timeout")
        raise typer.Exit(1)


def request(
    ctx: typer.Context,
    dcql: Annotated[
        Path | None, typer.Option("--dcql", help="A DCQL query (JSON file; - is stdin).")
    ] = None,
    type_: Annotated[
        list[str] | None, typer.Option("--type", help="Credential type (vct for SD-JWT).")
    ] = None,
    claim: Annotated[
        list[str] | None, typer.Option("--claim", metavar="NAME", help="A claim to ask for.")
    ] = None,
    format_: Annotated[str, typer.Option("--format", help="dc+sd-jwt or ldp_vc.")] = "dc+sd-jwt",
    identity: IdentityOption = None,
    trust: Annotated[
        list[str] | None,
        typer.Option("--trust", metavar="DID|URL|FILE", help="Accept these issuers (or keys)."),
    ] = None,
    trust_any: Annotated[
        bool,
        typer.Option("--trust-any", help="Accept any issuer whose signature verifies (warns)."),
    ] = False,
    once: Annotated[
        bool, typer.Option("--once", help="Stop after one response (else request again).")
    ] = False,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the response.")] = 600.0,
    listen: ListenOption = "127.0.0.1:0",
    tls_cert: TlsCertOption = None,
    tls_key: TlsKeyOption = None,
    public_name: PublicNameOption = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Request a presentation over OpenID4VP: print the request URI and a QR code, wait for
    the response and print its verification. Exit 0 only when it verified. Trust is a
    decision: give --trust, or --trust-any; with neither the trust check fails.

    Examples:

    \b
      wallet presentation request --type https://example.org/person --claim given_name \\
          --trust did:key:z6Mk… --once
      wallet presentation request --dcql query.json --trust-any --once --json
    """
    from wallet.errors import UsageError
    from wallet.openid4vc import DcqlQuery
    from wallet.services import (
        RequestMade,
        Wallet,
        dcql_from_claims,
        request_presentation,
        trust_decision,
    )

    if (dcql is None) == (not type_ and not claim):
        raise UsageError("give the query with --dcql FILE, or with --type and --claim")
    query = (
        DcqlQuery.from_text(read_input(dcql, "DCQL query"))
        if dcql is not None
        else dcql_from_claims(format_, type_ or [], claim or [])
    )
    as_json = json_of(ctx, json_)

    def ready(made: RequestMade) -> None:
        emit(made.to_json(), as_json, lambda data: data["request"])
        sys.stdout.flush()
        message(made.qr)

    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        result = request_presentation(
            wallet,
            dcql=query,
            identity=identity,
            serving=_serving(listen, tls_cert, tls_key, public_name),
            on_ready=ready,
            timeout=timeout,
            trust=trust_decision(trust or (), trust_any=trust_any),
            once=once,
            on_result=lambda result: emit(result.to_json(), as_json, _result_text),
        )
    if result is None:
        message("no response arrived before the timeout")
        raise typer.Exit(1)
    emit(result.to_json(), as_json, _result_text)
    if not result.verified:
        raise typer.Exit(1)


def _result_text(data: dict[str, Any]) -> str:
    lines = [f"{'verified' if data['verified'] else 'NOT verified'} ({data['client_id']})"]
    for entry in data["disclosed"]:
        for name, value in entry["claims"].items():
            lines.append(f"  {entry['query_id']}: {name} = {json.dumps(value, ensure_ascii=False)}")
    lines += [f"  problem: {p}" for p in data["problems"]]
    return "\n".join(lines)
