"""The regime pages: national overview, local systems, the decision page and its form, and the
provider's SPC indicator pages, each with its JSON twin, and who sees what."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from access_fixtures import CP_MARKERS, client_as
from specialmeasures.access import Role
from specialmeasures.store import audit
from specialmeasures.store.tables import decisions, regime_episodes
from web_demo_fixtures import AS_OF, DemoWeb, demo_web

__all__ = ["demo_web"]


def _counts(web: DemoWeb) -> tuple[int, int, int]:
    with web.platform.engine.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(decisions)).scalar_one(),
            conn.execute(select(func.count()).select_from(regime_episodes)).scalar_one(),
            len(audit.entries(conn)),
        )


# -- overview ------------------------------------------------------------------------------


def test_overview_is_public_without_the_cp_list(demo_web: DemoWeb) -> None:
    client, _ = client_as(demo_web.app, None)
    for path in ("/", "/overview"):
        page = client.get(path)
        assert page.status_code == 200
        assert "National overview" in page.text
        assert "<svg" in page.text
        assert 'role="img"' in page.text
        assert 'id="series-table"' in page.text
        assert not any(m in page.text for m in CP_MARKERS)
    data = client.get("/overview.json").json()
    assert data["confidential"] is False
    assert data["providers"] == 150
    # On 1 June 2016 neither the RSP (2021), finance measures (July 2016) nor the PIP (2025)
    # existed: they are no rows and no lines, not zeros.
    assert [s["regime"] for s in data["by_status"]] == ["smq", "none"]
    later = client.get("/overview.json?as_of=2025-06-01").json()
    assert [s["regime"] for s in later["by_status"]] == ["smq", "rsp", "smf", "pip", "none"]
    pip = {m["month"]: m["pip"] for m in later["series"]["months"]}
    assert pip["2025-03"] is None
    assert pip["2025-04"] is not None
    assert sum(r["count"] for r in data["by_rating"]) == 150
    assert data["series"]["months"][-1]["on"] == AS_OF.isoformat()
    assert data["systems"]
    assert not any(m in client.get("/overview.json").text for m in CP_MARKERS)


def test_overview_includes_cp_for_regulators_only(demo_web: DemoWeb) -> None:
    regulator, _ = client_as(demo_web.app, demo_web.accounts[Role.REGULATOR_ANALYST])
    data = regulator.get("/overview.json").json()
    assert data["confidential"] is True
    cp = next(s for s in data["by_status"] if s["regime"] == "cp")
    assert cp["count"] >= 1
    assert "cp" in data["series"]["months"][-1]
    for role in (Role.OAG_MEMBER, Role.TRUST_USER, Role.IMPROVEMENT_DIRECTOR):
        client, _ = client_as(demo_web.app, demo_web.accounts[role])
        assert not any(m in client.get("/overview").text for m in CP_MARKERS)


def test_systems_pages(demo_web: DemoWeb) -> None:
    client, _ = client_as(demo_web.app, None)
    index = client.get("/systems.json").json()
    assert sum(s["providers"] for s in index["systems"]) == 150
    assert client.get("/systems").status_code == 200
    system = demo_web.platform.repository.provider(demo_web.in_cp).system
    data = client.get(f"/systems/{system}.json").json()
    assert demo_web.in_cp in {p["code"] for p in data["providers"]}
    assert set(data["providers"][0]["ratings"]) == {
        "overall", "safe", "effective", "caring", "responsive", "well_led",
    }  # fmt: skip
    assert not any(m in client.get(f"/systems/{system}").text for m in CP_MARKERS)
    regulator, _ = client_as(demo_web.app, demo_web.accounts[Role.REGULATOR_ANALYST])
    assert "Challenged provider" in regulator.get(f"/systems/{system}").text
    assert client.get("/systems/Nowhere.json").status_code == 404


# -- decisions -----------------------------------------------------------------------------


def test_decision_page_shows_reasons_timeline_and_form(demo_web: DemoWeb) -> None:
    code = demo_web.in_smq
    client, _ = client_as(demo_web.app, demo_web.accounts[Role.REGULATOR_DECISION_MAKER])
    page = client.get(f"/providers/{code}/decisions")
    assert page.status_code == 200
    assert "CONFIDENTIAL" in page.text
    assert "Record a decision" in page.text
    assert "Special measures timeline" in page.text
    data = client.get(f"/providers/{code}/decisions.json").json()
    assert data["recommendations"]
    rec = data["recommendations"][0]
    assert {"rule_id", "policy_version", "facts", "ref"} <= set(rec)
    assert all({"source", "date", "value"} <= set(f) for f in rec["facts"])
    assert rec["rule_id"] in page.text
    assert data["timeline"]["in_regime"] is True
    assert data["timeline"]["reinspection_due"]
    assert data["can_record"] is True
    smq = next(c for c in data["choices"] if c["regime"] == "smq")
    assert "reinspect" in [t["name"] for t in smq["transitions"]]


def test_analysts_read_but_cannot_record(demo_web: DemoWeb) -> None:
    code = demo_web.in_smq
    client, csrf = client_as(demo_web.app, demo_web.accounts[Role.REGULATOR_ANALYST])
    page = client.get(f"/providers/{code}/decisions")
    assert page.status_code == 200
    assert "Record a decision" not in page.text
    before = _counts(demo_web)[:2]
    form = {"csrf_token": csrf, "decision": "smq:reinspect", "on": "2016-06-01",
            "rationale": "x", "verdict": "accept"}  # fmt: skip
    assert client.post(f"/providers/{code}/decisions", data=form).status_code == 403
    assert _counts(demo_web)[:2] == before


def test_decision_page_is_refused_to_everyone_but_regulators(demo_web: DemoWeb) -> None:
    code = demo_web.in_smq
    public, _ = client_as(demo_web.app, None)
    assert public.get(f"/providers/{code}/decisions.json").status_code == 401
    for role in (Role.TRUST_USER, Role.OAG_MEMBER, Role.IMPROVEMENT_DIRECTOR, Role.ADMINISTRATOR):
        client, _ = client_as(demo_web.app, demo_web.accounts[role])
        assert client.get(f"/providers/{code}/decisions").status_code == 403
        assert "Recommendations and decisions" not in client.get(f"/providers/{code}").text


def test_recording_an_illegal_or_incomplete_decision_changes_nothing(demo_web: DemoWeb) -> None:
    code = demo_web.in_smq
    client, csrf = client_as(demo_web.app, demo_web.accounts[Role.REGULATOR_DECISION_MAKER])
    url = f"/providers/{code}/decisions"
    before = _counts(demo_web)[:2]
    illegal = {"csrf_token": csrf, "decision": "smq:exit", "on": "2016-06-01",
               "rationale": "Leaving", "verdict": "accept", "recommendation": ""}  # fmt: skip
    response = client.post(url, data=illegal)
    assert response.status_code == 400
    assert "nhsuk-error-summary" in response.text
    assert "Cannot &#39;exit&#39;" in response.text
    empty = {"csrf_token": csrf, "decision": "", "on": "June", "rationale": "", "verdict": "x"}
    response = client.post(url, data=empty)
    assert response.status_code == 400
    for message in ("Select the decision", "Enter the date", "Enter the rationale"):
        assert message in response.text
    assert 'href="#rationale"' in response.text
    no_csrf = {**illegal, "csrf_token": "wrong", "decision": "smq:reinspect"}
    assert client.post(url, data=no_csrf).status_code == 403
    assert _counts(demo_web)[:2] == before


def test_a_decision_maker_records_a_decision(demo_web: DemoWeb) -> None:
    code = demo_web.in_smq
    client, csrf = client_as(demo_web.app, demo_web.accounts[Role.REGULATOR_DECISION_MAKER])
    before = _counts(demo_web)
    form = {"csrf_token": csrf, "decision": "smq:reinspect", "on": "2016-06-01",
            "rationale": "CQC re-inspected in May 2016.", "verdict": "accept",
            "recommendation": ""}  # fmt: skip
    response = client.post(f"/providers/{code}/decisions", data=form, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/providers/{code}/decisions?recorded=")
    after = _counts(demo_web)
    assert after[0] == before[0] + 1
    assert after[2] > before[2]
    page = client.get(response.headers["location"])
    assert "recorded, with its audit entry" in page.text
    assert "CQC re-inspected in May 2016." in page.text
    data = client.get(f"/providers/{code}/decisions.json").json()
    assert data["decisions"][0]["transition"] == "reinspect"
    assert data["decisions"][0]["role"] == "Regulator decision-maker"
    # one naming of actors: the account's username, as the command line records it
    assert (
        data["decisions"][0]["actor"] == demo_web.accounts[Role.REGULATOR_DECISION_MAKER].username
    )


# -- indicators ----------------------------------------------------------------------------


def test_indicator_list_is_public_with_icons(demo_web: DemoWeb) -> None:
    code = demo_web.in_smq
    client, _ = client_as(demo_web.app, None)
    page = client.get(f"/providers/{code}/indicators")
    assert page.status_code == 200
    assert 'class="sm-icon"' in page.text
    assert "Common cause variation" in page.text
    data = client.get(f"/providers/{code}/indicators.json").json()
    assert len(data["indicators"]) >= 10
    first = data["indicators"][0]
    assert {"variation_icon", "variation_label", "assurance_icon", "mean"} <= set(first)
    assert all(i["confidential"] is False for i in data["indicators"])
    assert f'href="/providers/{code}/indicators"' in client.get(f"/providers/{code}").text


def test_one_indicator_chart_and_table(demo_web: DemoWeb) -> None:
    code = demo_web.in_smq
    client, _ = client_as(demo_web.app, None)
    indicator = client.get(f"/providers/{code}/indicators.json").json()["indicators"][0]["id"]
    page = client.get(f"/providers/{code}/indicators/{indicator}")
    assert page.status_code == 200
    assert '<svg class="sm-chart" role="img"' in page.text
    assert "<desc" in page.text
    assert 'id="points-table"' in page.text
    data = client.get(f"/providers/{code}/indicators/{indicator}.json").json()
    assert data["indicator"]["id"] == indicator
    assert len(data["points"]) == data["indicator"]["n"]
    assert {"value", "mean", "upper_process_limit", "point_type"} <= set(data["points"][0])
    assert client.get(f"/providers/{code}/indicators/nope.json").status_code == 404
    assert client.get("/providers/NOPE/indicators.json").status_code == 404
    # A proportion's axis reads in round percentages (72%, 74%), never 0.7312.
    proportion = next(
        i["id"]
        for i in client.get(f"/providers/{code}/indicators.json").json()["indicators"]
        if i["unit"] == "proportion"
    )
    svg = client.get(f"/providers/{code}/indicators/{proportion}").text
    ticks = re.findall(r'class="sm-y-tick"[^>]*>([^<]+)<', svg)
    assert len(ticks) >= 3
    assert all(re.fullmatch(r"-?\d+(\.\d)?%", t) for t in ticks), ticks


def test_cp_status_on_indicator_pages_only_for_those_who_may_see_it(demo_web: DemoWeb) -> None:
    code = demo_web.in_cp
    public, _ = client_as(demo_web.app, None)
    assert not any(m in public.get(f"/providers/{code}/indicators").text for m in CP_MARKERS)
    regulator, _ = client_as(demo_web.app, demo_web.accounts[Role.REGULATOR_ANALYST])
    assert "Challenged provider" in regulator.get(f"/providers/{code}/indicators").text


def test_indicator_limits_recalculated_at_a_chosen_date(demo_web: DemoWeb) -> None:
    code = demo_web.in_smq
    client, _ = client_as(demo_web.app, None)
    indicator = client.get(f"/providers/{code}/indicators.json").json()["indicators"][0]["id"]
    url = f"/providers/{code}/indicators/{indicator}.json"
    plain = client.get(url).json()
    periods = [p["period"] for p in plain["points"]]
    assert plain["rebase"]["applied"] == []
    middle = periods[len(periods) // 2]
    # A date inside a month moves to the next period, as the reference needs points' dates.
    asked = middle[:8] + "02" if middle.endswith("-01") else middle
    later = next(p for p in periods if p >= asked)
    rebased = client.get(url, params={"rebase": asked}).json()
    assert rebased["rebase"]["applied"] == [later]
    assert rebased["rebase"]["baselines"] == plain["rebase"]["baselines"] + 1
    cut = periods.index(later)
    before = {p["mean"] for p in rebased["points"][:cut]}
    after = {p["mean"] for p in rebased["points"][cut:]}
    assert len(before) == 1
    assert len(after) == 1
    assert before != after  # two baselines, each with its own mean
    page = client.get(f"/providers/{code}/indicators/{indicator}", params={"rebase": asked})
    assert 'id="rebase-applied"' in page.text
    assert f"Limits recalculated from {later}" in page.text
    bad = client.get(url, params={"rebase": "2016-13-01"})
    assert bad.status_code == 400
    assert "rebase" in bad.text
    assert "2016-13-01" in bad.text
