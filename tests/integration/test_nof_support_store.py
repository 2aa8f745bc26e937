"""NOF segments and support cases written and read back alike on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import insert

from factories import load_small_register
from specialmeasures.bootstrap import bootstrap
from specialmeasures.domain import InputError, Regime
from specialmeasures.regime.nof_service import nof_facts, score_quarter, store_run, stored_run
from specialmeasures.regime.support_cases import (
    Who,
    add_cost,
    case_view,
    exit_case,
    open_case,
    record_capability,
    update_criterion,
)
from specialmeasures.rules.nof_catalogue import Quarter
from specialmeasures.settings import Settings
from specialmeasures.store import audit
from specialmeasures.store.tables import nof_inputs

AT = datetime(2025, 10, 20, 12, 0)
WHO = Who("Ada Lovelace", "NHS England regional director", "test", AT)


def test_nof_run_round_trip_and_support_case(database_url: str) -> None:
    platform = bootstrap(Settings(database_url=database_url), upgrade=True)
    try:
        repo = platform.repository
        load_small_register(repo)
        q = Quarter(2025, 2)
        with repo.transaction() as conn:
            conn.execute(insert(nof_inputs), [
                {"quarter": q.code, "provider_code": code, "metric_id": metric, "value": value,
                 "source": "test input", "synthetic": True}
                for code, values in {"ZA1": (1.5, -0.5, 60.0), "ZA3": (0.5, 0.4, 70.0)}.items()
                for metric, value in zip(("rtt_52_weeks", "latest_surplus_deficit",
                                          "rtt_18_weeks"), values, strict=True)
            ])  # fmt: skip
        run = score_quarter(repo, q, ["acute"])
        assert {r.code for r in run.rows} == {"ZA1", "ZA3"}
        store_run(repo, run, actor="tester", role="segmentation run", at=AT)
        back = stored_run(repo, q)
        assert {r.code: r.segment for r in back.rows} == {r.code: r.segment for r in run.rows}
        za1 = back.row("ZA1")
        assert za1.in_deficit
        assert za1.synthetic
        assert [m.metric.id for m in za1.metrics if m.score > 0] == [
            "rtt_52_weeks", "rtt_18_weeks", "latest_surplus_deficit", "cqc_safe"]  # fmt: skip
        facts = {f.name: f.value for f in nof_facts(repo, "ZA1", date(2025, 10, 1))}
        assert facts["nof.segment"] == za1.segment
        assert nof_facts(repo, "ZA1", date(2025, 9, 29)) == []

        # A system case on both databases: open, progress, refuse, exit; costs; capability.
        case = open_case(repo, regime=Regime.RSP, name="Test system", members=["ZA1", "ZA3"],
                         criteria=[("ZA1", "plan delivered"), (None, "system plan")],
                         on=date(2025, 5, 1), who=WHO, icb="ICB", director="Grace Hopper")  # fmt: skip
        view = case_view(repo, case)
        assert [m["criteria"] for m in view["members"]] == [2, 1]
        add_cost(repo, case, provider="ZA1", amount=120_000, paid_by="nhs_england",
                 description="support team", on=date(2025, 6, 1), who=WHO)  # fmt: skip
        with pytest.raises(InputError, match="exit refused"):
            exit_case(repo, case, on=date(2025, 9, 1), who=WHO)
        system = next(c for c in view["criteria"] if c["provider_code"] == "whole system")
        update_criterion(repo, system["id"], status="met", evidence="signed", on=date(2025, 8, 1),
                         who=WHO)  # fmt: skip
        assert exit_case(repo, case, on=date(2025, 9, 1), who=WHO, provider="ZA3") == ["ZA3"]
        assert case_view(repo, case)["status"] == "open"
        ratings = {a: ("low" if a == "quality_of_care" else "high", "seen") for a in (
            "strategy_leadership_planning", "quality_of_care", "people_and_culture",
            "access_and_delivery", "productivity_value", "financial_performance")}  # fmt: skip
        assert (
            record_capability(repo, "ZA1", ratings=ratings, on=date(2025, 9, 2), who=WHO) == "low"
        )
        with repo.engine.connect() as conn:
            assert audit.verify(conn) == []
            actions = [e.action for e in audit.entries(conn, entity="support_case")]
        assert actions == ["support_case.open", "support_case.cost", "support_case.criterion",
                           "support_case.exit"]  # fmt: skip
    finally:
        platform.close()


def test_rsp_list_import_is_all_or_nothing(database_url: str, tmp_path: object) -> None:
    from pathlib import Path

    from specialmeasures.ingest.rsp_list import import_rsp_list
    from specialmeasures.regime.support_cases import list_cases

    folder = Path(str(tmp_path))
    platform = bootstrap(Settings(database_url=database_url), upgrade=True)
    try:
        repo = platform.repository
        load_small_register(repo)
        header = "case,icb,director,provider_code,entered_on,criterion\n"
        good = folder / "rsp.csv"
        good.write_text(header
                        + "North system,North ICB,Grace Hopper,ZA1,2025-05-01,well-led Good\n"
                        + "North system,North ICB,Grace Hopper,ZA2,2025-05-01,plan delivered\n"
                        + "North system,North ICB,Grace Hopper,,2025-05-01,system plan agreed\n"
                        + "Solo,,,ZA3,2025-06-01,financial plan met\n")  # fmt: skip
        bad = folder / "bad.csv"
        bad.write_text(good.read_text() + "Other,,,ZZ9,2025-06-01,x\n")
        with pytest.raises(InputError, match=r"bad\.csv.*row 6.*provider_code.*ZZ9"):
            import_rsp_list(repo, bad, who=WHO)
        assert list_cases(repo) == []
        result = import_rsp_list(repo, good, who=WHO)
        assert (result.cases, result.providers) == (2, 3)
        assert import_rsp_list(repo, good, who=WHO).already_imported
        cases = {c["name"]: c for c in list_cases(repo)}
        assert cases["North system"]["scope"] == "system"
        assert [m["criteria"] for m in cases["North system"]["members"]] == [2, 2]
        assert cases["Solo"]["scope"] == "organisation"
        assert any(e.regime is Regime.RSP for e in repo.episodes("ZA3"))
    finally:
        platform.close()
