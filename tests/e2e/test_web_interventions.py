"""The interventions pages, their JSON and CSV twins, and who may see them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest

from specialmeasures.access import Role
from specialmeasures.domain.oversight import Body
from specialmeasures.interventions import Actor
from specialmeasures.interventions.returns import add_member, request_items
from web_country import AT, World, build_world, client_for


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    made = build_world(tmp_path_factory.mktemp("interventions"))
    who = Actor("Test Analyst", "regulator_analyst", "test set-up", AT)
    add_member(made.platform.repository, made.own, Body.HEE, "Tess Educator (synthetic)", who)
    request_items(made.platform.repository, made.own, Body.HEE, ["trainee_survey_score"], who)
    try:
        yield made
    finally:
        made.platform.close()


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_trust_page_and_json_twin(world: World) -> None:
    client = client_for(world, Role.REGULATOR_ANALYST)
    page = client.get(f"/providers/{world.own}/interventions")
    assert page.status_code == 200
    html = page.text
    for anchor in ("director-assignments", "buddying-table", "funding-table", "leadership-table",
                   "plan-domains", "plan-progress", "oag-members", "burden"):  # fmt: skip
        assert f'id="{anchor}"' in html, anchor
    assert f'href="/providers/{world.own}/returns"' in html
    assert f'href="/providers/{world.own}/interventions.json"' in html
    data = client.get(f"/providers/{world.own}/interventions.json").json()
    assert data["code"] == world.own
    assert data["director_assignments"]
    assert {a["phase"] for a in data["director_assignments"]} <= {
        "intensive", "maintenance", "extended", "ended"
    }  # fmt: skip
    burden = data["oag"]["burden"]
    assert burden["requested"] >= burden["unique"] > 0
    assert burden["saving"] == burden["requested"] - burden["unique"]
    assert str(burden["requested"]) in html
    assert {d["domain"] for d in data["plan"]["by_domain"]} == {
        "governance", "clinical_leadership", "staff_engagement", "external_partnerships"
    }  # fmt: skip
    assert len(data["plan"]["progress"]) == 6
    assert "Tess Educator (synthetic)" in html
    assert data["dataset"]["synthetic"] == "true"


def test_provider_page_links_to_interventions_for_those_who_may_follow(world: World) -> None:
    link = f'href="/providers/{world.own}/interventions"'
    assert link in client_for(world, Role.TRUST_USER).get(f"/providers/{world.own}").text
    assert link not in client_for(world, Role.PUBLIC).get(f"/providers/{world.own}").text
    foreign = client_for(world, Role.TRUST_USER).get(f"/providers/{world.foreign}").text
    assert f'href="/providers/{world.foreign}/interventions"' not in foreign


@pytest.mark.parametrize(
    ("role", "own", "foreign"),
    [
        (Role.PUBLIC, 401, 401),
        (Role.ADMINISTRATOR, 403, 403),
        (Role.TRUST_USER, 200, 403),
        (Role.OAG_MEMBER, 200, 403),
        (Role.IMPROVEMENT_DIRECTOR, 200, 403),
        (Role.REGULATOR_DECISION_MAKER, 200, 200),
    ],
)
def test_who_sees_a_trusts_interventions(world: World, role: Role, own: int, foreign: int) -> None:
    client = client_for(world, role)
    assert client.get(f"/providers/{world.own}/interventions.json").status_code == own
    assert client.get(f"/providers/{world.foreign}/interventions.json").status_code == foreign


def test_trust_user_sees_no_cp_status_and_no_link_it_may_not_follow(world: World) -> None:
    data = client_for(world, Role.TRUST_USER).get(f"/providers/{world.own}/interventions.json")
    body = data.json()
    assert body["confidential"] is False
    assert "Challenged provider" not in data.text
    assert body["may_read_returns"] is True


def test_caseload_page_json_and_csv(world: World) -> None:
    client = client_for(world, Role.REGULATOR_ANALYST)
    params = {"first": "2015-01", "last": "2016-06"}
    data = client.get("/interventions/caseload.json", params=params).json()
    assert data["first"] == "2015-01"
    assert data["last"] == "2016-06"
    assert data["caseload"]
    assert set(data["flag_counts"]) == {
        "long_in_post", "withdrawn_before_reinspection", "smq_without_director", "over_capacity"
    }  # fmt: skip
    html = client.get("/interventions/caseload", params=params).text
    assert 'id="caseload-table"' in html
    assert 'id="flags-table"' in html
    assert "Confidential" in html
    table = client.get("/interventions/caseload.csv", params=params)
    assert table.headers["content-type"].startswith("text/csv")
    assert table.headers["cache-control"] == "no-store"
    got = rows(table.text)
    assert len(got) == len(data["caseload"])
    assert got[0]["confidential"] == "yes"
    assert got[0]["director"] == data["caseload"][0]["director"]


def test_caseload_is_regulators_and_directors_only_and_a_director_sees_own_trusts(
    world: World,
) -> None:
    for role in (Role.TRUST_USER, Role.OAG_MEMBER, Role.ADMINISTRATOR):
        assert client_for(world, role).get("/interventions/caseload.json").status_code == 403
    assert client_for(world, Role.PUBLIC).get("/interventions/caseload.json").status_code == 401
    params = {"first": "2014-01", "last": "2016-12"}
    data = (
        client_for(world, Role.IMPROVEMENT_DIRECTOR)
        .get("/interventions/caseload.json", params=params)
        .json()
    )
    assert data["scoped"] is True
    assert data["caseload"]
    assert all(world.own in r["trusts"] for r in data["caseload"])
    assert all(f["provider_code"] == world.own for f in data["flags"])


def test_matrix_for_chosen_providers(world: World) -> None:
    client = client_for(world, Role.REGULATOR_ANALYST)
    chosen = f"{world.own},{world.foreign}"
    data = client.get("/interventions/matrix.json", params={"providers": chosen}).json()
    assert [p["code"] for p in data["providers"]] == [world.own, world.foreign]
    assert next(r["intervention"] for r in data["rows"]) == "Improvement Director"
    assert data["rows"][0][world.own] == "✓"
    html = client.get("/interventions/matrix", params={"providers": chosen}).text
    assert 'id="matrix-table"' in html
    assert "✓" in html
    table = rows(client.get("/interventions/matrix.csv", params={"providers": chosen}).text)
    assert [r["intervention"] for r in table] == [r["intervention"] for r in data["rows"]]
    assert table[0][world.own] == "✓"
    everyone = client.get("/interventions/matrix.json").json()
    assert len(everyone["providers"]) > 2


def test_matrix_keeps_scoped_roles_to_their_trusts(world: World) -> None:
    chosen = f"{world.own},{world.foreign}"
    data = (
        client_for(world, Role.TRUST_USER)
        .get("/interventions/matrix.json", params={"providers": chosen})
        .json()
    )
    assert [p["code"] for p in data["providers"]] == [world.own]
    assert (
        world.foreign
        not in client_for(world, Role.OAG_MEMBER)
        .get("/interventions/matrix.csv", params={"providers": chosen})
        .text
    )


def test_unknown_provider_in_matrix_is_404(world: World) -> None:
    client = client_for(world, Role.REGULATOR_ANALYST)
    response = client.get("/interventions/matrix.json", params={"providers": "NOPE"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_returns_page_json_and_each_bodys_report(world: World) -> None:
    client = client_for(world, Role.OAG_MEMBER)
    data = client.get(f"/providers/{world.own}/returns.json").json()
    assert data["returns"]
    first = data["returns"][0]
    assert first["reports"]
    for report in first["reports"]:
        wanted = sorted(data["requested"][report["body"]])
        assert [r["item"] for r in report["rows"]] == wanted
    assert data["may_submit"] is False
    html = client.get(f"/providers/{world.own}/returns").text
    assert f'id="return-{first["period"]}"' in html
    assert "Submit return" not in html
    assert client.get(f"/providers/{world.foreign}/returns.json").status_code == 403
    public = client_for(world, Role.PUBLIC)
    assert public.get(f"/providers/{world.own}/returns", follow_redirects=False).status_code == 303
    assert public.get(f"/providers/{world.own}/returns.json").status_code == 401
    assert (
        client_for(world, Role.ADMINISTRATOR)
        .get(f"/providers/{world.own}/returns.json")
        .status_code
        == 403
    )


def test_trust_user_submits_one_return_through_the_form(world: World) -> None:
    client = client_for(world, Role.TRUST_USER)
    page = client.get(f"/providers/{world.own}/returns").text
    assert "Submit return" in page
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    form = {"csrf_token": token, "period": "2017-01", "item:trainee_survey_score": "71"}
    done = client.post(f"/providers/{world.own}/returns", data=form, follow_redirects=False)
    assert done.status_code == 303
    data = client.get(f"/providers/{world.own}/returns.json").json()
    assert data["returns"][0]["period"] == "2017-01"
    hee = next(r for r in data["returns"][0]["reports"] if r["body"] == "hee")
    assert {"item": "trainee_survey_score", "value": "71"} in hee["rows"]
    assert {"item": "staff_turnover", "value": "not supplied"} in hee["rows"]
    again = client.post(f"/providers/{world.own}/returns", data=form, follow_redirects=False)
    assert again.status_code == 400
    assert "one return per period" in again.text
    bad = client.post(
        f"/providers/{world.own}/returns",
        data={**form, "period": "2017-02", "item:never_requested": "1"},
    )
    assert bad.status_code == 400
    assert "no OAG body requested" in bad.text
    no_token = client.post(
        f"/providers/{world.own}/returns", data={"period": "2017-03"}, follow_redirects=False
    )
    assert no_token.status_code == 403
    regulator = client_for(world, Role.REGULATOR_ANALYST)
    assert (
        regulator.post(
            f"/providers/{world.own}/returns", data=form, follow_redirects=False
        ).status_code
        == 403
    )
