"""No confidential CP fact reaches a role that may not see it, in any route, twin or export.

The access matrix checks status codes; this checks contents. Every GET route of the app
(enumerated from the app, so a new route is covered at once) is fetched as every role, with
``{code}`` filled in as the scoped roles' own CP trust (ZA3), a public SMQ trust (ZA1) and a
second CP trust nobody with a scope is assigned to (ZA4), and with each page's JSON twin and CSV
export (the routes ending in ``.json`` and ``.csv``). The app serves no XLSX or PDF; those
exports (the board/OAG pack, from the command line) are checked as text (every cell, the PDF's
page text) without and with ``--include-confidential``. The
fixtures (``access_fixtures.add_cp_facts``) put CP facts on every kind of record: regime
episodes, funding (CP stage), Director assignments (one ended on the CP exit), the caseload (one
Director covers both CP trusts), returns, plan actions, qualitative evidence and the dataset's
calibration counts.

A marker of CP status (``CP_MARKERS``) may appear only where the role may see the CP status of
every provider on the page: on a provider's pages if ``confidential.read`` allows that provider,
on collection pages only for roles whose permission reaches every provider. A trust's own
markers (``TRUST_MARKERS``: its CP dates, its Director's entry in a caseload) may appear only for
roles that may see that trust's CP status.

Mutation check, done by hand when this test was written: (1) making the gate skip the provider
check (``Gate.__call__`` asking ``can`` with ``Resource("collection")``) fails this test (a trust
user reads ZA4's interventions, returns and funding stage); (2) removing the funding-stage
redaction in ``access.classification.redact_interventions`` fails it (``"cp"`` on ZA3's
interventions for the trust user); (3) computing the caseload from every assignment rather than
the Director's own fails it (``ZA4 (intensive)`` in the caseload). Each was restored afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from openpyxl import load_workbook

from access_fixtures import (
    CP_FOREIGN,
    CP_MARKERS,
    FOREIGN,
    OWN,
    TODAY,
    TRUST_MARKERS,
    add_role_accounts,
    client_as,
    load_small_register,
    make_app,
)
from specialmeasures.access import ANONYMOUS, Account, Action, Resource, Role, can
from specialmeasures.bootstrap import Platform, bootstrap
from specialmeasures.interventions.packs import build_pack, pack_html, write_pack_xlsx
from specialmeasures.reports.pack_pdf import pack_pdf
from specialmeasures.settings import Settings
from specialmeasures.web.gate import PUBLIC_FRAMEWORK_PATHS

try:
    from fastapi.routing import iter_route_contexts
except ImportError:  # pragma: no cover
    iter_route_contexts = None

CODES = (OWN, FOREIGN, CP_FOREIGN)
ROLES = list(Role)


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[FastAPI, dict[Role, Account]]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('leaks') / 'leaks.db'}"
    platform = bootstrap(Settings(database_url=url), upgrade=True)
    load_small_register(platform)
    app, book = make_app(platform)
    accounts = add_role_accounts(book)
    try:
        yield app, accounts
    finally:
        platform.close()


def get_paths(app: FastAPI) -> list[tuple[str, str | None]]:
    """Every GET route as (concrete path, provider code or None)."""
    out: list[tuple[str, str | None]] = []
    contexts = iter_route_contexts(app.routes) if iter_route_contexts else app.routes
    for ctx in contexts:
        methods = getattr(ctx, "methods", None) or set()
        if "GET" not in methods or ctx.path in PUBLIC_FRAMEWORK_PATHS:
            continue
        if "{" in ctx.path:
            for code in CODES:
                path = re.sub(r"\{code\}", code, ctx.path)
                if "{" in path:  # another parameter (an indicator id): nothing to leak there
                    continue
                out.append((path, code))
        else:
            out.append((ctx.path, None))
    return out


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def leaks(
    body: str, role: Role, account: Account | None, code: str | None, path: str = ""
) -> list[str]:
    user = account.principal() if account else ANONYMOUS
    sees = {c: can(user, Action.CONFIDENTIAL_READ, Resource.provider(c)).allowed for c in CODES}
    whole_list = can(user, Action.CONFIDENTIAL_READ).allowed and (
        can(user, Action.CONFIDENTIAL_READ).scope is None
    )
    found = []
    # Generic CP markers: allowed on a provider's page if that provider's status is visible,
    # and on a collection only for roles that see the whole list.
    may_see_here = whole_list or (code is not None and sees[code])
    # The evaluation rests on the CP list: its readers see CP episodes there (a researcher, who
    # may not know the sites, under keyed pseudonyms: test_web_evaluation checks no real code).
    if path.startswith("/evaluation") and can(user, Action.EVALUATION_READ).allowed:
        may_see_here = True
    if not may_see_here:
        found += [m for m in CP_MARKERS if m in body]
    evaluation = path.startswith("/evaluation") and can(user, Action.EVALUATION_READ).allowed
    for trust, markers in TRUST_MARKERS.items():
        visible = whole_list or (sees[trust] and code in (None, trust))
        if not visible:
            # An evaluation reader sees episode dates (of pseudonymised sites for a researcher),
            # never another trust's evidence or caseload entries.
            shown = [m for m in markers if not (evaluation and _is_date(m))]
            found += [f"{trust}: {m}" for m in shown if m in body]
    return found


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_no_cp_fact_reaches_a_role_that_may_not_see_it(
    world: tuple[FastAPI, dict[Role, Account]], role: Role
) -> None:
    app, accounts = world
    account = accounts.get(role)
    client, _ = client_as(app, account)
    failures = []
    fetched = 0
    for path, code in get_paths(app):
        for query in ("", "?as_of=2016-06-01"):
            response = client.get(path + query, follow_redirects=False)
            if response.status_code != 200:
                continue
            fetched += 1
            for leak in leaks(response.text, role, account, code, path):
                failures.append(f"{role.value} GET {path}{query}: {leak}")
    assert fetched > 0
    assert failures == []


def test_the_markers_are_there_to_find(world: tuple[FastAPI, dict[Role, Account]]) -> None:
    """The check can fail: regulators receive every CP marker the fixtures put in."""
    app, accounts = world
    client, _ = client_as(app, accounts[Role.REGULATOR_ANALYST])
    own = client.get(f"/providers/{OWN}/interventions.json").text
    assert '"cp"' in own
    assert TRUST_MARKERS[OWN][0] in client.get(f"/providers/{OWN}.json").text
    foreign = client.get(f"/providers/{CP_FOREIGN}/interventions").text
    assert "Challenged provider" in foreign
    assert "Challenged provider" in client.get(f"/providers/{CP_FOREIGN}/returns.json").text
    assert TRUST_MARKERS[CP_FOREIGN][1] in client.get("/evaluation/evidence.json").text
    caseload = client.get("/interventions/caseload.csv", params={"last": "2016-05"}).text
    assert f"{CP_FOREIGN} (intensive)" in caseload
    # And the roles with a scope see their own trust's CP facts where they may.
    director, _ = client_as(app, accounts[Role.IMPROVEMENT_DIRECTOR])
    assert '"cp"' in director.get(f"/providers/{OWN}/interventions.json").text
    assert f"{OWN} (intensive)" in director.get("/interventions/caseload.csv").text


def test_the_reported_reproductions_return_nothing_confidential(
    world: tuple[FastAPI, dict[Role, Account]],
) -> None:
    app, accounts = world
    trust, _ = client_as(app, accounts[Role.TRUST_USER])
    data = trust.get(f"/providers/{OWN}/interventions.json").json()
    assert data["confidential"] is False
    assert [a["stage"] for a in data["funding"]["applications"]] == ["withheld"]
    ended = [a for a in data["director_assignments"] if a["phase"] == "ended"]
    assert ended
    assert all(a["end"] == "withheld" for a in ended)
    assert all("end_reason" not in a for a in data["director_assignments"])
    director, _ = client_as(app, accounts[Role.IMPROVEMENT_DIRECTOR])
    caseload = director.get("/interventions/caseload.json", params={"last": "2016-05"}).json()
    assert caseload["caseload"]
    assert all(CP_FOREIGN not in row["trusts"] for row in caseload["caseload"])
    assert all(row["count"] == 1 for row in caseload["caseload"])
    assert director.get(f"/providers/{CP_FOREIGN}/interventions.json").status_code == 403
    public, _ = client_as(app, None)
    summary = public.get("/providers.json").json()["dataset"]["summary"]
    assert summary == '{"providers": 4}'


def export_texts(
    platform: Platform, code: str, folder: Path, *, confidential: bool
) -> dict[str, str]:
    """The board/OAG pack of ``code`` as HTML, XLSX (every cell) and PDF (the page text), each
    as text with one line per row and cells joined by commas (so the CSV markers apply)."""
    pack = build_pack(platform.repository, code, TODAY, include_confidential=confidential)
    xlsx = folder / f"{code}-{confidential}.xlsx"
    write_pack_xlsx(pack, xlsx)
    book = load_workbook(xlsx)
    cells = "\n".join(
        ",".join("" if v is None else str(v) for v in row)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )
    shown = re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", pack_pdf(pack, compress=False))
    pdf = "\n".join(re.sub(rb"\\(.)", rb"\1", s).decode("latin-1") + "," for s in shown)
    return {"html": pack_html(pack), "xlsx": f"\n{cells}\n", "pdf": f"\n{pdf}\n"}


def test_exports_leave_cp_facts_out_unless_asked(
    world: tuple[FastAPI, dict[Role, Account]], tmp_path: Path
) -> None:
    """The XLSX and PDF exports (the board/OAG pack, from the command line): without
    ``--include-confidential`` no CP marker of any trust; with it, the trust's CP facts."""
    app, _ = world
    platform: Platform = app.state.platform
    for code in (OWN, CP_FOREIGN):
        plain = export_texts(platform, code, tmp_path, confidential=False)
        for kind, text in plain.items():
            found = [m for m in CP_MARKERS if m in text]
            found += [m for ms in TRUST_MARKERS.values() for m in ms if m in text]
            assert found == [], (code, kind)
        full = export_texts(platform, code, tmp_path, confidential=True)
        for kind, text in full.items():
            assert "Challenged provider" in text, (code, kind)
            assert any(m in text for m in ("\ncp,", ",cp,", ">cp<")), (code, kind)


def post_paths(app: FastAPI) -> list[tuple[str, str]]:
    """Every POST route of one provider (the forms and their JSON twins) as (path, code)."""
    out: list[tuple[str, str]] = []
    contexts = iter_route_contexts(app.routes) if iter_route_contexts else app.routes
    for ctx in contexts:
        if "POST" not in (getattr(ctx, "methods", None) or set()):
            continue
        if not ctx.path.startswith("/providers/{code}"):
            continue
        out += [(ctx.path.replace("{code}", code), code) for code in CODES if "{" not in
                ctx.path.replace("{code}", code)]  # fmt: skip
    return out


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_refused_writes_tell_nothing_confidential(
    world: tuple[FastAPI, dict[Role, Account]], role: Role
) -> None:
    """A write with nothing filled in (a form, or a JSON twin's empty object) is refused and
    writes nothing; its answer (the page again with the error summary, or the fields' problems)
    carries no CP fact the role may not see."""
    app, accounts = world
    account = accounts.get(role)
    client, token = client_as(app, account)
    paths = post_paths(app)
    assert any(p.endswith("/funding.json") for p, _ in paths)
    failures = []
    for path, code in paths:
        if path.endswith(".json"):
            response = client.post(path, json={}, headers={"x-csrf-token": token})
        else:
            response = client.post(path, data={"csrf_token": token}, follow_redirects=False)
        assert response.status_code in (400, 401, 403, 404), f"{role.value} POST {path}"
        for leak in leaks(response.text, role, account, code, path):
            failures.append(f"{role.value} POST {path}: {leak}")
    assert failures == []


#: Improvement Director notes, by trust: text only the roles allowed ``id_notes.read`` for that
#: trust may receive (regulators; the trust's own Director), on any route, twin or export.
ID_NOTE_MARKERS = {OWN: "IDNOTE-ZA3-board-walkround", CP_FOREIGN: "IDNOTE-ZA4-turnaround"}


def test_id_notes_reach_only_their_readers(tmp_path: Path) -> None:
    from datetime import datetime

    from specialmeasures.interventions import Actor
    from specialmeasures.interventions.id_notes import add_note

    platform = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'notes.db'}"), upgrade=True)
    try:
        load_small_register(platform)
        app, book = make_app(platform)
        accounts = add_role_accounts(book)
        who = Actor("improvement-director", "Improvement Director", "note", datetime(2016, 5, 2))
        for code, marker in ID_NOTE_MARKERS.items():
            add_note(platform.repository, code, date(2016, 5, 1), f"Note {marker}", who)
        failures = []
        seen: dict[Role, set[str]] = {}
        for role in ROLES:
            account = accounts.get(role)
            user = account.principal() if account else ANONYMOUS
            client, _ = client_as(app, account)
            seen[role] = set()
            for path, _code in get_paths(app):
                response = client.get(path, follow_redirects=False)
                if response.status_code != 200:
                    continue
                for trust, marker in ID_NOTE_MARKERS.items():
                    if marker not in response.text:
                        continue
                    seen[role].add(trust)
                    if not can(user, Action.ID_NOTES_READ, Resource.provider(trust)).allowed:
                        failures.append(f"{role.value} GET {path}: {trust}'s note")
        assert failures == []
        # The check can fail: the readers do receive the notes.
        assert seen[Role.REGULATOR_ANALYST] == {OWN, CP_FOREIGN}
        assert seen[Role.IMPROVEMENT_DIRECTOR] == {OWN}
        assert seen[Role.TRUST_USER] == set()
    finally:
        platform.close()
