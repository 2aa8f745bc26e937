"""The "as of" rule is an invariant: no view built for a date holds an event dated after it.

Property: for random trusts that were ever in SMQ or on the CP list (12 distinct trusts per
example) and three random as-of dates for each, neither the CLI (``provider CODE --as-of DATE
--format json --include-confidential``) nor any of the provider's web JSON twins (fetched as a
regulator, who sees everything; and the collections' twins, the overview, providers, systems,
watch list, interventions matrix and caseload, for the first trust's dates) carries a date after
the as-of date, except in the fields that are expectations (a date planned or due), named in one
list, ``specialmeasures.domain.as_known.EXPECTATIONS``. Free text may repeat an expectation's date (the
timeline's sentences say when a re-inspection is due) or quote a date that is the policy's own
(a rule parameter such as the day the funding component began, read from the policy files): a
rule's constant is not an event. The ``dataset`` block describes the database, not the trust,
and is not checked.

The world is a small generated country (seed 7, 150 trusts, up to December 2016, with the demo's
interventions), so later exits, completed actions, approvals, spend and publications exist for
most dates drawn.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import specialmeasures.policy as policy_package
from access_fixtures import FAST_HASHER
from specialmeasures.access import Accounts, Role
from specialmeasures.bootstrap import bootstrap
from specialmeasures.cli.main import cli
from specialmeasures.demo.country import generate
from specialmeasures.domain import Regime
from specialmeasures.domain.as_known import EXPECTATIONS
from specialmeasures.interventions.demo_load import load_interventions
from specialmeasures.rules.policy import load_policy_file
from specialmeasures.settings import Settings
from specialmeasures.store.loader import load_country
from specialmeasures.web.app import create_app
from web_country import World, client_for

FIRST = date(2013, 7, 1)
LAST = date(2016, 11, 30)
END = date(2016, 12, 1)
AT = datetime(2016, 12, 1, 9, tzinfo=UTC)
#: The smallest country the generator makes (the decision page replays the entry policy for
#: each as-of date drawn).
N_PROVIDERS = 150
TWINS = (
    "/providers/{code}.json",
    "/providers/{code}/interventions.json",
    "/providers/{code}/decisions.json",
    "/providers/{code}/returns.json",
    "/providers/{code}/indicators.json",
)
#: Collections built for a date, checked for the first trust's three dates of each example.
COLLECTIONS = (
    "/overview.json",
    "/providers.json",
    "/systems.json",
    "/watchlist.json",
    "/interventions/matrix.json",
    "/interventions/caseload.json",
)
DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})(?:-(\d{2}))?(?!\d)")
#: Blocks that describe the database rather than the trust.
NOT_RECORDS = frozenset({"dataset"})


def policy_dates() -> frozenset[date]:
    """Dates that are the policies' own (a rule parameter such as the day the funding component
    began, a policy's validity): rules quote them, but they are not events of a trust."""
    found: set[date] = set()
    for path in sorted(Path(policy_package.__file__).parent.glob("*.yaml")):
        policy = load_policy_file(path)
        found.update(d for d in (policy.valid_from, policy.valid_to) if isinstance(d, date))
        for name in policy.parameters:
            found.update(dates_in(str(policy.parameter(name))))
    return frozenset(found)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("as-of")
    url = f"sqlite:///{folder / 'country.db'}"
    platform = bootstrap(Settings(database_url=url), upgrade=True)
    country = generate(7, n_providers=N_PROVIDERS, end=END)
    load_country(platform.repository, country, at=AT)
    load_interventions(platform.repository, country, at=AT)
    book = Accounts(platform.repository, hasher=FAST_HASHER)
    app = create_app(platform, today=lambda: END, now=lambda: AT, accounts=book)
    regulator = book.add(
        "regulator",
        Role.REGULATOR_ANALYST,
        password="correct horse battery staple",
        providers=[],
        actor="test",
    )
    try:
        yield World(platform, app, {Role.REGULATOR_ANALYST: regulator}, "", "")
    finally:
        platform.close()


def dates_in(text: str) -> list[date]:
    """Every ISO date (or month, as its first day) in a string."""
    found = []
    for year, month, day in DATE.findall(text):
        try:
            found.append(date(int(year), int(month), int(day or 1)))
        except ValueError:
            continue
    return found


def walk(value: Any, path: str = "") -> Iterator[tuple[str, str, str]]:
    """(path, the nearest key, string value) for every string in a JSON document."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in NOT_RECORDS:
                continue
            for found in walk(inner, f"{path}.{key}"):
                yield found if found[1] else (found[0], str(key), found[2])
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from walk(inner, f"{path}[{i}]")
    elif isinstance(value, str):
        yield path, "", value


def later_events(document: Any, as_of: date) -> list[str]:
    """Dates after ``as_of`` outside the named expectations (and not a repeat of one)."""
    keyed = list(walk(document))
    expected = {
        d for _, key, text in keyed if key.split(".")[-1] in EXPECTATIONS for d in dates_in(text)
    } | POLICY_DATES
    out = []
    for path, key, text in keyed:
        field = key.split(".")[-1]
        if field in EXPECTATIONS:
            continue
        for day in dates_in(text):
            if day > as_of and day not in expected:
                out.append(f"{path} = {text[:80]!r}")
    return out


POLICY_DATES = policy_dates()


def smq_or_cp_trusts(world: World) -> list[str]:
    repo = world.platform.repository
    codes = {e.provider_code for e in repo.episodes() if e.regime in (Regime.SMQ, Regime.CP)}
    return sorted(codes)


def cli_profile(world: World, code: str, day: date) -> Any:
    url = str(world.platform.settings.database_url)
    result = CliRunner().invoke(
        cli,
        ["provider", code, "--as-of", day.isoformat(), "--format", "json",
         "--include-confidential"],
        env={"SPECIALMEASURES_DATABASE_URL": url},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# Derandomised so that CI sees the same draws every run (a random draw found a month-granular
# backtest leak here once; run with derandomize=False locally to explore further).
@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_view_holds_an_event_after_its_as_of_date(world: World, data: st.DataObject) -> None:
    trusts = smq_or_cp_trusts(world)
    assert len(trusts) >= 12
    picked = data.draw(st.lists(st.sampled_from(trusts), min_size=12, max_size=12, unique=True))
    regulator = client_for(world, Role.REGULATOR_ANALYST)
    failures: list[str] = []
    for n, code in enumerate(picked):
        days = data.draw(st.lists(st.dates(FIRST, LAST), min_size=3, max_size=3, unique=True))
        for day in days:
            for path in COLLECTIONS if n == 0 else ():
                response = regulator.get(path, params={"as_of": day.isoformat()})
                assert response.status_code == 200, (path, response.text[:200])
                for found in later_events(response.json(), day):
                    failures.append(f"{path}?as_of={day}: {found}")
            for found in later_events(cli_profile(world, code, day), day):
                failures.append(f"CLI provider {code} --as-of {day}: {found}")
            for twin in TWINS:
                path = twin.format(code=code)
                response = regulator.get(path, params={"as_of": day.isoformat()})
                assert response.status_code == 200, (path, response.text[:200])
                for found in later_events(response.json(), day):
                    failures.append(f"{path}?as_of={day}: {found}")
    assert failures == [], "\n".join(failures[:40])


def test_the_check_finds_a_later_event() -> None:
    """The checker itself: a later exit is found; a later due date and a repeat are not."""
    document = {
        "episodes": [{"start": "2016-01-17", "end": "2018-02-03"}],
        "plan": {"actions": [{"due": "2017-03-01", "status": "in_progress"}]},
        "timeline": {"reinspection_due": "2017-01-17", "lines": ["Due 2017-01-17."]},
        "dataset": {"built": "2026-12-04"},
        "progress": [{"month": "2016-07"}],
    }
    assert later_events(document, date(2016, 6, 1)) == [
        ".episodes[0].end = '2018-02-03'",
        ".progress[0].month = '2016-07'",
    ]


def test_the_reported_reproduction(world: World) -> None:
    """An SMQ trust that left later shows its episode open, as the CLI and the page."""
    repo = world.platform.repository
    exited = next(
        e for e in repo.episodes(regime=Regime.SMQ) if e.end is not None and e.end > e.start
    )
    assert exited.end is not None
    day = exited.start
    profile = cli_profile(world, exited.provider_code, day)
    mine = [e for e in profile["episodes"] if e["start"] == exited.start.isoformat()]
    assert mine == [{**mine[0], "end": None, "state": "in_regime", "active": True}]
    regulator = client_for(world, Role.REGULATOR_ANALYST)
    page = regulator.get(f"/providers/{exited.provider_code}.json", params={"as_of": str(day)})
    assert [e["end"] for e in page.json()["episodes"] if e["start"] == str(day)] == [None]


def test_the_decision_form_offers_the_state_on_the_date(world: World) -> None:
    """The form's "(now: ...)" state is the state on the as-of date, not today's."""
    repo = world.platform.repository
    in_smq_at_end = {e.provider_code for e in repo.episodes(regime=Regime.SMQ) if e.active_on(END)}
    exited = next(
        e
        for e in repo.episodes(regime=Regime.SMQ)
        if e.end is not None and e.end < END and e.provider_code not in in_smq_at_end
    )
    regulator = client_for(world, Role.REGULATOR_ANALYST)
    path = f"/providers/{exited.provider_code}/decisions.json"

    def smq_state(day: date) -> str:
        choices = regulator.get(path, params={"as_of": day.isoformat()}).json()["choices"]
        return str(next(c["state"] for c in choices if c["regime"] == "smq"))

    assert smq_state(exited.start) == "in_regime"
    assert smq_state(END) != "in_regime"
