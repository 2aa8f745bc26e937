"""The audit log page (administrator only) and the API reference served from local templates."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest

from specialmeasures.access import Role
from web_country import World, build_world, client_for


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    made = build_world(tmp_path_factory.mktemp("audit"))
    yield made
    made.platform.close()


def test_the_administrator_reads_the_audit_log_with_reads_and_writes_told_apart(
    world: World,
) -> None:
    # A read to find: the analyst looks at the watch list; a denial: the trust user tries.
    assert client_for(world, Role.REGULATOR_ANALYST).get("/watchlist.json").status_code == 200
    assert client_for(world, Role.TRUST_USER).get("/watchlist.json").status_code == 403
    admin = client_for(world, Role.ADMINISTRATOR)
    everything = admin.get("/audit.json").json()
    assert everything["confidential"] is True
    assert everything["total"] >= 2
    seqs = [r["seq"] for r in everything["rows"]]
    assert seqs == sorted(seqs, reverse=True)  # newest first
    # The administrator may not know CP status: writes keep who, what and when, not what they said.
    writes_seen = [
        r
        for r in everything["rows"]
        if r["kind"] == "write" and not r["action"].startswith("account.")
    ]
    assert writes_seen
    assert all(r["details"].startswith("withheld") for r in writes_seen)
    assert all(r["payload"] is None for r in writes_seen)
    kinds = {r["action"]: r["kind"] for r in everything["rows"]}
    assert kinds.get("demo.loaded", "write") == "write"
    reads = admin.get("/audit.json", params={"kind": "read"}).json()
    assert reads["rows"]
    assert all(r["kind"] == "read" for r in reads["rows"])
    writes = admin.get("/audit.json", params={"kind": "write"}).json()
    assert all(r["kind"] == "write" for r in writes["rows"])
    # Reading the audit log is itself audited, so the totals grow a row per request.
    later = admin.get("/audit.json").json()["total"]
    assert everything["total"] <= reads["total"] + writes["total"] <= later
    assert any(r["action"].startswith("read.") for r in reads["rows"])
    analyst = admin.get("/audit.json", params={"actor": "regulator-analyst"}).json()
    assert analyst["rows"]
    assert {r["who"] for r in analyst["rows"]} == {"regulator-analyst (Regulator analyst)"}
    future = admin.get("/audit.json", params={"from": "2090-01-01", "to": "2090-12-31"}).json()
    assert future["total"] == 0
    assert admin.get("/audit.json", params={"from": "2999-01-01"}).status_code == 400
    assert admin.get("/audit.json", params={"kind": "sometimes"}).status_code == 422
    html = admin.get("/audit", params={"kind": "read"})
    assert html.status_code == 200
    assert 'id="audit-table"' in html.text
    assert "Reads (who looked or tried)" in html.text
    assert html.headers["cache-control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(admin.get("/audit.csv", params={"kind": "read"}).text)))
    assert reads["total"] < len(rows) <= 500  # the reads since, this one included
    assert {r["kind"] for r in rows} == {"read"}
    assert set(rows[0]) >= {"seq", "who", "action", "kind", "confidential"}


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMINISTRATOR])
def test_no_other_role_reads_the_audit_log(world: World, role: Role) -> None:
    client = client_for(world, role)
    for path in ("/audit", "/audit.json", "/audit.csv"):
        response = client.get(path, follow_redirects=False)
        if response.status_code in (302, 303):  # an HTML page sends the anonymous to sign in
            assert role is Role.PUBLIC
            assert response.headers["location"].startswith("/login")
            continue
        assert response.status_code in (401, 403), (role, path)
        assert "audit-table" not in response.text
        assert '"seq"' not in response.text


def test_api_reference_is_served_from_local_templates(world: World) -> None:
    page = client_for(world, Role.PUBLIC).get("/api/docs")
    assert page.status_code == 200
    assert "API reference" in page.text
    assert "/providers.json" in page.text
    assert 'src="http' not in page.text
    assert "cdn." not in page.text
    assert "swagger" not in page.text.lower()


def test_the_filter_form_as_sent_by_a_browser(world: World) -> None:
    """The page's form sends every box, empty ones too: an empty box is no filter."""
    admin = client_for(world, Role.ADMINISTRATOR)
    empty = {"entity": "", "action": "", "actor": "", "from": "", "to": "", "kind": ""}
    everything = admin.get("/audit.json").json()["total"]
    page = admin.get("/audit", params=empty)
    assert page.status_code == 200
    assert 'id="audit-table"' in page.text
    assert admin.get("/audit.json", params=empty).json()["total"] >= everything
    assert admin.get("/audit.csv", params={**empty, "entity": "account"}).status_code == 200
    bad = admin.get("/audit.json", params={**empty, "from": "2025-13-01"})
    assert bad.status_code == 400
    assert "from" in bad.json()["error"]["message"]
    assert "2025-13-01" in bad.json()["error"]["message"]
    assert admin.get("/audit", params={**empty, "to": "2025-02-30"}).status_code == 400
    assert admin.get("/audit.json", params={"from": "1-1-2025"}).status_code == 422
