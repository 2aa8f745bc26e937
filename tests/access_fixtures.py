"""Accounts for every role over the small register, and clients signed in as them.

The small register (factories.small_register): ZA1 was in SMQ (public), ZA3 is on the
confidential CP list from 2016-01-01. Scoped roles are given ZA3 as their own trust, so a trust
user's own trust is on the CP list and the tests can check that its status never reaches them.

:func:`load_small_register` adds CP facts on every kind of record (:func:`add_cp_facts`): a
second CP-listed trust, ``CP_FOREIGN`` (ZA4), that no scoped role is assigned to, so that a page
that ignores the provider or the scope has something confidential to leak; an earlier CP spell
of ZA3 that ended on ``OWN_CP_EXIT``, with a Director assignment ended by it; CP-stage funding;
one Director covering both CP trusts (the caseload); and returns, plan actions and qualitative
evidence of ZA4 whose text names its CP status. :data:`CP_MARKERS` and :data:`TRUST_MARKERS`
are the strings a role that may not see a trust's CP status must never receive.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import insert

import factories
from specialmeasures.access import Account, Accounts, Role
from specialmeasures.bootstrap import Platform
from specialmeasures.domain.directors import Background, DirectorAssignment, ImprovementDirector
from specialmeasures.domain.funding import FundingAim, FundingApplication, FundingStage
from specialmeasures.domain.oversight import (
    ActionStatus,
    Body,
    DriverDomain,
    FindingKind,
    MonthlyReturn,
    PlanAction,
)
from specialmeasures.evaluation.evidence_store import import_evidence
from specialmeasures.interventions import Actor
from specialmeasures.interventions.directors import add_director_in, assign_in
from specialmeasures.interventions.funding import apply_in, approve_in
from specialmeasures.interventions.plans import add_action_in
from specialmeasures.interventions.returns import add_member_in, request_in, submit_in
from specialmeasures.store.tables import funding_aims, funding_applications
from specialmeasures.web.app import create_app
from specialmeasures.web.gate import COOKIE_SESSION

#: Cheap argon2 parameters for tests only (the app's default costs ~50 ms a hash).
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse battery staple"
OWN = "ZA3"
FOREIGN = "ZA1"
TODAY = date(2016, 6, 1)
#: The browser-like base URL: a loopback host, so cookies are not marked Secure (auto setting).
BASE_URL = "http://127.0.0.1"
#: The second CP-listed trust: nobody with a scope is assigned to it.
CP_FOREIGN = "ZA4"
#: When ZA4 entered the CP list, and when ZA3's earlier CP spell ended (distinctive dates that
#: no public record carries).
FOREIGN_CP_START = date(2016, 4, 12)
OWN_CP_EXIT = date(2015, 9, 17)
#: The reference of ZA4's evidence record (the evidence matrix lists references, not quotes).
FOREIGN_EVIDENCE_REF = "CPREF-ZA4"
#: CP status, wherever it appears: the label, the regime value in JSON, HTML and CSV, CP-derived
#: dataset counts. A role may receive them only where it may see the CP status concerned.
CP_MARKERS = (
    "Challenged provider",
    '"cp"',
    ">cp<",
    "\ncp,",
    ",cp,",
    ",cp\n",
    "cp_reentries",
    "group_cp",
)
#: Markers that name one trust's CP facts (dates and caseload entries), by trust.
TRUST_MARKERS = {
    OWN: (OWN_CP_EXIT.isoformat(), "trust left the regime"),
    CP_FOREIGN: (
        FOREIGN_CP_START.isoformat(),
        FOREIGN_EVIDENCE_REF,
        *(f"{CP_FOREIGN} ({phase})" for phase in ("intensive", "maintenance", "extended", "ended")),
    ),
}
AT = datetime(2016, 5, 1, 9, tzinfo=UTC)


def load_small_register(platform: Platform) -> None:
    factories.load_small_register(
        platform.repository,
        meta={
            **factories.SYNTHETIC_META,
            # CP-derived calibration counts, as the demo writes them: never public metadata.
            "summary": '{"providers": 4, "cp_reentries": 1, "group_cp_only": 1}',
        },
    )
    add_cp_facts(platform)


def add_cp_facts(platform: Platform) -> None:
    """CP facts on every kind of record (see the module docstring), in one transaction."""
    repo = platform.repository
    who = Actor("Test Fixture", "Executive Medical Director", "synthetic test data", AT)
    with repo.transaction() as conn:
        repo.add_providers(conn, [factories.provider(CP_FOREIGN)])
        repo.add_episode(conn, factories.cp(OWN, date(2015, 2, 2), OWN_CP_EXIT))
        repo.add_episode(conn, factories.cp(CP_FOREIGN, FOREIGN_CP_START))
        director = add_director_in(
            conn, ImprovementDirector("Synthetic Director", Background.MEDICAL, True, 3), who
        )
        # Ended on the CP exit, because the trust left the list.
        assign_in(conn, DirectorAssignment(director, OWN, date(2015, 3, 2), 3, 3,
                                           end=OWN_CP_EXIT, end_reason="trust left the regime"),
                  who)  # fmt: skip
        assign_in(conn, DirectorAssignment(director, OWN, date(2016, 1, 11), 3, 3), who)
        assign_in(conn, DirectorAssignment(director, CP_FOREIGN, date(2016, 4, 19), 3, 3), who)
        foreign = apply_in(conn, FundingApplication(
            CP_FOREIGN, FundingStage.CP, date(2016, 4, 20), (FundingAim("Governance review", 50_000),)
        ), who)  # fmt: skip
        approve_in(conn, foreign, 40_000, date(2016, 5, 10), who)
        # ZA3's CP spell began before the funding component (the service would refuse it): the
        # row is written directly, as an import of historical records would.
        own = conn.execute(insert(funding_applications).values(
            provider_code=OWN, stage=FundingStage.CP.value, applied_on=date(2016, 2, 1),
            status="approved", approved_amount=30_000, approved_by="Test Fixture",
            approved_on=date(2016, 2, 20),
        )).inserted_primary_key  # fmt: skip
        assert own is not None
        conn.execute(insert(funding_aims).values(
            application_id=own[0], aim="Board development", amount=30_000
        ))  # fmt: skip
        for code in (OWN, CP_FOREIGN):
            add_member_in(conn, code, Body.NHSI, "Synthetic NHSI lead", who)
            request_in(conn, code, Body.NHSI, ["governance_note"], who)
        submit_in(conn, MonthlyReturn(CP_FOREIGN, date(2016, 4, 1), {
            "governance_note": "Challenged provider review meeting held"
        }), who)  # fmt: skip
        add_action_in(conn, PlanAction(
            CP_FOREIGN, FindingKind.MUST_DO, "Challenged provider concern: board oversight",
            "Commission a governance review", frozenset({DriverDomain.GOVERNANCE}),
            "Chief executive", date(2016, 9, 1), ActionStatus.IN_PROGRESS,
            created_on=date(2016, 3, 1),
        ), who)  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        _import_cp_evidence(platform, Path(folder) / "cp-evidence.csv")


def _import_cp_evidence(platform: Platform, evidence: Path) -> None:
    evidence.write_text(
        "ref,site,date,source_type,tier,title,rap_context,rap_interventions,rap_drivers,"
        "rap_barriers,rap_unintended_consequences,rap_sustainability,quote,codes\n"
        f"{FOREIGN_EVIDENCE_REF},{CP_FOREIGN},2016-04-11,interview,senior,Challenged provider interview,"
        ",,,,,,Challenged provider meeting,governance\n",
        encoding="utf-8",
    )
    import_evidence(platform.repository, evidence, at=AT)


def add_role_accounts(book: Accounts) -> dict[Role, Account]:
    """One account per role (not public), named after it; scoped roles own ``OWN``."""
    made: dict[Role, Account] = {}
    for role in Role:
        if role is Role.PUBLIC:
            continue
        made[role] = book.add(
            role.value.replace("_", "-"),
            role,
            password=PASSWORD,
            display_name=f"Test {role.label}",
            providers=[OWN] if role.scoped else [],
            actor="test",
        )
    return made


def make_app(platform: Platform) -> tuple[FastAPI, Accounts]:
    book = Accounts(platform.repository, hasher=FAST_HASHER)
    return create_app(platform, today=lambda: TODAY, accounts=book), book


def client_as(app: FastAPI, account: Account | None) -> tuple[TestClient, str]:
    """A client signed in as ``account`` (None: the public) and the CSRF token its forms carry.

    Signs in through the session store rather than the form (the sign-in tests drive the form).
    An anonymous client gets its CSRF cookie from the sign-in page, as a browser would.
    """
    client = TestClient(app, base_url=BASE_URL)
    if account is None:
        page = client.get("/login").text
        return client, page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    session = app.state.gate.sessions.start(account)
    client.cookies.set(COOKIE_SESSION, session.token)
    return client, session.csrf_token
