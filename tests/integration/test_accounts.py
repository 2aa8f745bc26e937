"""Accounts and sessions on both databases: hashing, scopes, disabling, demo accounts, audit."""

from __future__ import annotations

import pytest

from access_fixtures import FAST_HASHER, PASSWORD, load_small_register
from specialmeasures.access import Accounts, Role, Sessions, create_demo_accounts
from specialmeasures.access.demo_work import pick_work_trust
from specialmeasures.bootstrap import Platform
from specialmeasures.domain import InputError, NotFoundError
from specialmeasures.store import audit
from specialmeasures.store.tables import accounts


def test_accounts_store_argon2_hashes_and_authenticate(platform: Platform) -> None:
    load_small_register(platform)
    book = Accounts(platform.repository, hasher=FAST_HASHER)
    made = book.add("Tina", Role.TRUST_USER, password=PASSWORD, providers=["za3"], actor="test")
    assert (made.username, made.providers, made.active) == ("tina", ("ZA3",), True)
    with platform.engine.connect() as conn:
        stored = conn.execute(accounts.select()).mappings().one()["password_hash"]
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert book.authenticate("TINA ", PASSWORD) == made
    assert book.authenticate("tina", "wrong password!") is None
    assert book.authenticate("nobody", PASSWORD) is None


def test_passwords_sign_in_whatever_their_unicode_form(platform: Platform) -> None:
    """NFKC: a composed and a decomposed accent, full-width digits, are the same password."""
    load_small_register(platform)
    book = Accounts(platform.repository, hasher=FAST_HASHER)
    composed = "caf\u00e9 au lait \uff11\uff12\uff13"
    made = book.add("nora", Role.REGULATOR_ANALYST, password=composed, actor="test")
    assert book.authenticate("nora", "cafe\u0301 au lait 123") == made
    assert book.authenticate("nora", composed) == made
    assert book.authenticate("nora", "cafe au lait 123") is None


def test_scopes_are_checked(platform: Platform) -> None:
    load_small_register(platform)
    book = Accounts(platform.repository, hasher=FAST_HASHER)
    with pytest.raises(NotFoundError, match="ZZ9"):
        book.add("tu", Role.TRUST_USER, password=PASSWORD, providers=["ZZ9"], actor="test")
    with pytest.raises(InputError, match="exactly one trust"):
        book.add("tu", Role.TRUST_USER, password=PASSWORD, providers=["ZA1", "ZA2"], actor="test")
    with pytest.raises(InputError, match="takes no provider scope"):
        book.add("rx", Role.REGULATOR_ANALYST, password=PASSWORD, providers=["ZA1"], actor="test")
    with pytest.raises(InputError, match="at least 12"):
        book.add("rx", Role.REGULATOR_ANALYST, password="short", actor="test")
    with pytest.raises(InputError, match="unknown role"):
        book.add("rx", "superuser", password=PASSWORD, actor="test")
    book.add("oag", Role.OAG_MEMBER, password=PASSWORD, providers=["ZA1"], actor="test")
    assert book.assign("oag", "za2", actor="test").providers == ("ZA1", "ZA2")
    assert book.unassign("oag", "ZA1", actor="test").providers == ("ZA2",)
    assert [a.username for a in book.all()] == ["oag"]  # nothing half-made by the failures


def test_disabling_ends_sessions_and_everything_is_audited(platform: Platform) -> None:
    book = Accounts(platform.repository, hasher=FAST_HASHER)
    book.add("rex", Role.REGULATOR_DECISION_MAKER, password=PASSWORD, actor="admin1")
    sessions = Sessions(platform.repository, book, now=book.now)
    session = sessions.start(book.get("rex"))
    assert sessions.lookup(session.token) is not None
    book.set_active("rex", False, actor="admin1")
    assert sessions.lookup(session.token) is None
    assert book.authenticate("rex", PASSWORD) is None
    with platform.engine.connect() as conn:
        rows = audit.entries(conn, entity="account", entity_key="rex")
        assert audit.verify(conn) == []
    assert [r.action for r in rows] == ["account.create", "account.disable"]
    assert all(PASSWORD not in str(r.payload) for r in rows)


def test_demo_accounts_one_per_role_and_rerun_gives_new_passwords(platform: Platform) -> None:
    load_small_register(platform)
    first = create_demo_accounts(platform.repository)
    assert sorted(a.role for a in first) == sorted(r for r in Role if r is not Role.PUBLIC)
    scopes = {a.role: a.scope for a in first}
    picked = pick_work_trust(platform.repository)
    assert "current episode" in picked.work  # the trust with work, chosen from the data
    for role in Role:
        if role is not Role.PUBLIC:
            assert scopes[role] == ((picked.code,) if role.scoped else ()), role
    second = create_demo_accounts(platform.repository)
    book = Accounts(platform.repository)
    for old, new in zip(first, second, strict=True):
        assert old.username == new.username
        assert old.password != new.password
        assert book.authenticate(new.username, new.password) is not None
        assert book.authenticate(old.username, old.password) is None
