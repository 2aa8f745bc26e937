"""A world for the intervention forms (tests/e2e and tests/browser): the small register with
accounts for every role (scoped roles own ZA3), ZA3 also in the Recovery Support Programme from
April 2025 (and ZA2, nobody's own), and the app's "today" in December 2025, so funding is applied for in today's regime.
"""

from __future__ import annotations

from datetime import date

from fastapi import FastAPI
from sqlalchemy import func, select

from access_fixtures import FAST_HASHER, OWN, add_role_accounts, load_small_register
from specialmeasures.access import Account, Accounts, Role
from specialmeasures.bootstrap import Platform
from specialmeasures.domain import Regime, RegimeEpisode
from specialmeasures.store import audit
from specialmeasures.store.tables import funding_applications
from specialmeasures.web.app import create_app

#: The app's today: within ZA3's RSP spell.
FORMS_TODAY = date(2025, 12, 1)
RSP_START = date(2025, 4, 1)
#: A second trust in the RSP, nobody's own: the decision-maker's forms are tried there.
SECOND = "ZA2"


def forms_world(platform: Platform) -> tuple[FastAPI, dict[Role, Account]]:
    load_small_register(platform)
    repo = platform.repository
    with repo.transaction() as conn:
        repo.add_episode(conn, RegimeEpisode(OWN, Regime.RSP, RSP_START))
        repo.add_episode(conn, RegimeEpisode(SECOND, Regime.RSP, RSP_START))
    book = Accounts(repo, hasher=FAST_HASHER)
    app = create_app(platform, today=lambda: FORMS_TODAY, accounts=book)
    return app, add_role_accounts(book)


def audit_actions(platform: Platform, code: str = OWN) -> list[audit.AuditEntry]:
    """The audit rows about trust ``code`` that record a change (reads and denials left out)."""
    with platform.engine.connect() as conn:
        rows = audit.entries(conn, entity="provider", entity_key=code)
    return [r for r in rows if not r.action.startswith(("read.", "access."))]


def application_count(platform: Platform) -> int:
    with platform.engine.connect() as conn:
        return int(
            conn.execute(select(func.count()).select_from(funding_applications)).scalar_one()
        )
