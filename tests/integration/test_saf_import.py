"""Single assessment framework results imported on SQLite and PostgreSQL: the ratings the scores
imply come into force beside the old framework's, and the SMQ and RSP policies evaluate on them."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from factories import load_small_register
from specialmeasures.bootstrap import bootstrap
from specialmeasures.domain import InputError, KeyQuestion, Rating
from specialmeasures.domain.saf import QUALITY_STATEMENTS, TRUST_WELL_LED
from specialmeasures.ingest.saf_assessments import COLUMNS, import_saf, saf_view
from specialmeasures.regime.evaluation import evaluate_provider
from specialmeasures.rules import build_facts, evaluate, load_policy
from specialmeasures.settings import Settings
from specialmeasures.store.tables import inspections, saf_scores

AT = datetime(2025, 3, 1, 9, 0)


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _rows(ref: str, code: str, level: str, kq: str, scores: dict[str, int], on: str = "2025-04-10",
          published: str = "2025-05-20") -> list[dict[str, object]]:  # fmt: skip
    return [
        {
            "assessment_ref": ref,
            "provider_code": code,
            "level": level,
            "assessed_on": on,
            "published_on": published,
            "key_question": kq,
            "quality_statement": qs,
            "evidence_category": cat,
            "score": s,
        }
        for qs, s in scores.items()
        for cat in ("staff_feedback", "processes")
    ]


def test_saf_assessment_rates_and_policies_read_it(database_url: str, tmp_path: Path) -> None:
    platform = bootstrap(Settings(database_url=database_url), upgrade=True)
    try:
        repo = platform.repository
        load_small_register(repo)
        # ZA3 (never rated): a service assessment of safe, all statements 1 (Inadequate), and
        # the trust-level well-led assessment, seven statements 1 and one 2 (Inadequate, 28%).
        well_led = dict.fromkeys(TRUST_WELL_LED, 1) | {"governance": 2}
        rows = _rows(
            "SAF-1", "ZA3", "service", "safe", dict.fromkeys(QUALITY_STATEMENTS["safe"], 1)
        )
        rows += _rows("SAF-2", "ZA3", "trust_well_led", "well_led", well_led)
        result = import_saf(repo, _write(tmp_path / "saf.csv", rows), actor="tester", at=AT)
        assert (result.assessments, result.scores) == (2, 32)
        again = import_saf(repo, tmp_path / "saf.csv", actor="tester", at=AT)
        assert again.already_imported
        view = {v["ref"]: v for v in saf_view(repo, "ZA3")}
        wl = view["SAF-2"]["key_questions"][0]
        assert (wl["percentage"], wl["rating"], wl["position"]) == (28, "Inadequate", "lower")
        assert view["SAF-1"]["key_questions"][0]["rating"] == "Inadequate"

        in_force = repo.ratings_in_force(date(2025, 6, 1), ["ZA3"])["ZA3"]
        assert in_force[KeyQuestion.WELL_LED].rating is Rating.INADEQUATE
        assert in_force[KeyQuestion.SAFE].rating is Rating.INADEQUATE
        # The SMQ rule (two Inadequate including well-led) reads the SAF ratings; it was in force
        # until 2021, so it is asked as a what-if.
        history = repo.inspections("ZA3")
        facts = build_facts(as_of=date(2025, 6, 1), inspections=history)
        assert facts["count.inadequate"].value == 2
        smq = [r.outcome for r in evaluate(load_policy("smq-2013"), facts, date(2025, 6, 1),
                                           ignore_validity=True)]  # fmt: skip
        assert "judgement_needed" in smq or "recommend_entry" in smq
        rsp = evaluate_provider(repo, "ZA3", date(2025, 6, 1), policy_ids=["rsp-2025"])
        assert [r.rule_id for r in rsp.recommendations] == ["rsp.review.inadequate_well_led"]
        before = evaluate_provider(repo, "ZA3", date(2025, 5, 19), policy_ids=["rsp-2025"])
        assert before.recommendations == ()  # not published yet

        # A bad file names file, row, column and value, and changes nothing.
        with platform.repository.engine.connect() as conn:
            n_scores = conn.execute(select(func.count()).select_from(saf_scores)).scalar_one()
            n_inspections = conn.execute(select(func.count()).select_from(inspections)).scalar_one()
        bad = _rows("SAF-3", "ZA1", "service", "caring", {"kindness_dignity": 3, "individuals": 3})
        bad[3]["score"] = "5"
        with pytest.raises(InputError, match=r"bad\.csv.*row 5.*score.*'5'"):
            import_saf(repo, _write(tmp_path / "bad.csv", bad), actor="tester", at=AT)
        wrong = _rows("SAF-4", "ZA1", "trust_well_led", "safe", {"learning_culture": 3})
        with pytest.raises(InputError, match="eight well-led"):
            import_saf(repo, _write(tmp_path / "wrong.csv", wrong), actor="tester", at=AT)
        unknown = _rows("SAF-5", "ZZ9", "service", "caring", {"kindness_dignity": 3})
        with pytest.raises(InputError, match="unknown provider"):
            import_saf(repo, _write(tmp_path / "unknown.csv", unknown), actor="tester", at=AT)
        with platform.repository.engine.connect() as conn:
            assert (
                conn.execute(select(func.count()).select_from(saf_scores)).scalar_one() == n_scores
            )
            assert (
                conn.execute(select(func.count()).select_from(inspections)).scalar_one()
                == n_inspections
            )
    finally:
        platform.close()
