"""Local accounts: argon2id password hashes, one role each, provider scopes, demo accounts.

Every change to an account is written to the hash-chained audit log in the same transaction.
Passwords are never logged or stored; only their argon2id hashes (``argon2-cffi`` defaults, the
RFC 9106 low-memory profile) are.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, delete, insert, select, update

from specialmeasures.access.demo_work import pick_work_trust
from specialmeasures.access.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    normalise,
    password_problem,
)
from specialmeasures.access.policy import Principal, Role
from specialmeasures.domain.errors import InputError, NotFoundError
from specialmeasures.store import Repository, audit
from specialmeasures.store.tables import (
    account_providers,
    accounts,
    providers,
    web_sessions,
)

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "Account",
    "Accounts",
    "DemoAccount",
    "create_demo_accounts",
]

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    providers: tuple[str, ...]
    created_at: datetime
    has_password: bool

    def principal(self) -> Principal:
        return Principal(self.username, self.role, frozenset(self.providers), self.display_name)

    def as_dict(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role.value,
            "active": self.active,
            "providers": list(self.providers),
            "created_at": self.created_at.isoformat(),
        }


def _utcnow() -> datetime:
    return datetime.now(UTC)


def account_from_row(r: Any, scopes: Iterable[str]) -> Account:
    """The account of a row of ``accounts`` (a mapping) and its provider codes, in order."""
    return Account(
        id=r["id"],
        username=r["username"],
        display_name=r["display_name"],
        role=Role(r["role"]),
        active=bool(r["active"]),
        providers=tuple(scopes),
        created_at=r["created_at"],
        has_password=r["password_hash"] is not None,
    )


class Accounts:
    """Create, read, change and authenticate accounts.

    ``actor`` names who makes a change (an administrator's username, ``cli`` or ``demo``) for the
    audit log; ``now`` is the clock.
    """

    def __init__(
        self,
        repo: Repository,
        *,
        now: Callable[[], datetime] = _utcnow,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self.repo = repo
        self.now = now
        self.hasher = hasher or PasswordHasher()
        # Verified against when the username is unknown, so a failure takes as long either way.
        self._dummy_hash = self.hasher.hash(secrets.token_hex(16))

    # -- reads ----------------------------------------------------------------------------
    def get(self, username: str) -> Account:
        found = self._load(accounts.c.username == username.strip().lower())
        if not found:
            raise NotFoundError("account", username)
        return found[0]

    def by_id(self, account_id: int) -> Account | None:
        found = self._load(accounts.c.id == account_id)
        return found[0] if found else None

    def by_sso_identity(self, issuer: str, subject: str) -> Account | None:
        """The account linked to an external identity (the single sign-on hook)."""
        found = self._load((accounts.c.sso_issuer == issuer) & (accounts.c.sso_subject == subject))
        return found[0] if found else None

    def all(self) -> list[Account]:
        return self._load(None)

    def _load(self, where: Any) -> list[Account]:
        query = select(accounts).order_by(accounts.c.username)
        if where is not None:
            query = query.where(where)
        with self.repo.engine.connect() as conn:
            rows = list(conn.execute(query).mappings())
            scopes: dict[int, list[str]] = {}
            if rows:
                for r in conn.execute(
                    select(account_providers)
                    .where(account_providers.c.account_id.in_([r["id"] for r in rows]))
                    .order_by(account_providers.c.provider_code)
                ):
                    scopes.setdefault(r.account_id, []).append(r.provider_code)
        return [account_from_row(r, scopes.get(r["id"], [])) for r in rows]

    # -- authentication -------------------------------------------------------------------
    def authenticate(self, username: str, password: str) -> Account | None:
        """The active account with this username and password, or None (never says which failed)."""
        name = username.strip().lower()
        if len(password) > MAX_PASSWORD_LENGTH:
            # Never set (the policy refuses it), so never right; not hashed, so not a cost.
            return None
        password = normalise(password)
        with self.repo.engine.connect() as conn:
            row = conn.execute(
                select(accounts.c.id, accounts.c.password_hash, accounts.c.active).where(
                    accounts.c.username == name
                )
            ).first()
        stored = row.password_hash if row is not None else None
        try:
            self.hasher.verify(stored or self._dummy_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if row is None or stored is None or not row.active:
            return None
        if self.hasher.check_needs_rehash(stored):
            with self.repo.transaction() as conn:
                conn.execute(
                    update(accounts)
                    .where(accounts.c.id == row.id)
                    .values(password_hash=self.hasher.hash(password))
                )
        return self.by_id(int(row.id))

    # -- writes ---------------------------------------------------------------------------
    def add(
        self,
        username: str,
        role: Role | str,
        *,
        password: str | None,
        display_name: str = "",
        providers: Iterable[str] = (),
        actor: str,
    ) -> Account:
        """Create an account; ``password`` None makes an account that can only use single sign-on."""
        name = username.strip().lower()
        if not USERNAME.match(name):
            raise InputError(
                "username must be 2-64 characters: lower-case letters, digits, '.', '_' or '-'",
                column="username",
                value=username,
            )
        role = _role(role)
        if role is Role.PUBLIC:
            raise InputError("the public role is for people who are not signed in", value="public")
        codes = sorted({c.strip().upper() for c in providers if c.strip()})
        with self.repo.transaction() as conn:
            if conn.execute(select(accounts.c.id).where(accounts.c.username == name)).first():
                raise InputError("an account with this username already exists", value=name)
            self._check_scope(conn, role, codes)
            result = conn.execute(
                insert(accounts).values(
                    username=name,
                    display_name=display_name.strip() or name,
                    role=role.value,
                    password_hash=self._hash(password, name) if password is not None else None,
                    active=True,
                    created_at=self._stamp(),
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            account_id = int(key[0])
            if codes:
                conn.execute(
                    insert(account_providers),
                    [{"account_id": account_id, "provider_code": c} for c in codes],
                )
            self._audit(
                conn, actor, "account.create", name, {"role": role.value, "providers": codes}
            )
        return self.get(name)

    def set_password(self, username: str, password: str, *, actor: str) -> None:
        account = self.get(username)
        with self.repo.transaction() as conn:
            conn.execute(
                update(accounts)
                .where(accounts.c.id == account.id)
                .values(password_hash=self._hash(password, account.username))
            )
            self._end_sessions(conn, account.id)
            self._audit(conn, actor, "account.set_password", account.username, {})

    def set_active(self, username: str, active: bool, *, actor: str) -> Account:
        """Disable (or re-enable) an account; disabling also ends its sessions.

        An administrator cannot disable their own account (and so lock themselves out).
        """
        account = self.get(username)
        if not active and account.username == actor.strip().lower():
            raise InputError("you cannot disable your own account", column="username",
                             value=account.username)  # fmt: skip
        with self.repo.transaction() as conn:
            conn.execute(update(accounts).where(accounts.c.id == account.id).values(active=active))
            if not active:
                self._end_sessions(conn, account.id)
            action = "account.enable" if active else "account.disable"
            self._audit(conn, actor, action, account.username, {})
        return self.get(username)

    def assign(self, username: str, code: str, *, actor: str) -> Account:
        """Add a provider to the account's scope."""
        account = self.get(username)
        code = code.strip().upper()
        if code in account.providers:
            return account
        with self.repo.transaction() as conn:
            self._check_scope(conn, account.role, sorted({*account.providers, code}))
            conn.execute(
                insert(account_providers).values(account_id=account.id, provider_code=code)
            )
            self._audit(conn, actor, "account.assign", account.username, {"provider": code})
        return self.get(username)

    def unassign(self, username: str, code: str, *, actor: str) -> Account:
        account = self.get(username)
        code = code.strip().upper()
        with self.repo.transaction() as conn:
            conn.execute(
                delete(account_providers).where(
                    (account_providers.c.account_id == account.id)
                    & (account_providers.c.provider_code == code)
                )
            )
            self._audit(conn, actor, "account.unassign", account.username, {"provider": code})
        return self.get(username)

    # -- helpers --------------------------------------------------------------------------
    def _hash(self, password: str, username: str) -> str:
        problem = password_problem(password, username=username)
        if problem:
            raise InputError(problem, column="password")
        return self.hasher.hash(normalise(password))

    def _stamp(self) -> datetime:
        return self.now().astimezone(UTC).replace(tzinfo=None, microsecond=0)

    def _check_scope(self, conn: Connection, role: Role, codes: list[str]) -> None:
        if codes and not role.scoped:
            raise InputError(
                f"role {role.value} reaches every provider and takes no provider scope",
                value=", ".join(codes),
            )
        if role is Role.TRUST_USER and len(codes) > 1:
            raise InputError("a trust user belongs to exactly one trust", value=", ".join(codes))
        if codes:
            known = set(
                conn.execute(select(providers.c.code).where(providers.c.code.in_(codes))).scalars()
            )
            unknown = [c for c in codes if c not in known]
            if unknown:
                raise NotFoundError("provider", unknown[0])

    def _end_sessions(self, conn: Connection, account_id: int) -> None:
        conn.execute(delete(web_sessions).where(web_sessions.c.account_id == account_id))

    def _audit(
        self, conn: Connection, actor: str, action: str, username: str, payload: dict[str, Any]
    ) -> None:
        audit.append(
            conn,
            actor=actor,
            role="administrator" if actor not in {"cli", "demo"} else actor,
            action=action,
            entity="account",
            entity_key=username,
            payload=payload,
            at=self.now(),
        )


def _role(value: Role | str) -> Role:
    try:
        return Role(value)
    except ValueError:
        known = ", ".join(r.value for r in Role if r is not Role.PUBLIC)
        raise InputError(f"unknown role (use one of: {known})", value=value) from None


class DemoAccount(NamedTuple):
    """Printed by ``specialmeasures demo``: ``(username, password, role, scope)``."""

    username: str
    password: str
    role: Role
    scope: tuple[str, ...]


def create_demo_accounts(
    repo: Repository, *, now: Callable[[], datetime] = _utcnow
) -> list[DemoAccount]:
    """One account per role for the synthetic demo, each with a fresh random password.

    Existing demo accounts (``demo-<role>``) get a new password and are re-enabled, so running
    the demo again prints working credentials. Every scoped account (trust user, OAG member,
    Improvement Director, researcher) belongs to the trust with current work at the demo's last
    month of data (``demo_work.pick_work_trust``: a current episode, an Improvement Director, an
    OAG, returns due, a plan, funding and evidence), so every role's first sign-in shows its day.
    """
    book = Accounts(repo, now=now)
    trust = pick_work_trust(repo).code
    scopes = {role: (trust,) for role in Role if role.scoped}
    made: list[DemoAccount] = []
    for role in Role:
        if role is Role.PUBLIC:
            continue
        username = f"demo-{role.value.replace('_', '-')}"
        password = secrets.token_urlsafe(12)
        scope = scopes.get(role, ())
        try:
            existing: Account | None = book.get(username)
        except NotFoundError:
            existing = None
        if existing is None:
            book.add(
                username,
                role,
                password=password,
                display_name=f"Demo {role.label.lower()}",
                providers=scope,
                actor="demo",
            )
        else:
            book.set_password(username, password, actor="demo")
            book.set_active(username, True, actor="demo")
            for code in existing.providers:
                if code not in scope:
                    book.unassign(username, code, actor="demo")
            for code in scope:
                book.assign(username, code, actor="demo")
        made.append(DemoAccount(username, password, role, scope))
    return made
