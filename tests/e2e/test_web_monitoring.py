"""The confidential watch list page, its JSON twin and CSV download, and who may see them."""

from __future__ import annotations

from access_fixtures import client_as
from specialmeasures.access import Role
from specialmeasures.monitoring import CONFIDENTIAL_BANNER
from web_demo_fixtures import DemoWeb, demo_web

__all__ = ["demo_web"]


def test_regulators_see_the_watch_list_by_band(demo_web: DemoWeb) -> None:
    client, _ = client_as(demo_web.app, demo_web.accounts[Role.REGULATOR_ANALYST])
    page = client.get("/watchlist")
    assert page.status_code == 200
    assert CONFIDENTIAL_BANNER in page.text
    assert 'id="band-1"' in page.text
    assert 'id="systems-table"' in page.text
    assert "Balancing measures" in page.text
    assert page.headers["cache-control"] == "no-store"
    data = client.get("/watchlist.json").json()
    assert data["confidential"] is True
    assert data["available"] is True
    assert [b["band"] for b in data["bands"]] == [1, 2, 3, 4, 5, 6]
    assert sum(b["count"] for b in data["bands"]) == data["count"] == 150
    smq = next(p for b in data["bands"] for p in b["providers"] if p["code"] == demo_web.in_smq)
    assert smq["band"] == 1
    assert smq["in_smq"] is True
    flagged = [p for b in data["bands"] for p in b["providers"] if p["flags"]]
    assert flagged
    assert all(f["text"] for p in flagged for f in p["flags"])
    assert data["systems"]
    assert data["systems"][0]["confidential"] is True


def test_csv_download_carries_the_banner(demo_web: DemoWeb) -> None:
    client, _ = client_as(demo_web.app, demo_web.accounts[Role.REGULATOR_DECISION_MAKER])
    assert 'href="/watchlist.csv?as_of=2016-06-01"' in client.get("/watchlist").text
    response = client.get("/watchlist.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    lines = response.text.splitlines()
    assert lines[0].startswith("# CONFIDENTIAL")
    assert len(lines) == 2 + 150


def test_no_data_is_explained_not_an_error(demo_web: DemoWeb) -> None:
    client, _ = client_as(demo_web.app, demo_web.accounts[Role.REGULATOR_ANALYST])
    page = client.get("/watchlist?as_of=2000-01-01")
    assert page.status_code == 200
    assert "No watch list for this date" in page.text
    assert client.get("/watchlist.json?as_of=2000-01-01").json()["available"] is False


def test_everyone_else_is_refused(demo_web: DemoWeb) -> None:
    public, _ = client_as(demo_web.app, None)
    assert public.get("/watchlist.json").status_code == 401
    assert public.get("/watchlist", follow_redirects=False).status_code == 303
    for role in (
        Role.TRUST_USER,
        Role.OAG_MEMBER,
        Role.IMPROVEMENT_DIRECTOR,
        Role.ADMINISTRATOR,
    ):
        client, _ = client_as(demo_web.app, demo_web.accounts[role])
        for path in ("/watchlist", "/watchlist.json", "/watchlist.csv"):
            response = client.get(path)
            assert response.status_code == 403, (role, path)
            assert "CONFIDENTIAL" not in response.text
        assert 'href="/watchlist"' not in client.get("/providers").text


def test_system_page_shows_bands_to_regulators_only(demo_web: DemoWeb) -> None:
    system = demo_web.platform.repository.provider(demo_web.in_smq).system
    regulator, _ = client_as(demo_web.app, demo_web.accounts[Role.REGULATOR_ANALYST])
    data = regulator.get(f"/systems/{system}.json").json()
    assert data["watchlist"] is True
    assert all("watchlist_band" in p for p in data["providers"])
    trust, _ = client_as(demo_web.app, demo_web.accounts[Role.TRUST_USER])
    data = trust.get(f"/systems/{system}.json").json()
    assert data["watchlist"] is False
    assert all("watchlist_band" not in p for p in data["providers"])
    assert "Watch-list band" not in trust.get(f"/systems/{system}").text
