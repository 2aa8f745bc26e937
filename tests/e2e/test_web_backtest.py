"""The policy backtest on the pages: its own page, the overview's headline, a provider's cases."""

from __future__ import annotations

from access_fixtures import client_as
from specialmeasures.access import Role
from specialmeasures.regime.backtest import run_backtest
from specialmeasures.regime.backtest_views import DEFAULT_END, DEFAULT_START
from web_demo_fixtures import DemoWeb, demo_web

__all__ = ["demo_web"]


def test_backtest_page_and_twin_show_the_replay_for_regulators(demo_web: DemoWeb) -> None:
    client, _ = client_as(demo_web.app, demo_web.accounts[Role.REGULATOR_ANALYST])
    data = client.get("/backtest.json").json()
    expected = run_backtest(demo_web.platform.repository, "smq-2013", DEFAULT_START, DEFAULT_END)
    assert data["policy"] == "smq-2013"
    assert data["months"] == expected.months
    entry = next(a for a in data["agreement"] if a["kind"] == "entry")
    assert entry == expected.row("entry").as_row()
    assert len(data["cases"]) == len(expected.disagreements)
    page = client.get("/backtest")
    assert page.status_code == 200
    assert 'id="backtest-agreement"' in page.text
    assert "Confidential" in page.text


def test_backtest_is_denied_to_everyone_else(demo_web: DemoWeb) -> None:
    anonymous, _ = client_as(demo_web.app, None)
    assert anonymous.get("/backtest.json").status_code == 401
    for role in (Role.TRUST_USER, Role.OAG_MEMBER, Role.IMPROVEMENT_DIRECTOR, Role.ADMINISTRATOR):
        client, _ = client_as(demo_web.app, demo_web.accounts[role])
        assert client.get("/backtest.json").status_code == 403, role
        assert "backtest" not in client.get("/overview.json").json()
        assert 'id="backtest"' not in client.get("/overview").text


def test_overview_and_decision_page_carry_the_backtest_for_regulators(demo_web: DemoWeb) -> None:
    client, _ = client_as(demo_web.app, demo_web.accounts[Role.REGULATOR_ANALYST])
    overview = client.get("/overview.json").json()
    assert overview["backtest"]["policy"] == "smq-2013"
    assert "cases" not in overview["backtest"]
    assert 'id="backtest-agreement"' in client.get("/overview").text
    code = demo_web.in_smq
    decisions = client.get(f"/providers/{code}/decisions.json").json()
    cases = decisions["backtest"]["cases"]
    assert decisions["backtest"]["cases_shown"] == "provider"
    assert cases
    assert {c["provider_code"] for c in cases} == {code}
    assert 'id="backtest-cases"' in client.get(f"/providers/{code}/decisions").text


def test_a_bad_window_is_one_clear_error(demo_web: DemoWeb) -> None:
    client, _ = client_as(demo_web.app, demo_web.accounts[Role.REGULATOR_ANALYST])
    response = client.get("/backtest.json", params={"from": "2019-01-01", "to": "2018-01-01"})
    assert response.status_code == 400
    assert "must not be before" in response.json()["error"]["message"]
