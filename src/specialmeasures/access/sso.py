"""The hook for single sign-on (OpenID Connect): an interface, not an implementation yet.

Production deployments should authenticate people through the deployer's identity provider
(NHS CIS2 for health and care staff, the regulator's own IdP for its staff) rather than local
passwords. Nothing implements this interface yet. The first implementation (for example with
Authlib's OIDC client) adds two routes to the web app: ``/login/sso`` (redirect to the identity
provider with state, nonce and a PKCE verifier from :meth:`IdentityProvider.begin`) and
``/login/sso/callback`` (:meth:`IdentityProvider.complete`, then the same session start as a
password sign-in).

Only *authentication* is delegated. *Authorisation* stays here: the external identity is mapped
to a local account by ``(issuer, subject)`` (``Accounts.by_sso_identity``), provisioned by an
administrator with its role and provider scope. An identity with no linked, active account is
refused and the refusal is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

__all__ = ["AuthorisationRequest", "ExternalIdentity", "IdentityProvider"]


@dataclass(frozen=True, slots=True)
class ExternalIdentity:
    """Who the identity provider says signed in (from the validated ID token)."""

    issuer: str
    subject: str
    display_name: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class AuthorisationRequest:
    """Where to send the browser, and the values to keep (server-side) for the callback."""

    url: str
    state: str
    nonce: str
    code_verifier: str


@runtime_checkable
class IdentityProvider(Protocol):
    """An OpenID Connect relying party (authorisation code flow with PKCE).

    Implementations must check ``state``, the ID token's signature, issuer, audience, expiry and
    ``nonce`` (ASVS 5.0 V10) before returning an identity, and raise ``PermissionError``
    otherwise.
    """

    name: str

    def begin(self, redirect_uri: str) -> AuthorisationRequest:
        """Start a sign-in: the authorisation URL with fresh state, nonce and PKCE verifier."""
        ...

    def complete(
        self, callback: Mapping[str, str], pending: AuthorisationRequest, redirect_uri: str
    ) -> ExternalIdentity:
        """Finish a sign-in from the callback's query parameters; raise PermissionError on failure."""
        ...
