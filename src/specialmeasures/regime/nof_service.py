"""NHS Oversight Framework 2025/26 on the store: gather a quarter's metric values, score them,
store the segments with their inputs and rule ids, and read them back for pages and facts.

Values come from three places, in this order of precedence: a value supplied for the quarter
(``nof_inputs``: imported, or the demo's synthetic values), the quarter's mean of the observation
indicator the catalogue names (times its scale; e.g. ``ae_four_hour`` wherever real or demo A&E
data is loaded), and, for ``cqc_safe``, the CQC safe rating in force at the quarter's end. A
provider "in deficit" reports a negative latest surplus or deficit or receives deficit support
(input ``deficit_support`` = 1). Segment 5 is never computed: a provider is in segment 5 when its
delivery segment after the cap is 4 and it was placed in the Provider Improvement Programme by a
recorded decision (an active ``pip`` episode at the quarter's end).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
from sqlalchemy import and_, delete, insert, select

from specialmeasures.domain import KeyQuestion, NotFoundError, Provider, Regime
from specialmeasures.rules import Fact, load_policy
from specialmeasures.rules.nof import (
    CQC_SAFE_RATING_SCORES,
    TRUST_TYPES,
    NofOptions,
    segment,
)
from specialmeasures.rules.nof_catalogue import (
    DOMAINS,
    ORG_TYPE_OF_PROVIDER,
    NofMetric,
    Quarter,
    load_catalogue,
    metrics_for,
)
from specialmeasures.rules.nof_league import (
    Move,
    domain_scores,
    moves_up,
    rank_ranges,
    segment_cuts,
)
from specialmeasures.store import Repository, audit
from specialmeasures.store.tables import (
    nof_inputs,
    nof_segments,
    observations,
    regime_episodes,
)

__all__ = [
    "NofRow",
    "NofRun",
    "demo_quarters",
    "load_demo_inputs",
    "nof_facts",
    "score_demo_quarters",
    "score_quarter",
    "store_run",
    "stored_quarters",
    "stored_run",
]

POLICY_ID = "nof-2025"
DEFICIT_SUPPORT = "deficit_support"


@dataclass(frozen=True, slots=True)
class MetricResult:
    metric: NofMetric
    value: float | None
    shown: str
    source: str
    score: float
    rank: int


@dataclass(slots=True)
class NofRow:
    """One provider's segmentation for one quarter."""

    code: str
    name: str
    org_type: str
    synthetic: bool
    metrics: list[MetricResult]
    raw: float | None
    delivery_segment: int
    segment: int
    in_deficit: bool
    capped: bool
    pip: bool
    rank: int
    rank_low: int
    rank_high: int
    domains: dict[str, float | None]
    move: Move
    rules: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def metrics_scored(self) -> int:
        return sum(1 for m in self.metrics if m.score > 0)

    def row(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "org_type": self.org_type,
            "metrics_scored": self.metrics_scored,
            "average_score": self.raw,
            "delivery_segment": self.delivery_segment,
            "in_deficit": self.in_deficit,
            "capped": self.capped,
            "pip": self.pip,
            "segment": self.segment,
            "rank": self.rank,
            "likely_rank": f"{self.rank_low}-{self.rank_high}" if self.rank else "",
            "rank_low": self.rank_low,
            "rank_high": self.rank_high,
            "synthetic": self.synthetic,
            **{f"domain_{d}": self.domains.get(d) for d in DOMAINS},
            "move_up": self.move.text,
            "rules": " ".join(self.rules),
        }

    def as_data(self) -> dict[str, Any]:
        return {
            **self.row(),
            "rules": list(self.rules),
            "notes": list(self.notes),
            "move_up": {
                "from": self.move.current,
                "to": self.move.target,
                "text": self.move.text,
                "target_average": self.move.target_average,
                "metrics": [
                    {"metric": k, "score_now": s, "score_needed": t}
                    for k, s, t in self.move.metrics
                ],
            },
            "domains": {d: self.domains.get(d) for d in DOMAINS},
            "metrics": [
                {
                    "id": m.metric.id,
                    "name": m.metric.name,
                    "domain": m.metric.domain,
                    "value": m.value,
                    "shown": m.shown,
                    "unit": m.metric.unit,
                    "source": m.source,
                    "score": m.score,
                    "rank": m.rank,
                }
                for m in self.metrics
            ],
        }


@dataclass(slots=True)
class NofRun:
    """Every provider's segmentation for one quarter (one or more organisation types)."""

    quarter: Quarter
    policy: str
    rows: list[NofRow]
    cuts: dict[str, tuple[float, float, float]]
    computed_at: datetime | None = None
    computed_by: str = ""

    @property
    def synthetic(self) -> bool:
        return any(r.synthetic for r in self.rows)

    def of_type(self, org_type: str) -> list[NofRow]:
        return sorted((r for r in self.rows if r.org_type == org_type), key=_league_key)

    def row(self, code: str) -> NofRow:
        for r in self.rows:
            if r.code == code:
                return r
        raise NotFoundError("NOF segment", f"{code} in {self.quarter.code}")

    def as_data(self) -> dict[str, Any]:
        return {
            "quarter": self.quarter.code,
            "quarter_label": self.quarter.label,
            "policy": self.policy,
            "synthetic": self.synthetic,
            "computed_at": self.computed_at.isoformat() if self.computed_at else None,
            "computed_by": self.computed_by,
            "cuts": {t: list(c) for t, c in self.cuts.items()},
            "league_tables": {
                t: [r.as_data() for r in self.of_type(t)] for t in TRUST_TYPES if self.of_type(t)
            },
        }


def _league_key(r: NofRow) -> tuple[int, int, str]:
    return (r.rank if r.rank > 0 else 10**6, r.segment, r.code)


def _policy_ref() -> tuple[str, NofOptions]:
    policy = load_policy(POLICY_ID)
    values = {n: p.value for n, p in policy.parameters.items()}
    return f"{policy.id}@{policy.version}", NofOptions.from_parameters(values)


def _gather(
    repo: Repository, quarter: Quarter, catalogue: Sequence[NofMetric], codes: Sequence[str]
) -> tuple[dict[tuple[str, str], tuple[float, str, bool]], dict[str, str]]:
    """Values by (code, metric): (value, source, synthetic); and the CQC safe rating text."""
    values: dict[tuple[str, str], tuple[float, str, bool]] = {}
    indicator_of = {m.indicator: m for m in catalogue if m.indicator}
    with repo.engine.connect() as conn:
        if indicator_of:
            sums: dict[tuple[str, str], list[float]] = defaultdict(list)
            query = select(
                observations.c.provider_code, observations.c.indicator_id, observations.c.value
            ).where(
                and_(
                    observations.c.indicator_id.in_(list(indicator_of)),
                    observations.c.period >= quarter.start,
                    observations.c.period <= quarter.end,
                )
            )
            for code, indicator, value in conn.execute(query):
                sums[(code, indicator)].append(float(value))
            for (code, indicator), vals in sums.items():
                metric = indicator_of[indicator]
                mean = float(np.mean(vals)) * metric.scale
                where = f"observations {indicator}, mean of {len(vals)} month(s) of {quarter.label}"
                values[(code, metric.id)] = (mean, where, False)
        for r in conn.execute(select(nof_inputs).where(nof_inputs.c.quarter == quarter.code)):
            values[(r.provider_code, r.metric_id)] = (float(r.value), r.source, bool(r.synthetic))
        pip_query = select(regime_episodes.c.provider_code).where(
            and_(
                regime_episodes.c.regime == Regime.PIP.value,
                regime_episodes.c.start_date <= quarter.end,
                (regime_episodes.c.end_date.is_(None)) | (regime_episodes.c.end_date > quarter.end),
            )
        )
        pip = {r.provider_code: "yes" for r in conn.execute(pip_query)}
    in_force = repo.ratings_in_force(quarter.end, list(codes))
    for code, found in in_force.items():
        safe = found.get(KeyQuestion.SAFE)
        if safe is not None:
            label = safe.rating.label
            values[(code, "cqc_safe")] = (
                CQC_SAFE_RATING_SCORES[label],
                f"CQC safe rating {label}, published {safe.published}",
                False,
            )
    return values, pip


def score_quarter(
    repo: Repository, quarter: Quarter, org_types: Sequence[str] | None = None
) -> NofRun:
    """Score every provider of the given types (default all) for ``quarter``; writes nothing."""
    policy_ref, options = _policy_ref()
    catalogue = load_catalogue()
    kinds = list(org_types or TRUST_TYPES)
    providers: list[Provider] = repo.providers()
    codes = [p.code for p in providers]
    values, pip_placed = _gather(repo, quarter, catalogue, codes)
    rows: list[NofRow] = []
    cuts: dict[str, tuple[float, float, float]] = {}
    for kind in kinds:
        members = [p for p in providers if ORG_TYPE_OF_PROVIDER[p.type.value] == kind]
        if not members:
            continue
        metrics = metrics_for(kind, catalogue)
        specs = [m.spec for m in metrics]
        matrix = np.full((len(members), len(metrics)), np.nan)
        for i, p in enumerate(members):
            for j, m in enumerate(metrics):
                found = values.get((p.code, m.id))
                if found is not None:
                    matrix[i, j] = found[0]
        deficit = np.array(
            [
                values.get((p.code, "latest_surplus_deficit"), (0.0, "", False))[0] < 0
                or values.get((p.code, DEFICIT_SUPPORT), (0.0, "", False))[0] >= 1
                for p in members
            ]
        )
        base = segment(matrix, specs, [kind] * len(members), deficit, options=options)
        placed = np.array([p.code in pip_placed for p in members]) & (base.segment == 4)
        result = segment(matrix, specs, [kind] * len(members), deficit, placed, options)
        weights = np.array([options.infection_weight if m.infection else 1.0 for m in metrics])
        low, high = rank_ranges(result.scores, weights, result.segment, result.rank)
        doms = domain_scores(result.scores, weights, [m.domain for m in metrics], options)
        scored_raw = result.raw[~np.isnan(result.raw)]
        cut = segment_cuts(scored_raw, options) if scored_raw.size else (np.nan,) * 3
        cuts[kind] = (float(cut[0]), float(cut[1]), float(cut[2]))
        names = {m.id: m.name for m in metrics}
        for i, p in enumerate(members):
            metric_results = []
            for j, m in enumerate(metrics):
                found = values.get((p.code, m.id))
                shown = ""
                if found is not None:
                    shown = (
                        found[1].split(",")[0].removeprefix("CQC safe rating ")
                        if m.id == "cqc_safe"
                        else f"{found[0]:.2f}"
                    )
                metric_results.append(
                    MetricResult(
                        m,
                        None if found is None else found[0],
                        shown,
                        "not available (excluded)" if found is None else found[1],
                        float(result.scores[i, j]),
                        int(result.metric_rank[i, j]),
                    )
                )
            raw = None if np.isnan(result.raw[i]) else float(result.raw[i])
            seg = int(result.segment[i])
            rules = ["nof.metric.score", "nof.delivery.raw", "nof.delivery.quartile"]
            if bool(result.capped[i]):
                rules.append("nof.finance.deficit_cap")
            if bool(placed[i]):
                rules.append("nof.segment5.placed")
            if seg:
                rules.append(f"nof.segment.{seg}")
            notes = []
            if p.code in pip_placed and not placed[i]:
                notes.append(
                    "In the Provider Improvement Programme, but its segment before placement is "
                    f"{int(base.segment[i])}, not 4: segment 5 is not applied."
                )
            synthetic = p.synthetic or any(
                values.get((p.code, m.id), (0.0, "", False))[2] for m in metrics
            )
            scores_i = {m.id: float(result.scores[i, j]) for j, m in enumerate(metrics)}
            weights_i = {m.id: float(weights[j]) for j, m in enumerate(metrics)}
            move = (
                moves_up(
                    scores_i,
                    weights_i,
                    segment=seg,
                    delivery_segment=int(result.delivery_segment[i]),
                    capped=bool(result.capped[i]),
                    cuts=cuts[kind],
                    names=names,
                )
                if seg
                else Move(0, None, "Not segmented: no metric was scored.")
            )
            rows.append(
                NofRow(
                    code=p.code,
                    name=p.name,
                    org_type=kind,
                    synthetic=synthetic,
                    metrics=metric_results,
                    raw=raw,
                    delivery_segment=int(result.delivery_segment[i]),
                    segment=seg,
                    in_deficit=bool(deficit[i]),
                    capped=bool(result.capped[i]),
                    pip=bool(placed[i]),
                    rank=int(result.rank[i]),
                    rank_low=int(low[i]),
                    rank_high=int(high[i]),
                    domains={d: (None if np.isnan(v[i]) else float(v[i])) for d, v in doms.items()},
                    move=move,
                    rules=rules,
                    notes=notes,
                )
            )
    return NofRun(quarter, policy_ref, rows, cuts)


def store_run(repo: Repository, run: NofRun, *, actor: str, role: str, at: datetime) -> int:
    """Replace the stored segments of the run's quarter and types; one audit row. Returns rows."""
    stamp = at.replace(microsecond=0, tzinfo=None)
    types = sorted({r.org_type for r in run.rows})
    codes = [r.code for r in run.rows]
    with repo.transaction() as conn:
        conn.execute(
            delete(nof_segments).where(
                and_(nof_segments.c.quarter == run.quarter.code, nof_segments.c.org_type.in_(types))
            )
        )
        for chunk in range(0, len(run.rows), 500):
            conn.execute(
                insert(nof_segments),
                [
                    {
                        "quarter": run.quarter.code,
                        "provider_code": r.code,
                        "org_type": r.org_type,
                        "metrics_scored": r.metrics_scored,
                        "raw_score": r.raw,
                        "delivery_segment": r.delivery_segment,
                        "segment": r.segment,
                        "in_deficit": r.in_deficit,
                        "capped": r.capped,
                        "pip": r.pip,
                        "rank": r.rank,
                        "rank_low": r.rank_low,
                        "rank_high": r.rank_high,
                        "inputs": json.dumps(r.as_data(), sort_keys=True, default=str),
                        "rules": json.dumps(r.rules),
                        "policy": run.policy,
                        "synthetic": r.synthetic,
                        "computed_at": stamp,
                        "computed_by": actor,
                    }
                    for r in run.rows[chunk : chunk + 500]
                ],
            )
        audit.append(
            conn,
            actor=actor,
            role=role,
            action="nof.score",
            entity="nof_quarter",
            entity_key=run.quarter.code,
            payload={
                "quarter": run.quarter.code,
                "policy": run.policy,
                "types": types,
                "providers": len(codes),
                "segments": {
                    str(s): sum(1 for r in run.rows if r.segment == s) for s in range(0, 6)
                },
            },
            at=stamp,
        )
    run.computed_at, run.computed_by = stamp, actor
    return len(run.rows)


def _row_from_json(data: dict[str, Any], catalogue: dict[str, NofMetric]) -> NofRow:
    move = data["move_up"]
    return NofRow(
        code=data["code"],
        name=data["name"],
        org_type=data["org_type"],
        synthetic=bool(data["synthetic"]),
        metrics=[
            MetricResult(
                catalogue[m["id"]], m["value"], m["shown"], m["source"], m["score"], m["rank"]
            )
            for m in data["metrics"]
            if m["id"] in catalogue
        ],
        raw=data["average_score"],
        delivery_segment=data["delivery_segment"],
        segment=data["segment"],
        in_deficit=data["in_deficit"],
        capped=data["capped"],
        pip=data["pip"],
        rank=data["rank"],
        rank_low=data["rank_low"],
        rank_high=data["rank_high"],
        domains=dict(data["domains"]),
        move=Move(
            move["from"],
            move["to"],
            move["text"],
            tuple((x["metric"], x["score_now"], x["score_needed"]) for x in move["metrics"]),
            move["target_average"],
        ),
        rules=list(data["rules"]),
        notes=list(data.get("notes", [])),
    )


def stored_quarters(repo: Repository) -> list[str]:
    """Quarters with stored segments, newest first."""
    with repo.engine.connect() as conn:
        rows = conn.execute(select(nof_segments.c.quarter).distinct())
        return sorted((r.quarter for r in rows), reverse=True)


def stored_run(repo: Repository, quarter: Quarter | None = None) -> NofRun:
    """The stored segments of ``quarter`` (default: the latest stored); NotFoundError if none."""
    if quarter is None:
        stored = stored_quarters(repo)
        if not stored:
            raise NotFoundError("NOF segments", "any quarter (run `specialmeasures nof score`)")
        quarter = Quarter.parse(stored[0])
    catalogue = {m.id: m for m in load_catalogue()}
    with repo.engine.connect() as conn:
        rows = list(
            conn.execute(select(nof_segments).where(nof_segments.c.quarter == quarter.code))
        )
    if not rows:
        raise NotFoundError("NOF segments", quarter.code)
    out = [_row_from_json(json.loads(r.inputs), catalogue) for r in rows]
    cuts: dict[str, tuple[float, float, float]] = {}
    for kind in TRUST_TYPES:
        raw = np.array([r.raw for r in out if r.org_type == kind and r.raw is not None], float)
        if raw.size:
            cuts[kind] = segment_cuts(raw)
    first = rows[0]
    return NofRun(quarter, first.policy, out, cuts, first.computed_at, first.computed_by)


def nof_facts(repo: Repository, code: str, as_of: date) -> list[Fact]:
    """The stored segment in force on ``as_of`` as facts (the latest quarter ended by then)."""
    with repo.engine.connect() as conn:
        rows = list(conn.execute(select(nof_segments).where(nof_segments.c.provider_code == code)))
    known = [r for r in rows if Quarter.parse(r.quarter).end <= as_of]
    if not known:
        return []
    r = max(known, key=lambda x: Quarter.parse(x.quarter).end)
    q = Quarter.parse(r.quarter)
    where = f"NOF 2025/26 segmentation of {q.label} ({r.policy}, computed {r.computed_at:%Y-%m-%d})"
    day = q.end
    return [
        Fact("nof.quarter", q.code, where, day),
        Fact("nof.delivery_segment", int(r.delivery_segment), where, day),
        Fact("nof.segment", int(r.segment), where, day),
        Fact("nof.in_deficit", bool(r.in_deficit), where, day),
        Fact(
            "nof.average_score", float(r.raw_score) if r.raw_score is not None else 0.0, where, day
        ),
        Fact("nof.rank", int(r.rank), where, day),
    ]


def demo_quarters(end: date) -> list[Quarter]:
    """The NOF 2025/26 quarters (from 2025Q1) whose months the demo's data cover up to ``end``."""
    out: list[Quarter] = []
    q = Quarter(2025, 1)
    while q.months[2] <= end and q.year == 2025:
        out.append(q)
        q = Quarter(q.year, q.number + 1) if q.number < 4 else Quarter(q.year + 1, 1)
    return out


def score_demo_quarters(repo: Repository, quarters: Sequence[Quarter], at: datetime) -> None:
    """Score and store the demo's quarters, so that its pages and evaluations have segments."""
    for q in quarters:
        store_run(repo, score_quarter(repo, q), actor="specialmeasures demo", role="demo build",
                  at=at)  # fmt: skip


def load_demo_inputs(repo: Repository, quarters: Sequence[Quarter], seed: int) -> int:
    """Write the demo's synthetic metric values for ``quarters`` (synthetic trusts only)."""
    from specialmeasures.demo.nof_metrics import SOURCE, nof_metric_values
    from specialmeasures.store.tables import truth_latent_quality

    providers = [p for p in repo.providers() if p.synthetic]
    written = 0
    with repo.transaction() as conn:
        for q in quarters:
            quality: dict[str, list[float]] = defaultdict(list)
            query = select(truth_latent_quality).where(
                and_(
                    truth_latent_quality.c.period >= q.start,
                    truth_latent_quality.c.period <= q.end,
                )
            )
            for r in conn.execute(query):
                quality[r.provider_code].append(float(r.quality))
            members = [p for p in providers if quality.get(p.code)]
            if not members:
                continue
            generated = nof_metric_values(
                [p.code for p in members],
                [ORG_TYPE_OF_PROVIDER[p.type.value] for p in members],
                [float(np.mean(quality[p.code])) for p in members],
                seed,
                q.year,
                q.number,
            )
            conn.execute(
                delete(nof_inputs).where(
                    and_(nof_inputs.c.quarter == q.code, nof_inputs.c.synthetic.is_(True))
                )
            )
            conn.execute(
                insert(nof_inputs),
                [
                    {
                        "quarter": q.code,
                        "provider_code": code,
                        "metric_id": metric,
                        "value": value,
                        "source": SOURCE,
                        "synthetic": True,
                    }
                    for code, metric, value in generated
                ],
            )
            written += len(generated)
    return written
