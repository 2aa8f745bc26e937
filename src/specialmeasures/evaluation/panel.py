"""The provider-by-month panel of one indicator, with each trust's event month.

Only the indicator needed is read (one query, or one slice of a generated country's columns),
as a pandas frame with columns ``unit`` (provider code), ``t`` (months since the panel's first
month), ``y`` (value), ``g`` (the unit's event month, -1 for never), ``rel`` (t - g, NaN for
never). With ``composite=True`` the panel also carries ``covariate``, the composite quality
score of the other monthly indicators (``evaluation.composite``; columns ``unit``, ``t``,
``score``), which the matched design matches on. Events: ``entry`` is the trust's *first* SMQ
entry; observations from a second entry on are dropped (absorbing-treatment estimators cannot
handle re-entry; re-entry is a separate question, see sustainability). ``exit`` is the first exit of a trust that exited; trusts still
in SMQ count as not yet exited, trusts never in SMQ are left out. The intervention events
(``director``, ``buddy``, ``funding``) are the start of a trust's first Improvement Director
assignment, buddying arrangement or approved funding, among trusts ever in SMQ: the comparators
are SMQ trusts without it (yet), so the estimate is the intervention's effect over and above
the regime's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import func, select

from specialmeasures.domain import (
    IndicatorDefinition,
    InputError,
    NotFoundError,
    Regime,
    RegimeEpisode,
)
from specialmeasures.evaluation.composite import composite_frame, composite_signs
from specialmeasures.evaluation.events import EVENTS, INTERVENTION_EVENTS
from specialmeasures.store import Repository
from specialmeasures.store.raw_rows import raw_rows
from specialmeasures.store.tables import (
    buddy_arrangements,
    director_assignments,
    funding_applications,
    observations,
)

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]

__all__ = [
    "EVENTS",
    "Panel",
    "build_panel",
    "intervention_starts",
    "panel_from_columns",
    "panel_from_store",
    "panels_from_store",
]


NEVER = -1


@dataclass(frozen=True, slots=True, eq=False)
class Panel:
    indicator: str
    event: str
    origin: date
    frame: pd.DataFrame
    covariate: pd.DataFrame | None = None

    @property
    def treated_units(self) -> int:
        return int(self.frame.loc[self.frame["g"] >= 0, "unit"].nunique())

    @property
    def units(self) -> int:
        return int(self.frame["unit"].nunique())


def _month(day: date, origin: date) -> int:
    return (day.year - origin.year) * 12 + day.month - origin.month


def _events(
    episodes: Sequence[RegimeEpisode],
    event: str,
    origin: date,
    starts: Mapping[str, date] | None = None,
) -> tuple[dict[str, int], dict[str, int]]:
    """(event month by unit, cut-off month by unit: its second SMQ entry). ``starts``: each
    trust's first start of the intervention, for an intervention event."""
    smq: dict[str, list[RegimeEpisode]] = {}
    for e in episodes:
        if e.regime is Regime.SMQ:
            smq.setdefault(e.provider_code, []).append(e)
    when: dict[str, int] = {}
    cut: dict[str, int] = {}
    for code, spells in smq.items():
        spells.sort(key=lambda e: e.start)
        if len(spells) > 1:
            cut[code] = _month(spells[1].start, origin)
        if event == "entry":
            when[code] = _month(spells[0].start, origin)
        elif event == "exit" and spells[0].end is not None:
            when[code] = _month(spells[0].end, origin)
    if event in INTERVENTION_EVENTS:
        when = {code: _month(day, origin) for code, day in (starts or {}).items() if code in smq}
    return when, cut


def build_panel(
    indicator: str,
    event: str,
    origin: date,
    codes: NDArray[np.object_],
    months: NDArray[np.int64],
    values: NDArray[np.float64],
    episodes: Sequence[RegimeEpisode],
    starts: Mapping[str, date] | None = None,
) -> Panel:
    """Assemble the panel from parallel arrays (one row per observation)."""
    import pandas as pd

    if event not in EVENTS:
        raise InputError(f"event: must be one of {', '.join(EVENTS)}", value=event)
    when, cut = _events(episodes, event, origin, starts)
    frame = pd.DataFrame({"unit": codes.astype(str), "t": months, "y": values})
    frame = frame[np.isfinite(frame["y"].to_numpy())]
    frame["g"] = frame["unit"].map(when).fillna(NEVER).astype(np.int64)
    if event != "entry":
        ever = {e.provider_code for e in episodes if e.regime is Regime.SMQ}
        frame = frame[frame["unit"].isin(ever)]
    limit = frame["unit"].map(cut)
    frame = frame[~(limit.notna() & (frame["t"] >= limit.fillna(0)))]
    frame["rel"] = np.where(frame["g"] >= 0, frame["t"] - frame["g"], np.nan)
    frame = frame.sort_values(["unit", "t"]).reset_index(drop=True)
    return Panel(indicator, event, origin, frame)


def panel_from_columns(
    indicator: str,
    event: str,
    provider_code: NDArray[np.object_],
    indicator_id: NDArray[np.str_],
    period: NDArray[np.datetime64],
    value: NDArray[np.float64],
    episodes: Sequence[RegimeEpisode],
    *,
    composite_of: Sequence[IndicatorDefinition] = (),
    starts: Mapping[str, date] | None = None,
) -> Panel:
    """The panel from column arrays (a generated country's ``observations``); with
    ``composite_of`` (the indicator definitions), the composite score from the same columns."""
    rows = np.flatnonzero(indicator_id == indicator)
    if rows.size == 0:
        raise NotFoundError("indicator", indicator)
    months = period[rows].astype("datetime64[M]").astype(np.int64)
    first = int(months.min())
    origin_m = np.datetime64(first, "M").astype("datetime64[D]").item()
    assert isinstance(origin_m, date)
    panel = build_panel(
        indicator, event, origin_m, provider_code[rows], months - first, value[rows], episodes,
        starts,
    )  # fmt: skip
    if not composite_of:
        return panel
    all_months = period.astype("datetime64[M]").astype(np.int64)
    covariate = composite_frame(
        provider_code, indicator_id, all_months - first, value,
        composite_signs(composite_of, indicator),
    )  # fmt: skip
    return replace(panel, covariate=covariate)


def panel_from_store(
    repo: Repository, indicator: str, event: str = "entry", *, composite: bool = False
) -> Panel:
    """The panel from the database: one query for the indicator's observations (with
    ``composite``, one more for the other monthly indicators' observations)."""
    definitions = repo.indicators() if composite else []
    wanted = [indicator, *composite_signs(definitions, indicator)]
    columns = _observation_columns(repo, wanted)
    if columns is None:
        raise NotFoundError("indicator", indicator)
    return panel_from_columns(
        indicator, event, *columns, repo.episodes(), composite_of=definitions,
        starts=intervention_starts(repo, event) if event in INTERVENTION_EVENTS else None,
    )  # fmt: skip


def panels_from_store(
    repo: Repository, indicators: Sequence[str], event: str = "entry"
) -> dict[str, Panel]:
    """:func:`panel_from_store` (without the composite) for several indicators, from one query
    and one read of the episodes; indicators with no observations are left out. Each panel is
    the one ``panel_from_store`` makes: the same rows, in the same order per indicator."""
    columns = _observation_columns(repo, list(indicators))
    if columns is None:
        return {}
    episodes = repo.episodes()
    starts = intervention_starts(repo, event) if event in INTERVENTION_EVENTS else None
    codes, ids, periods, values = columns
    out = {}
    for indicator in indicators:
        if not np.any(ids == indicator):
            continue
        out[indicator] = panel_from_columns(
            indicator, event, codes, ids, periods, values, episodes, starts=starts
        )
    return out


def _observation_columns(
    repo: Repository, wanted: Sequence[str]
) -> (
    tuple[NDArray[np.object_], NDArray[np.str_], NDArray[np.datetime64], NDArray[np.float64]] | None
):
    query = select(
        observations.c.provider_code,
        observations.c.indicator_id,
        observations.c.period,
        observations.c.value,
    ).where(observations.c.indicator_id.in_(wanted))
    # The driver's rows (store.raw_rows): dates as text on SQLite, converted below as a column.
    rows = raw_rows(repo.engine, query)
    if not rows:
        return None
    code_col, id_col, period_col, value_col = zip(*rows, strict=True)
    codes = np.array(code_col, dtype=object)
    ids = np.array(id_col, dtype=str)
    periods = np.array(period_col, dtype="datetime64[D]")
    values = np.array(value_col, dtype=np.float64)
    return codes, ids, periods, values


#: The column whose earliest value per trust starts each intervention event.
_INTERVENTION_DAY = {
    "director": director_assignments.c.start_date,
    "buddy": buddy_arrangements.c.start_date,
    "funding": funding_applications.c.approved_on,  # NULL until approved
}


def intervention_starts(repo: Repository, event: str) -> dict[str, date]:
    """Each trust's first start of the intervention ``event`` (one query)."""
    day = _INTERVENTION_DAY.get(event)
    if day is None:
        raise InputError(f"event: must be one of {', '.join(INTERVENTION_EVENTS)}", value=event)
    code = day.table.c.provider_code
    query = select(code, func.min(day)).group_by(code)
    with repo.engine.connect() as conn:
        return {str(c): first for c, first in conn.execute(query) if first is not None}
