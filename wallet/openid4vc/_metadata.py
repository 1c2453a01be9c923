"""Provides credential issuer metadata (OpenID4VCI 1.0 §12.2) and OAuth AS metadata (RFC 8414).

The issuer publishes its endpoints and what it issues at
`/.well-known/openid-credential-issuer` (inserted before any path of the issuer identifier,
§12.2.2); its authorization server, which may be the issuer itself, publishes the token and
authorization endpoints at `/.well-known/oauth-authorization-server` (RFC 8414 §3). Both are
read strictly: the `credential_issuer` and `issuer` members must equal the identifiers they were
fetched for (§12.2.3, RFC 8414 §3.3), or a server could speak for another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from wallet.openid4vc._errors import ProtocolError, UnsupportedFormat, clip

__all__ = [
    "FORMATS",
    "AuthorizationServerMetadata",
    "CredentialConfiguration",
    "IssuerMetadata",
    "well_known_url",
]

# The formats this wallet issues and holds (OpenID4VCI 1.0 Appendix A.1.1 and A.3).
FORMATS = ("dc+sd-jwt", "ldp_vc")
# The algorithm names of each JOSE alg this wallet signs key proofs with.
_ALG_NAMES = {"EdDSA": ("EdDSA", "Ed25519"), "ES256": ("ES256",)}


def well_known_url(identifier: str, suffix: str) -> str:
    """`https://host/.well-known/<suffix>/<path>` for an identifier `https://host/<path>`."""
    parts = urlsplit(identifier)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment:
        raise ProtocolError(f"identifier {clip(identifier, 80)!r}: want an https URL, no query")
    path = parts.path.rstrip("/")
    return f"{parts.scheme}://{parts.netloc}/.well-known/{suffix}{path}"


def _url(data: dict[str, Any], name: str, where: str, *, required: bool = True) -> str | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or urlsplit(value).scheme not in ("https", "http"):
        raise ProtocolError(f"{where}.{name}: want an https URL")
    return value


@dataclass(frozen=True)
class CredentialConfiguration:
    """One entry of `credential_configurations_supported` (§12.2.4)."""

    id: str
    format: str
    vct: str | None = None
    types: tuple[str, ...] = ()
    scope: str | None = None
    proof_algs: tuple[str, ...] = ("EdDSA", "ES256")
    binding_methods: tuple[str, ...] = ("did:key", "did:jwk", "jwk")

    @classmethod
    def from_json(cls, config_id: str, data: Any) -> CredentialConfiguration:
        if not isinstance(data, dict):
            raise ProtocolError(f"configuration {clip(config_id, 60)!r}: want an object")
        fmt = data.get("format")
        if fmt not in FORMATS:
            raise UnsupportedFormat(
                f"configuration {clip(config_id, 60)!r}: format {clip(fmt, 40)!r} is not "
                f"supported, want one of {', '.join(FORMATS)}"
            )
        vct, types = None, ()
        if fmt == "dc+sd-jwt":
            vct = data.get("vct")
            if not isinstance(vct, str) or not vct:
                raise ProtocolError(f"configuration {clip(config_id, 60)!r}: want a string vct")
        else:
            definition = data.get("credential_definition")
            raw = definition.get("type") if isinstance(definition, dict) else None
            if not isinstance(raw, list) or not all(isinstance(t, str) for t in raw) or not raw:
                raise ProtocolError(
                    f"configuration {clip(config_id, 60)!r}: want credential_definition.type"
                )
            types = tuple(raw)
        proof_types = data.get("proof_types_supported", {})
        jwt = proof_types.get("jwt") if isinstance(proof_types, dict) else None
        algs = jwt.get("proof_signing_alg_values_supported", []) if isinstance(jwt, dict) else []
        methods = data.get("cryptographic_binding_methods_supported", [])
        scope = data.get("scope")
        return cls(
            config_id,
            fmt,
            vct,
            types,
            scope if isinstance(scope, str) else None,
            tuple(a for a in algs if isinstance(a, str)) if isinstance(algs, list) else (),
            tuple(m for m in methods if isinstance(m, str)) if isinstance(methods, list) else (),
        )

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {"format": self.format}
        if self.scope is not None:
            result["scope"] = self.scope
        if self.vct is not None:
            result["vct"] = self.vct
        if self.types:
            result["credential_definition"] = {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": list(self.types),
            }
            result["credential_signing_alg_values_supported"] = [
                "eddsa-jcs-2022",
                "ecdsa-jcs-2019",
            ]
        else:
            result["credential_signing_alg_values_supported"] = ["EdDSA", "ES256"]
        result["cryptographic_binding_methods_supported"] = list(self.binding_methods)
        result["proof_types_supported"] = {
            "jwt": {"proof_signing_alg_values_supported": list(self.proof_algs)}
        }
        return result

    def accepts_proof_alg(self, alg: str) -> bool:
        """Whether a key proof signed with `alg` (EdDSA or ES256) is accepted."""
        return any(name in self.proof_algs for name in _ALG_NAMES.get(alg, (alg,)))


@dataclass(frozen=True)
class IssuerMetadata:
    """The credential issuer's metadata: endpoints and the configurations it issues."""

    credential_issuer: str
    credential_endpoint: str
    nonce_endpoint: str | None
    authorization_servers: tuple[str, ...]
    configurations: tuple[CredentialConfiguration, ...]

    @classmethod
    def from_json(cls, data: Any, expected_issuer: str) -> IssuerMetadata:
        """Check metadata fetched for `expected_issuer` (§12.2.3, §12.2.4)."""
        if not isinstance(data, dict):
            raise ProtocolError("issuer metadata: want a JSON object")
        issuer = _url(data, "credential_issuer", "issuer metadata")
        if issuer != expected_issuer:
            raise ProtocolError(
                f"issuer metadata.credential_issuer: got {clip(issuer, 80)!r}, "
                f"want {clip(expected_issuer, 80)!r}"
            )
        endpoint = _url(data, "credential_endpoint", "issuer metadata")
        nonce = _url(data, "nonce_endpoint", "issuer metadata", required=False)
        servers = data.get("authorization_servers", [issuer])
        if not isinstance(servers, list) or not all(isinstance(s, str) for s in servers):
            raise ProtocolError("issuer metadata.authorization_servers: want an array of URLs")
        supported = data.get("credential_configurations_supported")
        if not isinstance(supported, dict) or not supported or len(supported) > 64:
            raise ProtocolError(
                "issuer metadata.credential_configurations_supported: want 1 to 64 entries"
            )
        configurations = []
        for config_id, entry in supported.items():
            try:
                configurations.append(CredentialConfiguration.from_json(config_id, entry))
            except UnsupportedFormat:
                # An issuer may offer formats we do not hold; only an offered one matters.
                continue
        assert issuer is not None and endpoint is not None
        return cls(issuer, endpoint, nonce, tuple(servers), tuple(configurations))

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "credential_issuer": self.credential_issuer,
            "authorization_servers": list(self.authorization_servers),
            "credential_endpoint": self.credential_endpoint,
        }
        if self.nonce_endpoint is not None:
            result["nonce_endpoint"] = self.nonce_endpoint
        result["credential_configurations_supported"] = {
            c.id: c.to_json() for c in self.configurations
        }
        return result

    def configuration(self, config_id: str) -> CredentialConfiguration:
        """The configuration `config_id`; UnsupportedFormat when it is missing or not ours."""
        for entry in self.configurations:
            if entry.id == config_id:
                return entry
        raise UnsupportedFormat(
            f"credential configuration {clip(config_id, 60)!r} is not offered in a supported "
            f"format (want one of {', '.join(FORMATS)})"
        )


@dataclass(frozen=True)
class AuthorizationServerMetadata:
    """The OAuth authorization server metadata that the holder uses (RFC 8414 §2)."""

    issuer: str
    token_endpoint: str
    authorization_endpoint: str | None = None
    code_challenge_methods: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: Any, expected_issuer: str) -> AuthorizationServerMetadata:
        if not isinstance(data, dict):
            raise ProtocolError("authorization server metadata: want a JSON object")
        issuer = _url(data, "issuer", "authorization server metadata")
        if issuer != expected_issuer:
            raise ProtocolError(
                f"authorization server metadata.issuer: got {clip(issuer, 80)!r}, "
                f"want {clip(expected_issuer, 80)!r}"
            )
        token = _url(data, "token_endpoint", "authorization server metadata")
        authorize = _url(
            data, "authorization_endpoint", "authorization server metadata", required=False
        )
        methods = data.get("code_challenge_methods_supported", [])
        assert issuer is not None and token is not None
        return cls(
            issuer,
            token,
            authorize,
            tuple(m for m in methods if isinstance(m, str)) if isinstance(methods, list) else (),
        )

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {"issuer": self.issuer, "token_endpoint": self.token_endpoint}
        if self.authorization_endpoint is not None:
            result["authorization_endpoint"] = self.authorization_endpoint
            result["response_types_supported"] = ["code"]
        result["grant_types_supported"] = [
            "authorization_code",
            "urn:ietf:params:oauth:grant-type:pre-authorized_code",
        ]
        result["pre-authorized_grant_anonymous_access_supported"] = True
        if self.code_challenge_methods:
            result["code_challenge_methods_supported"] = list(self.code_challenge_methods)
        return result
