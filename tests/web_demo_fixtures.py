"""A synthetic country (150 trusts, monthly indicators to June 2016) behind the web app, with
one account per role, for the regime and monitoring page tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi import FastAPI

from access_fixtures import add_role_accounts, make_app
from specialmeasures.access import Account, Role
from specialmeasures.bootstrap import Platform, bootstrap
from specialmeasures.demo import generate
from specialmeasures.domain import Regime
from specialmeasures.settings import Settings
from specialmeasures.store.loader import load_country

AS_OF = date(2016, 6, 1)


@dataclass(frozen=True)
class DemoWeb:
    app: FastAPI
    platform: Platform
    accounts: dict[Role, Account]
    in_smq: str  #: a trust in special measures on AS_OF
    in_cp: str  #: a trust on the confidential CP list on AS_OF


@pytest.fixture(scope="module")
def demo_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoWeb]:
    url = f"sqlite:///{tmp_path_factory.mktemp('webdemo') / 'demo.db'}"
    platform = bootstrap(Settings(database_url=url), upgrade=True)
    load_country(platform.repository, generate(7, n_providers=150, end=AS_OF))
    active = platform.repository.active_episodes(AS_OF)
    smq = sorted(c for c, eps in active.items() if any(e.regime is Regime.SMQ for e in eps))
    cp = sorted(c for c, eps in active.items() if any(e.regime is Regime.CP for e in eps))
    app, book = make_app(platform)  # today is access_fixtures.TODAY, 2016-06-01
    try:
        yield DemoWeb(app, platform, add_role_accounts(book), smq[0], cp[0])
    finally:
        platform.close()
