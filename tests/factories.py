"""Small hand-made domain objects for tests (the demo generator makes the big ones)."""

from __future__ import annotations

from datetime import date

from specialmeasures.domain import (
    Category,
    EpisodeState,
    Frequency,
    IndicatorDefinition,
    IndicatorKind,
    Inspection,
    KeyQuestion,
    Polarity,
    Provider,
    ProviderType,
    Rating,
    Regime,
    RegimeEpisode,
    Setting,
)
from specialmeasures.store import Repository

I, RI, G, O = Rating.INADEQUATE, Rating.REQUIRES_IMPROVEMENT, Rating.GOOD, Rating.OUTSTANDING


def provider(code: str = "ZA1", **overrides: object) -> Provider:
    values: dict[str, object] = {
        "code": code,
        "name": f"Testshire Hospitals {code} (synthetic)",
        "type": ProviderType.ACUTE,
        "teaching": False,
        "setting": Setting.URBAN,
        "region": "Test Region",
        "system": "Test System",
        "beds": 600,
        "annual_income_gbp": 400e6,
        "staff_headcount": 6000,
        "latitude": 52.0,
        "longitude": -1.0,
        "synthetic": True,
    }
    values.update(overrides)
    return Provider(**values)  # type: ignore[arg-type]


def inspection(
    code: str, inspected: date, published: date, profile: tuple[Rating, ...]
) -> Inspection:
    """Profile: safe, effective, caring, responsive, well-led, overall."""
    questions = [*KeyQuestion.five(), KeyQuestion.OVERALL]
    return Inspection(
        provider_code=code,
        inspection_date=inspected,
        publication_date=published,
        ratings=dict(zip(questions, profile, strict=True)),
    )


def smq(code: str, start: date, end: date | None = None) -> RegimeEpisode:
    return RegimeEpisode(
        provider_code=code,
        regime=Regime.SMQ,
        start=start,
        end=end,
        state=EpisodeState.EXITED if end else EpisodeState.IN_REGIME,
    )


def cp(code: str, start: date, end: date | None = None) -> RegimeEpisode:
    return RegimeEpisode(
        provider_code=code,
        regime=Regime.CP,
        start=start,
        end=end,
        state=EpisodeState.EXITED if end else EpisodeState.IN_REGIME,
    )


def shmi() -> IndicatorDefinition:
    return IndicatorDefinition(
        id="shmi",
        name="Summary Hospital-level Mortality Indicator",
        unit="ratio",
        polarity=Polarity.LOWER_IS_BETTER,
        kind=IndicatorKind.RATIO_TO_EXPECTED,
        frequency=Frequency.MONTHLY,
        category=Category.QUALITY,
        domain=KeyQuestion.EFFECTIVE,
    )


def small_register() -> tuple[list[Provider], list[Inspection], list[RegimeEpisode]]:
    """Three synthetic trusts: one entering and leaving SMQ, one on the CP list, one never."""
    providers = [provider("ZA1"), provider("ZA2", type=ProviderType.MENTAL_HEALTH), provider("ZA3")]
    inspections = [
        inspection("ZA1", date(2014, 1, 10), date(2014, 3, 1), (I, RI, G, RI, I, I)),
        inspection("ZA1", date(2015, 2, 10), date(2015, 4, 1), (RI, G, G, RI, RI, RI)),
        inspection("ZA2", date(2015, 5, 1), date(2015, 7, 1), (G, G, O, G, G, G)),
    ]
    episodes = [
        smq("ZA1", date(2014, 3, 15), date(2015, 6, 1)),
        cp("ZA3", date(2016, 1, 1)),
    ]
    return providers, inspections, episodes


#: What a loaded test database says of itself.
SYNTHETIC_META = {"synthetic": "true", "label": "Synthetic test data"}


def load_small_register(repo: Repository, *, meta: dict[str, str] | None = None) -> None:
    """Write ``small_register()`` (and, if given, dataset metadata) in one transaction."""
    providers, inspections, episodes = small_register()
    with repo.transaction() as conn:
        repo.add_providers(conn, providers)
        repo.add_inspections(conn, inspections)
        for e in episodes:
            repo.add_episode(conn, e)
        if meta:
            repo.set_meta(conn, meta)


#: Accounts the command-line tests act as (``--as``): username -> (role, display name).
CLI_ACCOUNTS = {
    "dana": ("regulator_decision_maker", "Dana Chair"),
    "ada": ("regulator_decision_maker", "Ada"),
    "eve": ("regulator_decision_maker", "Eve"),
    "alan": ("regulator_analyst", "Alan Analyst"),
}


def add_cli_accounts(repo: Repository, *, trust: str | None = None) -> None:
    """The accounts of ``CLI_ACCOUNTS``, plus ``tara``, a trust user of ``trust`` if given."""
    from specialmeasures.access import Accounts

    book = Accounts(repo)
    for username, (role, name) in CLI_ACCOUNTS.items():
        book.add(username, role, password=None, display_name=name, actor="test")
    if trust is not None:
        book.add("tara", "trust_user", password=None, display_name="Tara Trust",
                 providers=[trust], actor="test")  # fmt: skip
