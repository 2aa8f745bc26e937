"""The evaluation pages, their JSON and CSV twins, and who may see them."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from html import escape
from pathlib import Path

import pytest

from specialmeasures.access import Role
from specialmeasures.evaluation.evidence_store import import_evidence
from web_country import World, build_world, client_for

HEADER = (
    "ref,site,date,source_type,tier,title,rap_context,rap_interventions,rap_drivers,"
    "rap_barriers,rap_unintended_consequences,rap_sustainability,quote,codes\n"
)
PAGES = (
    "/evaluation/trajectories",
    "/evaluation/sample",
    "/evaluation/impact",
    "/evaluation/sustainability",
    "/evaluation/balancing",
    "/evaluation/costs",
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder: Path = tmp_path_factory.mktemp("evaluation")
    made = build_world(folder)
    evidence = folder / "evidence.csv"
    evidence.write_text(
        HEADER
        + f"I-1,{made.own},2016-10-01,interview,senior,CEO,,ID,,,,,,governance;stigma_morale\n"
        + f"D-1,{made.own},2016-10-02,document,external,Board papers,,,,,,,,governance\n"
        + f"O-1,{made.foreign},2016-11-01,observation,frontline,Ward,,,,,,,,staff_engagement\n",
        encoding="utf-8",
    )
    import_evidence(made.platform.repository, evidence)
    try:
        yield made
    finally:
        made.platform.close()


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_trajectories_page_json_and_csv(world: World) -> None:
    client = client_for(world, Role.REGULATOR_ANALYST)
    data = client.get("/evaluation/trajectories.json").json()
    assert data["confidential"] is True
    assert data["count"] == len(data["trusts"]) > 50
    assert sum(data["counts_by_group"].values()) == data["count"]
    assert data["figure"]["trusts"]
    chosen = f"{world.own},{world.foreign}"
    page = client.get("/evaluation/trajectories", params={"codes": chosen})
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    html = page.text
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert 'role="img"' in html
    assert 'id="figure-table"' in html
    assert 'id="trajectories-table"' in html
    figure = client.get("/evaluation/trajectories.json", params={"codes": chosen}).json()
    assert [t["code"] for t in figure["figure"]["trusts"]] == [world.own, world.foreign]
    table = rows(client.get("/evaluation/trajectories.csv").text)
    assert len(table) == data["count"]
    assert table[0]["confidential"] == "yes"
    assert {"code", "primary_label", "groups"} <= set(table[0])
    bad = client.get("/evaluation/trajectories.json", params={"codes": "NOPE"})
    assert bad.status_code == 400


def test_sample_is_table_1_with_seed_and_declines(world: World) -> None:
    client = client_for(world, Role.REGULATOR_DECISION_MAKER)
    first = client.get("/evaluation/sample.json", params={"seed": 5}).json()
    assert first["seed"] == 5
    assert first["sample"]
    assert first["counts"]["included"] == len(first["sample"])
    again = client.get("/evaluation/sample.json", params={"seed": 5}).json()
    assert again["sample"] == first["sample"]
    gone = first["sample"][0]["code"]
    declined = client.get("/evaluation/sample.json", params={"seed": 5, "declines": gone}).json()
    assert gone not in [r["code"] for r in declined["sample"]]
    assert declined["counts"]["declined"] == 1
    html = client.get("/evaluation/sample", params={"seed": 5, "declines": gone}).text
    depths = [r["depth"] for r in declined["sample"]]
    assert depths.count("In-depth") == depths.count("High-level") == len(depths) // 2
    assert "High-level" in html
    assert "In-depth" in html
    assert "depth" in declined["columns"]
    assert 'id="sample-table"' in html
    assert 'id="approaches-table"' in html


def test_impact_event_study_with_plot_table_and_csv(world: World) -> None:
    client = client_for(world, Role.REGULATOR_ANALYST)
    empty = client.get("/evaluation/impact.json").json()
    assert empty["result"] is None
    assert "ae_four_hour" in {i["id"] for i in empty["indicators"]}
    assert client.get("/evaluation/impact.csv").status_code == 400
    params = {"indicator": "ae_four_hour"}
    data = client.get("/evaluation/impact.json", params=params).json()
    result = data["result"]
    assert result["indicator"] == "ae_four_hour"
    assert result["confidential"] is True
    assert result["window"] == [-12, 24]
    reading = result["reading"]
    assert reading["verdict"] in {"cannot tell", "effect"}
    assert reading["mde"] > 0
    assert result["independent"]["estimator"] == "callaway_santanna"
    assert reading["agreement"] in {"agree", "disagree"}
    html = client.get("/evaluation/impact", params=params).text
    assert 'class="sm-event-study"' in html
    assert 'id="reading"' in html
    assert "minimum detectable effect" in html
    assert "Callaway-Sant" in html
    # The page never shows the point estimate without its reading: the reading comes first.
    assert html.index('id="reading"') < html.index('id="att"')
    assert 'id="event-study-table"' in html
    table = rows(client.get("/evaluation/impact.csv", params=params).text)
    assert len(table) == len(result["event_study"])
    assert [int(r["k"]) for r in table] == [r["k"] for r in result["event_study"]]
    unknown = client.get("/evaluation/impact.json", params={"indicator": "nope"})
    assert unknown.status_code == 404
    assert client.get("/evaluation/impact.json", params={"design": "x"}).status_code == 422


def test_impact_of_an_intervention_among_smq_trusts(world: World) -> None:
    client = client_for(world, Role.REGULATOR_ANALYST)
    params = {"indicator": "shmi", "event": "director", "design": "did"}
    result = client.get("/evaluation/impact.json", params=params).json()["result"]
    assert result["event"] == "director"
    assert result["treated_units"] > 0
    html = client.get("/evaluation/impact", params=params).text
    name = next(i.name for i in world.platform.repository.indicators() if i.id == "shmi")
    # The figure names the indicator as people read it, not by its id.
    assert f"Effect of first Improvement Director assignment on {escape(name)}" in html
    assert '<option value="buddy">First buddying arrangement</option>' in html
    bad = client.get("/evaluation/impact.json", params={**params, "event": "ward"})
    assert bad.status_code == 422


def test_sustainability_page_and_json(world: World) -> None:
    client = client_for(world, Role.REGULATOR_ANALYST)
    data = client.get("/evaluation/sustainability.json").json()
    assert data["confidential"] is True
    assert data["curves"][0]["by"] == "all"
    assert data["curves"][0]["n"] == len(data["exits"])
    figure = data["figure"]
    assert figure["by"] == "group"
    assert sum(c["n"] for c in figure["curves"]) == len(data["exits"])
    assert all(c["steps"][0]["survival"] == 1.0 for c in figure["curves"])
    html = client.get("/evaluation/sustainability").text
    assert 'id="curves-table"' in html
    assert 'id="exits-table"' in html
    assert 'class="sm-km"' in html
    assert 'id="km-table"' in html
    one = client.get("/evaluation/sustainability.json", params={"by": "all"}).json()["figure"]
    assert [c["stratum"] for c in one["curves"]] == ["all"]
    assert client.get("/evaluation/sustainability", params={"by": "x"}).status_code == 422


def test_balancing_page_json_and_csv(world: World) -> None:
    client = client_for(world, Role.REGULATOR_ANALYST)
    data = client.get("/evaluation/balancing.json", params={"months": 6}).json()
    assert data["confidential"] is True
    assert data["months"] == 6
    roles = {r["indicator"]: r["role"] for r in data["rows"]}
    assert roles["staff_turnover"] == "balancing"
    assert roles["shmi"] == "intended"
    html = client.get("/evaluation/balancing", params={"months": 6}).text
    assert 'id="balancing-table"' in html
    assert 'id="intended-table"' in html
    table = rows(client.get("/evaluation/balancing.csv", params={"months": 6}).text)
    assert [r["indicator"] for r in table] == [r["indicator"] for r in data["rows"]]
    assert {r["confidential"] for r in table} == {"yes"}
    assert client.get("/evaluation/balancing.json", params={"months": 0}).status_code == 422


def test_costs_page_json_and_csv_by_group_and_trust(world: World) -> None:
    client = client_for(world, Role.REGULATOR_ANALYST)
    groups = client.get("/evaluation/costs.json").json()
    assert groups["confidential"] is True
    assert groups["rows"][-1]["group"] == "all"
    total = groups["rows"][-1]["total_direct_cost"]
    trusts = client.get("/evaluation/costs.json", params={"by": "trust"}).json()
    assert sum(r["total_direct_cost"] for r in trusts["rows"]) == pytest.approx(total)
    assert groups["rates"]["id_day_rate"] > 0
    html = client.get("/evaluation/costs", params={"by": "trust"}).text
    assert 'id="costs-table"' in html
    assert 'id="rates-table"' in html
    assert 'aria-current="page"' in html  # the evaluation pages' navigation
    table = rows(client.get("/evaluation/costs.csv").text)
    assert len(table) == len(groups["rows"])
    assert client.get("/evaluation/costs.json", params={"by": "ward"}).status_code == 422


def test_evidence_matrix_page_json_and_csv(world: World) -> None:
    client = client_for(world, Role.REGULATOR_ANALYST)
    data = client.get("/evaluation/evidence.json").json()
    assert data["records"] == 3
    by_site = {r["site"]: r for r in data["rows"]}
    assert by_site[world.own]["governance"] == "2 (interview+document) *"
    assert set(by_site) == {world.own, world.foreign}
    html = client.get("/evaluation/evidence").text
    assert 'id="evidence-matrix"' in html
    table = rows(client.get("/evaluation/evidence.csv").text)
    assert {r["site"] for r in table} == {world.own, world.foreign}
    assert table[0]["confidential"] == "yes"


def test_a_trust_user_sees_only_its_own_evidence(world: World) -> None:
    client = client_for(world, Role.TRUST_USER)
    data = client.get("/evaluation/evidence.json").json()
    assert [r["site"] for r in data["rows"]] == [world.own]
    assert data["scoped"] is True
    assert world.foreign not in client.get("/evaluation/evidence.csv").text


@pytest.mark.parametrize(
    "role",
    [Role.TRUST_USER, Role.OAG_MEMBER, Role.IMPROVEMENT_DIRECTOR, Role.ADMINISTRATOR],
)
def test_evaluation_is_regulators_and_researchers_only(world: World, role: Role) -> None:
    client = client_for(world, role)
    for path in PAGES:
        assert client.get(path + ".json").status_code == 403, path
    assert client_for(world, Role.PUBLIC).get("/evaluation/trajectories.json").status_code == 401


def test_evidence_is_refused_to_oag_and_administrators(world: World) -> None:
    for role in (Role.OAG_MEMBER, Role.ADMINISTRATOR):
        assert client_for(world, role).get("/evaluation/evidence.json").status_code == 403


# -- the researcher: the evaluation and granted evidence, under keyed pseudonyms ---------------


def real_identities(world: World) -> re.Pattern[str]:
    """Every trust code and name of the register, as whole words."""
    words = set()
    for p in world.platform.repository.providers():
        words.add(p.code)
        if p.name:
            words.add(p.name)
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w])({alternatives})(?![\w])")


def test_a_researcher_reads_the_evaluation_without_any_real_trust(world: World) -> None:
    client = client_for(world, Role.RESEARCHER)
    identities = real_identities(world)
    regulator = client_for(world, Role.REGULATOR_ANALYST)
    assert identities.search(regulator.get("/evaluation/trajectories.json").text)  # the check bites
    downloads = ("/evaluation/trajectories.csv", "/evaluation/costs.csv?by=trust")
    for path in (*PAGES, *(p + ".json" for p in PAGES), *downloads, "/evaluation/costs?by=trust"):
        response = client.get(path)
        assert response.status_code == 200, path
        found = identities.search(response.text)
        assert found is None, f"{path} shows {found and found.group(0)}"
    data = client.get("/evaluation/trajectories.json").json()
    assert data["count"] == len(data["trusts"]) > 50  # every trust, each under a pseudonym
    assert all(re.fullmatch(r"SITE-[0-9A-F]{8}", t["code"]) for t in data["trusts"])
    assert len({t["code"] for t in data["trusts"]}) == data["count"]


def test_pseudonyms_are_stable_and_chosen_by_pseudonym_only(world: World) -> None:
    client = client_for(world, Role.RESEARCHER)
    regulator = client_for(world, Role.REGULATOR_ANALYST).get("/evaluation/trajectories.json")
    mine = client.get("/evaluation/trajectories.json").json()
    again = client.get("/evaluation/trajectories.json").json()
    assert [t["code"] for t in mine["trusts"]] == [t["code"] for t in again["trusts"]]
    # The same rows in the same order: row i is the same trust for both readers.
    real = [t["code"] for t in regulator.json()["trusts"]]
    alias = dict(zip(real, (t["code"] for t in mine["trusts"]), strict=True))
    chosen = client.get("/evaluation/trajectories.json", params={"codes": alias[world.own]})
    assert chosen.status_code == 200
    assert [t["code"] for t in chosen.json()["figure"]["trusts"]] == [alias[world.own]]
    # A real code is refused (it would tell which pseudonym a known trust has).
    refused = client.get("/evaluation/trajectories.json", params={"codes": world.own})
    assert refused.status_code == 400
    assert "unknown site" in refused.text
    # The evidence matrix uses the same pseudonym for the granted site, and only that site.
    evidence = client.get("/evaluation/evidence.json").json()
    assert evidence["pseudonymised"] is True
    assert [r["site"] for r in evidence["rows"]] == [alias[world.own]]
    assert {c["site"] for c in evidence["cells"]} == {alias[world.own]}
    page = client.get("/evaluation/evidence").text
    assert alias[world.own] in page
    assert "under a pseudonym" in page
    for text in (page, client.get("/evaluation/evidence.csv").text, str(evidence)):
        assert world.own not in text
        assert world.foreign not in text
        assert alias[world.foreign] not in text


def test_a_researcher_never_sees_decisions_the_watch_list_or_returns(world: World) -> None:
    client = client_for(world, Role.RESEARCHER)
    for path in (
        "/watchlist",
        f"/providers/{world.own}/decisions",
        f"/providers/{world.own}/returns",
        "/interventions/caseload",
        "/admin/users",
        "/audit",
    ):
        assert client.get(path).status_code == 403, path
    page = client.get(f"/providers/{world.own}").text  # the public page, nothing confidential
    assert "Challenged provider" not in page


def test_trajectories_page_by_group_and_page(world: World) -> None:
    client = client_for(world, Role.REGULATOR_ANALYST)
    every = client.get("/evaluation/trajectories.json").json()
    assert every["paging"] is None  # the twin gives every trust unless a page is asked for
    html = client.get("/evaluation/trajectories").text
    body = html[html.index('id="trajectories-table"') :]
    assert body.count('<tr class="nhsuk-table__row">') == 1 + 20  # header and one page
    first = client.get("/evaluation/trajectories.json", params={"page": 1}).json()
    second = client.get("/evaluation/trajectories.json", params={"page": 2}).json()
    assert first["trusts"] == every["trusts"][:20]
    assert second["trusts"] == every["trusts"][20:40]
    assert first["paging"]["pages"] == -(-every["count"] // 20)
    page2 = client.get("/evaluation/trajectories", params={"page": 2}).text
    assert second["trusts"][0]["name"] in page2
    assert every["trusts"][0]["name"] not in page2
    group = next(g["group"] for g in every["groups"] if 0 < g["trusts"] < every["count"])
    only = client.get("/evaluation/trajectories.json", params={"group": group}).json()
    assert {t["primary_group"] for t in only["trusts"]} == {group}
    assert len(only["trusts"]) == next(g["trusts"] for g in every["groups"] if g["group"] == group)
    table = rows(client.get("/evaluation/trajectories.csv", params={"group": group}).text)
    assert [r["code"] for r in table] == [t["code"] for t in only["trusts"]]
    past = client.get("/evaluation/trajectories.json", params={"page": 999})
    assert past.status_code == 400
    assert "page" in past.text
    wrong = client.get("/evaluation/trajectories.json", params={"group": "nope"})
    assert wrong.status_code == 400
    assert "group" in wrong.text
