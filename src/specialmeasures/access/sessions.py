"""Server-side web sessions.

The browser holds a random 256-bit token in an HttpOnly cookie; the database holds only the
token's SHA-256, the account, a per-session CSRF token and an absolute expiry. Signing in makes a
new session (no fixation); signing out, disabling the account or changing its password deletes
it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, select

from specialmeasures.access.accounts import Account, Accounts, account_from_row
from specialmeasures.store import Repository
from specialmeasures.store.tables import account_providers, accounts, web_sessions

__all__ = ["SESSION_LIFETIME", "Session", "Sessions"]

#: How long a session lasts from sign-in, whatever the activity (a working day).
SESSION_LIFETIME = timedelta(hours=8)


@dataclass(frozen=True, slots=True)
class Session:
    token: str
    account: Account
    csrf_token: str
    expires_at: datetime


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


class Sessions:
    def __init__(
        self,
        repo: Repository,
        accounts: Accounts,
        *,
        now: Callable[[], datetime],
        lifetime: timedelta = SESSION_LIFETIME,
    ) -> None:
        self.repo = repo
        self.accounts = accounts
        self.now = now
        self.lifetime = lifetime

    def _stamp(self) -> datetime:
        return self.now().astimezone(UTC).replace(tzinfo=None, microsecond=0)

    def start(self, account: Account) -> Session:
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        created = self._stamp()
        expires = created + self.lifetime
        with self.repo.transaction() as conn:
            # Expired sessions are swept on every sign-in; no background job needed.
            conn.execute(delete(web_sessions).where(web_sessions.c.expires_at <= created))
            conn.execute(
                insert(web_sessions).values(
                    token_hash=_digest(token),
                    account_id=account.id,
                    csrf_token=csrf,
                    created_at=created,
                    expires_at=expires,
                )
            )
        return Session(token, account, csrf, expires)

    def lookup(self, token: str | None) -> Session | None:
        """The live session for a cookie value, or None (unknown, expired or account disabled)."""
        if not token or len(token) > 200:
            return None
        # One round trip per request: the session, its account and the account's scope, read
        # fresh every time (so signing out or disabling an account counts at once).
        query = (
            select(
                web_sessions.c.csrf_token,
                web_sessions.c.expires_at,
                accounts,
                account_providers.c.provider_code,
            )
            .select_from(
                web_sessions.join(accounts, accounts.c.id == web_sessions.c.account_id).outerjoin(
                    account_providers, account_providers.c.account_id == accounts.c.id
                )
            )
            .where(web_sessions.c.token_hash == _digest(token))
            .order_by(account_providers.c.provider_code)
        )
        with self.repo.engine.connect() as conn:
            rows = list(conn.execute(query).mappings())
        if not rows:
            return None
        row = rows[0]
        if row["expires_at"] <= self._stamp() or not row["active"]:
            return None
        scopes = [r["provider_code"] for r in rows if r["provider_code"] is not None]
        account = account_from_row(row, scopes)
        return Session(token, account, str(row["csrf_token"]), row["expires_at"])

    def end(self, token: str | None) -> None:
        if not token:
            return
        with self.repo.transaction() as conn:
            conn.execute(delete(web_sessions).where(web_sessions.c.token_hash == _digest(token)))
