"""The served app computes its slow read models in the background from start, and stops the
thread with the app; an app built without ``precompute`` (tests, embedding) starts nothing."""

from __future__ import annotations

import time
from datetime import date

from fastapi.testclient import TestClient

from specialmeasures.bootstrap import Platform
from specialmeasures.web.app import create_app


def test_precomputed_at_start_and_stopped_with_the_app(small_db: tuple[str, Platform]) -> None:
    _, platform = small_db
    app = create_app(platform, today=lambda: date(2019, 10, 1), precompute=True)
    refresher = app.state.refresher
    with TestClient(app) as client:
        deadline = time.monotonic() + 60
        while refresher.refreshed < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert refresher.refreshed == 1
        assert client.get("/backtest.json").status_code in (200, 401, 403)
        # the backtest was computed by the refresher: the route's cache already holds it
        assert any(key[2][0] == "backtest" for key in app.state.cache._values)
    assert refresher._thread is None


def test_not_precomputed_unless_asked(small_db: tuple[str, Platform]) -> None:
    _, platform = small_db
    app = create_app(platform, today=lambda: date(2019, 10, 1))
    assert not hasattr(app.state, "refresher")
