"""The provider's single assessment framework page and its JSON twin: public, as CQC publishes
the results; key question ratings with the overall first among them, statement scores behind
them, nothing published after ``as_of``, and a page for a provider with none."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from access_fixtures import add_role_accounts, client_as, make_app
from factories import load_small_register
from specialmeasures.bootstrap import bootstrap
from specialmeasures.domain.saf import QUALITY_STATEMENTS, TRUST_WELL_LED
from specialmeasures.ingest.saf_assessments import COLUMNS, import_saf
from specialmeasures.settings import Settings


def _rows(ref: str, level: str, kq: str, scores: dict[str, int], published: str) -> list[dict[str, object]]:  # fmt: skip
    return [
        {
            "assessment_ref": ref,
            "provider_code": "ZA1",
            "level": level,
            "assessed_on": "2025-04-10",
            "published_on": published,
            "key_question": kq,
            "quality_statement": qs,
            "evidence_category": cat,
            "score": s,
        }
        for qs, s in scores.items()
        for cat in ("staff_feedback", "processes")
    ]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("saf")
    platform = bootstrap(Settings(database_url=f"sqlite:///{folder / 'saf.db'}"), upgrade=True)
    load_small_register(platform.repository)
    rows = _rows("SAF-1", "service", "safe", dict.fromkeys(QUALITY_STATEMENTS["safe"], 3),
                 "2025-05-20")  # fmt: skip
    rows += _rows("SAF-2", "trust_well_led", "well_led", dict.fromkeys(TRUST_WELL_LED, 2),
                  "2025-08-01")  # fmt: skip
    path = folder / "saf.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    from datetime import datetime

    import_saf(platform.repository, Path(path), actor="test", at=datetime(2025, 9, 1, 9))
    made, book = make_app(platform)
    add_role_accounts(book)
    yield made
    platform.close()


def test_saf_page_and_twin_are_public(app) -> None:  # type: ignore[no-untyped-def]
    client, _ = client_as(app, None)
    data = client.get("/providers/ZA1/saf.json", params={"as_of": "2025-12-01"}).json()
    assert [a["ref"] for a in data["assessments"]] == ["SAF-2", "SAF-1"]  # newest first
    service = data["assessments"][1]
    assert [k["key_question"] for k in service["key_questions"]] == ["safe"]
    safe = next(k for k in service["key_questions"] if k["key_question"] == "safe")
    assert safe["percentage"] == 75
    assert safe["rating"] == "Good"
    assert "import_id" not in str(data)
    page = client.get("/providers/ZA1/saf", params={"as_of": "2025-12-01"})
    assert page.status_code == 200
    html = page.text
    assert "Trust-level well-led" in html
    assert "75%" in html
    assert "Quality statement scores" in html
    assert "Feedback from staff and leaders: 3" in html
    assert 'href="/providers/ZA1/saf' in client.get("/providers/ZA1").text


def test_saf_follows_as_of_and_unknown_provider(app) -> None:  # type: ignore[no-untyped-def]
    client, _ = client_as(app, None)
    before = client.get("/providers/ZA1/saf.json", params={"as_of": "2025-06-01"}).json()
    assert [a["ref"] for a in before["assessments"]] == ["SAF-1"]
    none = client.get("/providers/ZA2/saf", params={"as_of": "2025-12-01"})
    assert none.status_code == 200
    assert 'id="saf-none"' in none.text
    assert client.get("/providers/NOPE/saf.json").status_code == 404
