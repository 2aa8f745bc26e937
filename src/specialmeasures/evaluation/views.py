"""Trajectories, the purposive sample and the trajectory figure's data, read from the store.

Thin services over the pure classification and sampling: they load the histories, apply the
evaluation policy and return plain rows and documents for the CLI, the exports and the charts.
Everything here uses the CP list, which is confidential: callers must say so on every output.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from specialmeasures.domain import KeyQuestion, Regime
from specialmeasures.evaluation.history import TrustHistory, load_histories
from specialmeasures.evaluation.sampling import Candidate, SampleResult, draw_sample
from specialmeasures.evaluation.thresholds import (
    GROUPS,
    EvaluationThresholds,
    load_thresholds,
)
from specialmeasures.evaluation.trajectories import Trajectory, classify, group_label
from specialmeasures.store import Repository

__all__ = [
    "FIGURE_COLUMNS",
    "SAMPLE_COLUMNS",
    "TRAJECTORY_COLUMNS",
    "figure_rows",
    "sample_sites",
    "trajectory_figure",
    "trajectory_rows",
]

TRAJECTORY_COLUMNS = (
    "code",
    "name",
    "trust_type",
    "setting",
    "region",
    "primary_group",
    "primary_label",
    "groups",
    "smq_entries",
    "cp_entries",
    "longest_smq_days",
    "in_smq",
    "rating_at_entry",
    "best_later_rating",
    "reasons",
)
SAMPLE_COLUMNS = ("case", "depth", "group", "trust_type", "setting", "region", "code", "status",
                  "approached", "replaces")  # fmt: skip
FIGURE_COLUMNS = ("code", "name", "group", "series", "value", "value_label", "start", "end")


def _classified(
    repo: Repository, as_of: date, t: EvaluationThresholds, codes: Sequence[str] | None = None
) -> list[tuple[TrustHistory, Trajectory]]:
    return [(h, classify(h, as_of, t)) for h in load_histories(repo, codes)]


def trajectory_rows(
    repo: Repository, as_of: date, thresholds: EvaluationThresholds | None = None
) -> list[dict[str, Any]]:
    """One row per trust: its primary group, every matching group and the facts behind them."""
    t = thresholds or load_thresholds()
    rows = []
    for h, tr in _classified(repo, as_of, t):
        p = h.provider
        rows.append(
            {
                "name": p.name,
                "trust_type": p.type_label,
                "setting": p.setting.label,
                "region": p.region,
                **tr.row(),
            }
        )
    return rows


def sample_sites(
    repo: Repository,
    as_of: date,
    *,
    per_group: int | None = None,
    seed: int = 2019,
    declined: Collection[str] = (),
    thresholds: EvaluationThresholds | None = None,
) -> SampleResult:
    """The purposive sample of case-study sites from the trusts' primary groups on ``as_of``."""
    t = thresholds or load_thresholds()
    candidates = [
        Candidate(h.provider, tr.primary)
        for h, tr in _classified(repo, as_of, t)
        if tr.primary in GROUPS
    ]
    return draw_sample(
        candidates,
        per_group=per_group if per_group is not None else t.sample_per_group,
        seed=seed,
        spread=t.sample_spread,
        declined={c.upper() for c in declined},
    )


_FIGURE_QUESTIONS = (KeyQuestion.OVERALL, KeyQuestion.WELL_LED)


def trajectory_figure(
    repo: Repository,
    codes: Sequence[str],
    as_of: date,
    *,
    start: date = date(2013, 7, 1),
    thresholds: EvaluationThresholds | None = None,
) -> dict[str, Any]:
    """The data of the trajectory figure: for each trust, its overall and well-led ratings as
    steps (in force from publication until superseded or ``as_of``), its SMQ, CP and RSP
    episodes and its group. The chart draws exactly this; the JSON/CSV twin is this."""
    t = thresholds or load_thresholds()
    trusts = []
    for h, tr in _classified(repo, as_of, t, [c.upper() for c in codes]):
        steps: list[dict[str, Any]] = []
        for question in _FIGURE_QUESTIONS:
            rated = [
                (i.publication_date, r)
                for i in h.inspections
                if i.publication_date <= as_of and (r := i.rating(question)) is not None
            ]
            for n, (published, rating) in enumerate(rated):
                until = rated[n + 1][0] if n + 1 < len(rated) else as_of
                steps.append(
                    {
                        "series": question.value,
                        "value": int(rating),
                        "value_label": rating.label,
                        "start": published.isoformat(),
                        "end": until.isoformat(),
                    }
                )
        episodes = [
            {
                "series": e.regime.value,
                "value": None,
                "value_label": e.regime.label,
                "start": e.start.isoformat(),
                "end": (e.end if e.end is not None and e.end <= as_of else as_of).isoformat(),
            }
            for e in h.episodes
            if e.start <= as_of and e.regime in (Regime.SMQ, Regime.CP, Regime.RSP)
        ]
        trusts.append(
            {
                "code": h.code,
                "name": h.provider.name,
                "trust_type": h.provider.type_label,
                "group": tr.primary,
                "group_label": group_label(tr.primary),
                "groups": list(tr.groups),
                "ratings": steps,
                "episodes": episodes,
            }
        )
    order = {c.upper(): n for n, c in enumerate(codes)}
    trusts.sort(key=lambda x: order[str(x["code"])])
    return {
        "confidential": True,
        "title": "Performance trajectories: overall and well-led ratings, regime episodes shaded",
        "as_of": as_of.isoformat(),
        "start": start.isoformat(),
        "policy": t.policy_version,
        "trusts": trusts,
    }


def figure_rows(figure: dict[str, Any]) -> list[dict[str, Any]]:
    """The figure's data as long rows (the CSV twin)."""
    rows = []
    for trust in figure["trusts"]:
        for item in (*trust["ratings"], *trust["episodes"]):
            rows.append(
                {"code": trust["code"], "name": trust["name"], "group": trust["group_label"],
                 **item}
            )  # fmt: skip
    return rows
