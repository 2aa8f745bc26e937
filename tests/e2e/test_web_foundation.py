"""The providers pages and their JSON twins, through the in-process HTTP client."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

from specialmeasures.bootstrap import Platform
from specialmeasures.web.app import create_app


@pytest.fixture
def client(small_db: tuple[str, Platform]) -> TestClient:
    _, platform = small_db
    return TestClient(create_app(platform, today=lambda: date(2016, 6, 1)))


def test_providers_page_lists_every_provider_with_a_synthetic_banner(client: TestClient) -> None:
    response = client.get("/providers")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    html = response.text
    assert "Synthetic data" in html
    for code in ("ZA1", "ZA2", "ZA3"):
        assert f'href="/providers/{code}' in html
    assert 'href="/providers.json' in html
    assert "/static/nhsuk/nhsuk-frontend.min.css" in html


def test_providers_json_twin_carries_the_same_rows(client: TestClient) -> None:
    data = client.get("/providers.json", params={"as_of": "2014-06-01"}).json()
    assert data["as_of"] == "2014-06-01"
    assert data["count"] == 3
    rows = {r["code"]: r for r in data["providers"]}
    assert rows["ZA1"]["overall_rating"] == "Inadequate"
    assert rows["ZA1"]["regime_status"] == "Special measures for quality"
    assert data["dataset"]["synthetic"] == "true"


def test_the_cp_list_never_reaches_the_web(client: TestClient) -> None:
    data = client.get("/providers.json", params={"regime": "cp"}).json()
    assert data["filters"]["regime"] is None
    assert all("cp" not in r["regimes"] for r in data["providers"])
    assert "Challenged provider" not in client.get("/providers").text
    assert client.get("/providers/ZA3.json").json()["episodes"] == []
    assert "Challenged provider" not in client.get("/providers/ZA3").text


def test_filters_by_type_and_rating(client: TestClient) -> None:
    data = client.get("/providers.json", params={"type": "mental_health"}).json()
    assert [r["code"] for r in data["providers"]] == ["ZA2"]
    data = client.get(
        "/providers.json", params={"rating": "Outstanding", "as_of": "2016-01-01"}
    ).json()
    assert [r["code"] for r in data["providers"]] == []
    html = client.get("/providers", params={"type": "mental_health"}).text
    assert "ZA2" in html
    assert 'href="/providers/ZA1' not in html


def test_provider_page_has_timeline_and_tables(client: TestClient) -> None:
    response = client.get("/providers/ZA1")
    assert response.status_code == 200
    html = response.text
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert 'role="img"' in html
    assert 'id="inspections"' in html
    assert "Special measures for quality" in html
    assert html.count("sm-rating--inadequate") >= 3


def test_provider_json_twin(client: TestClient) -> None:
    data = client.get("/providers/za1.json", params={"as_of": "2014-04-01"}).json()
    assert data["provider"]["code"] == "ZA1"
    assert data["ratings_in_force"]["well_led"]["rating"] == "Inadequate"
    assert data["regime_status"] == ["Special measures for quality"]
    assert len(data["inspections"]) == 1


def test_unknown_provider_is_404_in_both_shapes(client: TestClient) -> None:
    response = client.get("/providers/ZZZ.json")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"status": 404, "code": "not_found", "message": "unknown provider: 'ZZZ'"}
    }
    page = client.get("/providers/ZZZ")
    assert page.status_code == 404
    assert "Page not found" in page.text


def test_bad_as_of_is_422_with_one_error_shape(client: TestClient) -> None:
    response = client.get("/providers.json", params={"as_of": "yesterday"})
    assert response.status_code == 422
    body = response.json()
    assert body["error"]["code"] == "invalid"
    assert "as_of" in body["error"]["message"]


def test_static_assets_and_openapi_are_served(client: TestClient) -> None:
    assert client.get("/static/nhsuk/nhsuk-frontend.min.css").status_code == 200
    assert client.get("/assets/images/favicon.svg").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert "/providers.json" in paths
    assert "/providers/{code}.json" in paths


def test_home_is_the_national_overview(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 200
    assert "National overview" in response.text
    assert 'href="/providers' in response.text


def test_providers_json_is_paginated(client: TestClient) -> None:
    first = client.get("/providers.json", params={"per_page": 2}).json()
    assert first["count"] == 3
    assert [r["code"] for r in first["providers"]] == ["ZA1", "ZA2"]
    assert first["page"]["pages"] == 2
    assert first["page"]["next"] is not None
    second = client.get(first["page"]["next"]).json()
    assert [r["code"] for r in second["providers"]] == ["ZA3"]
    assert second["page"]["next"] is None
    assert client.get("/providers.json", params={"per_page": 0}).status_code == 422


def test_providers_csv_has_every_matching_row_and_no_confidential_status(
    client: TestClient,
) -> None:
    response = client.get("/providers.csv", params={"as_of": "2014-06-01"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.strip().splitlines()
    assert lines[0].startswith("code,name,type,")
    assert len(lines) == 4
    assert "Special measures for quality" in lines[1]
    later = client.get("/providers.csv", params={"as_of": "2016-06-01"}).text
    assert "Challenged provider" not in later
