"""NOF 2025/26 segments end to end (CLI, store, evaluate, pages) and RSP/PIP support cases, on a
small generated country to October 2025 with the demo's synthetic metric values."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from access_fixtures import client_as, make_app
from factories import add_cli_accounts
from specialmeasures.bootstrap import bootstrap
from specialmeasures.cli.main import cli
from specialmeasures.demo import generate
from specialmeasures.domain import Regime
from specialmeasures.regime.nof_service import demo_quarters, load_demo_inputs
from specialmeasures.rules.nof import segment
from specialmeasures.rules.nof_catalogue import ORG_TYPE_OF_PROVIDER, load_catalogue, metrics_for
from specialmeasures.settings import Settings
from specialmeasures.store import audit
from specialmeasures.store.loader import load_country
from specialmeasures.store.tables import nof_segments

END = date(2025, 10, 1)
WHO = ["--as", "ada", "--role", "NHS England regional director", "--rationale", "test"]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('nof') / 'nof.db'}"
    platform = bootstrap(Settings(database_url=url), upgrade=True)
    try:
        country = generate(11, n_providers=150, end=END)
        load_country(platform.repository, country)
        add_cli_accounts(platform.repository)
        assert load_demo_inputs(platform.repository, demo_quarters(END), 11) > 0
    finally:
        platform.close()
    return url


def _run(db: str, monkeypatch: pytest.MonkeyPatch, *args: str, code: int = 0) -> Result:
    monkeypatch.setenv("SPECIALMEASURES_DATABASE_URL", db)
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    return result


def _types(db: str) -> dict[str, str]:
    platform = bootstrap(Settings(database_url=db))
    try:
        return {p.code: ORG_TYPE_OF_PROVIDER[p.type.value] for p in platform.repository.providers()}
    finally:
        platform.close()


def _csv(result: Result) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(result.output)))


def test_score_segments_every_trust_of_each_type(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    types = _types(db)
    rows = _csv(_run(db, monkeypatch, "nof", "score", "--quarter", "2025Q2", "--format", "csv"))
    assert {r["code"] for r in rows} == set(types)
    for r in rows:
        assert r["org_type"] == types[r["code"]]
        assert r["segment"] in {"1", "2", "3", "4"}
        assert r["synthetic"] == "True"
        assert int(r["rank_low"]) <= int(r["rank"]) <= int(r["rank_high"])
        if r["capped"] == "True":
            assert r["delivery_segment"] in {"1", "2"}
            assert r["segment"] == "3"
            assert r["in_deficit"] == "True"
    for kind in ("acute", "non_acute", "ambulance"):
        mine = [r for r in rows if r["org_type"] == kind]
        n = len(mine)
        assert n > 0
        delivery = Counter(r["delivery_segment"] for r in mine)
        # Quartiles: about a quarter of each type in delivery segments 1 and 4.
        assert abs(delivery["4"] - n / 4) <= max(2, n * 0.1), (kind, delivery)
        ranks = sorted(int(r["rank"]) for r in mine)
        assert ranks[0] == 1
        assert ranks[-1] <= n
    table = _run(db, monkeypatch, "nof", "score", "--quarter", "2025Q2", "--no-store").output
    assert "Synthetic demonstration data" in table
    for title in ("acute trusts, 2025/26 Q2", "non-acute trusts", "ambulance trusts"):
        assert title in table


def test_stored_segments_replay_from_their_inputs(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _run(db, monkeypatch, "nof", "score", "--quarter", "2025Q2", "--format", "json")
    platform = bootstrap(Settings(database_url=db))
    try:
        with platform.repository.engine.connect() as conn:
            stored = list(
                conn.execute(select(nof_segments).where(nof_segments.c.quarter == "2025Q2"))
            )
            log = audit.entries(conn, entity="nof_quarter", entity_key="2025Q2")
    finally:
        platform.close()
    assert len(stored) == len(_types(db))
    assert log
    assert log[-1].payload["providers"] == len(stored)
    catalogue = load_catalogue()
    with_ae = 0
    for kind in ("acute", "non_acute", "ambulance"):
        rows = [r for r in stored if r.org_type == kind]
        metrics = metrics_for(kind, catalogue)
        data = [json.loads(r.inputs) for r in rows]
        found = [{m["id"]: m["value"] for m in d["metrics"]} for d in data]
        values = np.array(
            [[np.nan if f[x.id] is None else f[x.id] for x in metrics] for f in found], dtype=float
        )
        deficit = np.array([r.in_deficit for r in rows])
        replay = segment(values, [m.spec for m in metrics], [kind] * len(rows), deficit)
        assert replay.segment.tolist() == [r.segment for r in rows]
        assert replay.rank.tolist() == [r.rank for r in rows]
        for r, d in zip(rows, data, strict=True):
            rules = json.loads(r.rules)
            assert rules[:3] == ["nof.metric.score", "nof.delivery.raw", "nof.delivery.quartile"]
            assert rules[-1] == f"nof.segment.{r.segment}"
            assert ("nof.finance.deficit_cap" in rules) == r.capped
            ae = next((m for m in d["metrics"] if m["id"] == "ae_four_hour"), None)
            if ae is not None and ae["value"] is not None:
                assert ae["source"].startswith("observations ae_four_hour")
                assert 0 < ae["score"] <= 4
                with_ae += 1
            elif ae is not None:
                assert ae["score"] == 0  # no A&E data (e.g. a specialist trust): excluded
    assert with_ae > 40


def test_move_up_reaches_the_next_segments_cut(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    out = json.loads(_run(db, monkeypatch, "nof", "score", "--quarter", "2025Q2", "--type",
                          "acute", "--format", "json", "--no-store").output)  # fmt: skip
    assert list(out["league_tables"]) == ["acute"]
    checked = 0
    infection = {m.id for m in load_catalogue() if m.infection}
    for row in out["league_tables"]["acute"]:
        move = row["move_up"]
        if row["capped"] or row["segment"] < 2 or not move["metrics"]:
            continue
        scores = {m["id"]: m["score"] for m in row["metrics"] if m["score"] > 0}
        for change in move["metrics"]:
            scores[change["metric"]] = change["score_needed"]
        w = {k: (1 / 3 if k in infection else 1.0) for k in scores}
        mean = sum(w[k] * s for k, s in scores.items()) / sum(w.values())
        assert mean <= move["target_average"] + 1e-9
        assert move["to"] == row["segment"] - 1
        checked += 1
    assert checked > 5


def test_formats_and_bad_input(db: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    book = tmp_path / "nof.xlsx"
    _run(
        db, monkeypatch, "nof", "league", "--quarter", "2025Q2", "--format", "xlsx", "-o", str(book)
    )
    from openpyxl import load_workbook

    sheets = load_workbook(book).sheetnames
    assert {"about", "acute", "non_acute", "ambulance", "catalogue"} <= set(sheets)
    bad = _run(db, monkeypatch, "nof", "score", "--quarter", "2025-07", code=2)
    assert "not a quarter" in bad.output
    catalogue = _csv(_run(db, monkeypatch, "nof", "metrics", "--format", "csv"))
    assert {r["standard_or_floor"] for r in catalogue} <= {"standard", "floor", "neither"}
    trust = _run(db, monkeypatch, "nof", "trust", catalogue and _first(db, "ambulance")).output
    assert "To move up:" in trust
    assert "Domain scores (context only)" in trust


def _first(db: str, kind: str) -> str:
    return sorted(c for c, t in _types(db).items() if t == kind)[0]


def _stored(db: str, quarter: str = "2025Q2") -> list[dict[str, object]]:
    platform = bootstrap(Settings(database_url=db))
    try:
        with platform.repository.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(
                select(nof_segments).where(nof_segments.c.quarter == quarter))]  # fmt: skip
    finally:
        platform.close()


def test_evaluate_nof_2025_reads_the_stored_segment(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(db, monkeypatch, "nof", "score", "--quarter", "2025Q2", "--format", "csv")
    row = _stored(db)[0]
    text = _run(db, monkeypatch, "evaluate", str(row["provider_code"]), "--policy", "nof-2025",
                "--as-of", "2025-10-15").output  # fmt: skip
    assert f"nof.segment.{row['segment']}" in text
    assert "Because: the segment after the deficit cap is" in text
    assert "2025/26 Q2" in text
    before = _run(db, monkeypatch, "evaluate", str(row["provider_code"]), "--policy", "nof-2025",
                  "--as-of", "2025-09-15").output  # fmt: skip
    assert "No recommendation" in before  # Q2 results are not known before the quarter ends


def test_pip_entry_refused_then_placed_gives_segment_5(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(db, monkeypatch, "nof", "score", "--quarter", "2025Q2", "--format", "csv")
    rows = _stored(db)
    four = sorted(str(r["provider_code"]) for r in rows if r["segment"] == 4)[0]
    good = sorted(str(r["provider_code"]) for r in rows if r["segment"] == 1)[0]
    refused = _run(db, monkeypatch, "decide", four, "--regime", "pip", "--transition", "enter",
                   "--on", "2025-10-20", *WHO, code=2)  # fmt: skip
    assert "refused" in refused.output
    assert "capability not assessed" in refused.output
    areas = ["strategy_leadership_planning=medium:plan", "quality_of_care=low:warning notice",
             "people_and_culture=medium:survey", "access_and_delivery=low:waits",
             "productivity_value=medium:costs", "financial_performance=medium:plan"]  # fmt: skip
    args = [a for area in areas for a in ("--area", area)]
    out = _run(db, monkeypatch, "support", "capability", four, *args, "--on", "2025-10-18", *WHO)
    assert "capability low" in out.output
    # Low capability does not qualify a segment-1 trust.
    _run(db, monkeypatch, "support", "capability", good, *args, "--on", "2025-10-18", *WHO)
    again = _run(db, monkeypatch, "support", "open", "--regime", "pip", "--name", "PIP good",
                 "--provider", good, "--criterion", f"{good}: x", "--on", "2025-10-20", *WHO,
                 code=2)  # fmt: skip
    assert "segment 1" in again.output
    _run(db, monkeypatch, "support", "open", "--regime", "pip", "--name", "PIP case",
         "--provider", four, "--criterion", f"{four}: CQC well-led Requires improvement or better",
         "--on", "2025-10-20", *WHO)  # fmt: skip
    cases = json.loads(_run(db, monkeypatch, "support", "list", "--format", "json").output)
    case_id = next(c["id"] for c in cases if c["name"] == "PIP case")
    _run(db, monkeypatch, "support", "cost", str(case_id), "--provider", four, "--amount",
         "250000", "--description", "Intensive support team, Q3", "--on", "2025-11-01", *WHO)  # fmt: skip
    shown = json.loads(_run(db, monkeypatch, "support", "show", str(case_id), "--format",
                            "json").output)  # fmt: skip
    assert shown["cost_paid_by_trusts"] == 250000
    # The PIP episode is active at the end of Q3: segment 5 in Q3 if still segment 4 before it.
    _run(db, monkeypatch, "nof", "score", "--quarter", "2025Q2", "--format", "csv")
    assert next(r for r in _stored(db) if r["provider_code"] == four)["segment"] == 4
    platform = bootstrap(Settings(database_url=db))
    try:
        from specialmeasures.regime.nof_service import score_quarter
        from specialmeasures.rules.nof_catalogue import Quarter

        episodes = platform.repository.episodes(four)
        assert any(e.regime is Regime.PIP and e.end is None for e in episodes)
        # Score Q2 again as if the placement had been in force then.
        run = score_quarter(platform.repository, Quarter(2025, 2))
    finally:
        platform.close()
    assert run.row(four).segment == 4  # placed on 20 October, after Q2 ended
    # A catastrophic governance failure qualifies without the segment; placed within Q2, a
    # trust whose Q2 segment is 4 is in segment 5 for Q2, as a recorded decision.
    other = sorted(str(r["provider_code"]) for r in rows if r["segment"] == 4)[1]
    _run(db, monkeypatch, "judgement", "add", other, "--fact", "catastrophic_governance_failure",
         "--value", "true", "--on", "2025-06-01", *WHO)  # fmt: skip
    _run(db, monkeypatch, "decide", other, "--regime", "pip", "--transition", "enter", "--on",
         "2025-06-15", *WHO)  # fmt: skip
    _run(db, monkeypatch, "nof", "score", "--quarter", "2025Q2", "--format", "csv")
    placed = next(r for r in _stored(db) if r["provider_code"] == other)
    assert placed["segment"] == 5
    assert placed["pip"] is True
    assert "nof.segment5.placed" in json.loads(str(placed["rules"]))
    text = _run(db, monkeypatch, "evaluate", other, "--policy", "nof-2025", "--as-of",
                "2025-10-21").output  # fmt: skip
    assert "nof.segment5.placed" in text


def test_rsp_system_case_entered_progressed_and_exited(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform = bootstrap(Settings(database_url=db))
    try:
        by_system: dict[str, list[str]] = {}
        for p in platform.repository.providers():
            by_system.setdefault(p.system, []).append(p.code)
    finally:
        platform.close()
    system, codes = next((s, sorted(c)[:3]) for s, c in sorted(by_system.items()) if len(c) >= 3)
    criteria = [a for c in codes for a in ("--criterion", f"{c}: well-led Good")]
    missing_director = _run(db, monkeypatch, "support", "open", "--regime", "rsp", "--name",
                            system, *[a for c in codes for a in ("--provider", c)], "--icb",
                            "ICB (synthetic)", *criteria, "--on", "2025-05-01", *WHO, code=2)  # fmt: skip
    assert "System Improvement Director" in missing_director.output
    opened = _run(db, monkeypatch, "support", "open", "--regime", "rsp", "--name", system,
                  *[a for c in codes for a in ("--provider", c)], "--icb", "ICB (synthetic)",
                  "--director", "Grace Hopper", *criteria, "--criterion",
                  "system: system recovery plan agreed", "--on", "2025-05-01", *WHO)  # fmt: skip
    case_id = int(opened.output.split()[2])
    view = json.loads(_run(db, monkeypatch, "support", "show", str(case_id), "--format",
                           "json").output)  # fmt: skip
    assert view["scope"] == "system"
    assert view["director"] == "Grace Hopper"
    assert [m["provider_code"] for m in view["members"]] == codes
    refused = _run(db, monkeypatch, "support", "exit", str(case_id), "--on", "2025-09-01", *WHO,
                   code=2)  # fmt: skip
    assert "exit refused" in refused.output
    no_evidence = _run(db, monkeypatch, "support", "criterion", str(view["criteria"][0]["id"]),
                       "--status", "met", "--on", "2025-08-01", *WHO, code=2)  # fmt: skip
    assert "evidence" in no_evidence.output
    for c in view["criteria"]:
        _run(db, monkeypatch, "support", "criterion", str(c["id"]), "--status", "met",
             "--evidence", "CQC report", "--on", "2025-08-01", *WHO)  # fmt: skip
    text = _run(db, monkeypatch, "evaluate", codes[0], "--policy", "rsp-2025", "--as-of",
                "2025-08-15").output  # fmt: skip
    assert "rsp.exit.agreed_criteria_met" in text
    early = _run(db, monkeypatch, "evaluate", codes[0], "--policy", "rsp-2025", "--as-of",
                 "2025-07-15").output  # fmt: skip
    assert "rsp.exit.criteria_open" in early
    _run(db, monkeypatch, "support", "exit", str(case_id), "--on", "2025-09-01", *WHO)
    closed = json.loads(_run(db, monkeypatch, "support", "show", str(case_id), "--format",
                             "json").output)  # fmt: skip
    assert closed["status"] == "exited"
    platform = bootstrap(Settings(database_url=db))
    try:
        for code in codes:
            rsp = [e for e in platform.repository.episodes(code) if e.regime is Regime.RSP]
            assert rsp[-1].start == date(2025, 5, 1)
            assert rsp[-1].end == date(2025, 9, 1)
        with platform.repository.engine.connect() as conn:
            actions = [e.action for e in audit.entries(conn, entity="support_case",
                                                       entity_key=str(case_id))]  # fmt: skip
            assert audit.verify(conn) == []
    finally:
        platform.close()
    assert actions[0] == "support_case.open"
    assert actions.count("support_case.criterion") == len(view["criteria"])
    assert actions[-1] == "support_case.exit"


def test_nof_pages_and_twins(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _run(db, monkeypatch, "nof", "score", "--quarter", "2025Q2", "--format", "csv")
    platform = bootstrap(Settings(database_url=db))
    try:
        app, _ = make_app(platform)
        client, _ = client_as(app, None)
        data = client.get("/nof.json?quarter=2025Q2").json()
        assert data["synthetic"] is True
        assert set(data["league_tables"]) == {"acute", "non_acute", "ambulance"}
        code = data["league_tables"]["acute"][0]["code"]
        page = client.get("/nof?quarter=2025Q2")
        assert page.status_code == 200
        assert 'id="nof-acute"' in page.text
        assert "Synthetic demonstration data" in page.text
        rows = list(csv.DictReader(io.StringIO(client.get("/nof.csv?type=ambulance").text)))
        assert {r["org_type"] for r in rows} == {"ambulance"}
        trust = client.get(f"/nof/{code}.json").json()
        assert trust["code"] == code
        assert trust["rank"] == 1
        html = client.get(f"/nof/{code}")
        assert 'id="move-up"' in html.text
        metric_rows = list(csv.DictReader(io.StringIO(client.get(f"/nof/{code}.csv").text)))
        assert {r["id"] for r in metric_rows} == {m["id"] for m in trust["metrics"]}
        assert client.get("/nof/ZZZ9.json").status_code == 404
        assert client.get("/nof.json?quarter=2019Q1").status_code == 404
    finally:
        platform.close()


def test_rsp_system_case_in_the_browser(db: str) -> None:
    from access_fixtures import add_role_accounts
    from specialmeasures.access import Role

    platform = bootstrap(Settings(database_url=db))
    try:
        systems: dict[str, list[str]] = {}
        for p in platform.repository.providers():
            systems.setdefault(p.system, []).append(p.code)
        codes = next(sorted(c)[:3] for _, c in sorted(systems.items(), reverse=True) if len(c) >= 3)
        app, book = make_app(platform)
        accounts = add_role_accounts(book)
        analyst, _ = client_as(app, accounts[Role.REGULATOR_ANALYST])
        assert analyst.get("/support").status_code == 200
        assert 'id="open"' not in analyst.get("/support").text  # reads, may not record
        client, csrf = client_as(app, accounts[Role.REGULATOR_DECISION_MAKER])
        form = {
            "csrf_token": csrf, "regime": "rsp", "name": "Browser system case",
            "providers": " ".join(codes), "icb": "ICB (synthetic)", "director": "Grace Hopper",
            "criteria": "\n".join(f"{c}: well-led Good" for c in codes), "on": "2025-04-02",
            "rationale": "serious, complex issues across the system",
        }  # fmt: skip
        bad = client.post("/support", data={**form, "criteria": "no colon here"})
        assert bad.status_code == 400
        assert "CODE: text" in bad.text
        opened = client.post("/support", data=form, follow_redirects=False)
        assert opened.status_code == 303
        where = opened.headers["location"]
        case = client.get(f"{where}.json").json()
        assert [m["provider_code"] for m in case["members"]] == codes
        refused = client.post(f"{where}/exit", data={"csrf_token": csrf, "on": "2025-06-01",
                                                      "rationale": "done"})  # fmt: skip
        assert refused.status_code == 400
        assert "Exit refused" in refused.text
        for c in case["criteria"]:
            done = client.post(f"{where}/criteria", data={
                "csrf_token": csrf, "criterion": str(c["id"]), "status": "met",
                "evidence": "CQC report", "on": "2025-05-01", "rationale": "seen the report",
            }, follow_redirects=False)  # fmt: skip
            assert done.status_code == 303
        assert "exit recommended" in client.get(where).text
        exited = client.post(f"{where}/exit", data={"csrf_token": csrf, "on": "2025-06-01",
                                                     "rationale": "criteria met"},
                             follow_redirects=False)  # fmt: skip
        assert exited.status_code == 303
        assert client.get(f"{where}.json").json()["status"] == "exited"
        with platform.repository.engine.connect() as conn:
            log = audit.entries(conn, entity="support_case", entity_key=where.rsplit("/", 1)[1])
        assert log[0].actor
        assert log[0].role == Role.REGULATOR_DECISION_MAKER.label
        assert [e.action for e in log][-1] == "support_case.exit"
    finally:
        platform.close()


def test_imported_values_are_scored_and_bad_files_change_nothing(
    db: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    before = _csv(_run(db, monkeypatch, "nof", "score", "--quarter", "2025Q1", "--type", "acute",
                       "--format", "csv", "--no-store"))  # fmt: skip
    top = next(r for r in before if r["segment"] in ("1", "2") and r["in_deficit"] == "False")
    bad = tmp_path / "bad.csv"
    bad.write_text("quarter,provider_code,metric_id,value,source\n"
                   f"2025Q1,{top['code']},deficit_support,1,NHS England letter\n"
                   f"2025Q1,{top['code']},no_such_metric,1,x\n")  # fmt: skip
    error = _run(db, monkeypatch, "nof", "import", str(bad), "--as", "alan", code=2).output
    assert "row 3" in error
    assert "metric_id" in error
    assert "no_such_metric" in error
    good = tmp_path / "good.csv"
    good.write_text("quarter,provider_code,metric_id,value,source\n"
                    f"2025Q1,{top['code']},deficit_support,1,NHS England letter\n")  # fmt: skip
    assert (
        "1 values imported"
        in _run(db, monkeypatch, "nof", "import", str(good), "--as", "alan").output
    )
    assert (
        "already imported"
        in _run(db, monkeypatch, "nof", "import", str(good), "--as", "alan").output
    )
    after = _csv(_run(db, monkeypatch, "nof", "score", "--quarter", "2025Q1", "--type", "acute",
                      "--format", "csv", "--no-store"))  # fmt: skip
    row = next(r for r in after if r["code"] == top["code"])
    assert (row["in_deficit"], row["capped"], row["segment"]) == ("True", "True", "3")
    assert row["delivery_segment"] == top["delivery_segment"]
