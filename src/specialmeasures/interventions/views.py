"""Read models of the interventions for the web pages and their JSON and CSV twins.

Plain documents (dicts of lists of rows) built from the services; the web layer renders them and
decides who may see them. Nothing here checks roles: callers pass the provider scope a person's
permission reaches (``scope``; ``None`` for every provider) and the view keeps to it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select

from specialmeasures.domain.as_known import assignment_as_known, known_end
from specialmeasures.domain.directors import add_months, caseload
from specialmeasures.domain.oversight import ActionStatus, Body, DriverDomain
from specialmeasures.interventions import buddies, directors, funding, leadership, plans, returns
from specialmeasures.interventions.matrix import ROWS, intervention_matrix
from specialmeasures.store import Repository
from specialmeasures.store.tables import monthly_returns, plan_updates, return_values

__all__ = [
    "CASELOAD_COLUMNS",
    "FLAG_COLUMNS",
    "caseload_view",
    "matrix_view",
    "provider_interventions",
    "regime_status",
    "returns_view",
]

CASELOAD_COLUMNS = ("month", "director", "trusts", "count", "capacity", "hours_per_week")
FLAG_COLUMNS = ("kind", "provider_code", "director", "rule", "detail")
FLAG_LABELS = {
    "long_in_post": "Improvement Director in one trust for 8 months or more",
    "withdrawn_before_reinspection": "Improvement Director withdrawn before re-inspection",
    "smq_without_director": "Trust in special measures without an Improvement Director",
    "over_capacity": "Improvement Director over capacity",
}


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def regime_status(
    repo: Repository, code: str, as_of: date, *, include_confidential: bool
) -> list[str]:
    """The regimes a trust is in on ``as_of``; the confidential CP list only when asked for."""
    active = repo.active_episodes(as_of, [code]).get(code, [])
    return [e.regime.label for e in active if include_confidential or not e.regime.confidential]


def provider_interventions(repo: Repository, code: str, as_of: date) -> dict[str, Any]:
    """Everything delivered to one trust, as of ``as_of``: Improvement Director assignments
    with their phases, buddying, funding (applied, approved, spent), leadership posts and the
    triumvirate's stability, the improvement plan by driver domain with six months' progress,
    the OAG's members and the one-return burden figure."""
    provider = repo.provider(code)
    roster = {d.id: d for d in directors.directors(repo)}
    assignments = [
        {
            "director": roster[a.director_id].name if a.director_id in roster else None,
            "background": (
                roster[a.director_id].background.value if a.director_id in roster else None
            ),
            "start": _day(a.start),
            "intensive_until": _day(a.intensive_end),
            "planned_end": _day(a.planned_end),
            "end": _day(a.end),
            "phase": a.phase_on(as_of) or "ended",
            "hours_per_week": a.hours_on(as_of) if a.active_on(as_of) else 0.0,
        }
        for a in (assignment_as_known(x, as_of) for x in directors.assignments(repo))
        if a.provider_code == code and a.start <= as_of
    ]
    buddying = [
        {
            "buddy_code": b.buddy_code,
            "buddy_name": repo.provider(b.buddy_code).name,
            "scope": b.scope.value,
            "arranged_by": b.arranged_by.value,
            "paid": b.paid,
            "mou_date": _day(b.mou_date),
            "start": _day(b.start),
            "review_date": _day(b.review_date),
            "end": _day(known_end(b.end, as_of)),
        }
        for b in buddies.arrangements(repo)
        if b.provider_code == code and b.start <= as_of
    ]
    applications = []
    # As known on as_of: approval and spend only if they had happened by then.
    for v in funding.applications(repo, code, as_of=as_of):
        app = v.application
        if app.applied_on > as_of:
            continue
        approved = app.approved_on is not None and app.approved_on <= as_of
        applications.append(
            {
                "id": app.id,
                "stage": app.stage.value,
                "regime_stage": app.stage.label,
                "applied_on": _day(app.applied_on),
                "amount": app.amount,
                "status": app.status if approved or app.status != "approved" else "applied",
                "approved_amount": app.approved_amount if approved else None,
                "approved_on": _day(app.approved_on) if approved else None,
                "approved_by": app.approved_by if approved else None,
                "spent": v.spent,
                "remaining": ((app.approved_amount or 0) if approved else 0) - v.spent,
                "aims": [{"aim": a.aim, "amount": a.amount} for a in app.aims],
            }
        )
    posts, stable = leadership.leadership_summary(repo, code, as_of)
    actions = [a for a in plans.plan_of(repo, code) if (a.created_on or as_of) <= as_of]
    status_on = _plan_status_on(repo, [a.id for a in actions if a.id is not None], as_of)
    recorded = plans.recorders(repo, code)
    by_domain = []
    for domain in DriverDomain:
        mine = [a for a in actions if domain in a.domains]
        by_domain.append(
            {
                "domain": domain.value,
                "label": domain.label,
                "actions": len(mine),
                "complete": sum(
                    1 for a in mine if status_on.get(a.id or 0) is ActionStatus.COMPLETE
                ),
            }
        )
    burden = returns.burden_report(repo, code)
    members = returns.members(repo, code)
    return {
        "code": code,
        "name": provider.name,
        "as_of": as_of.isoformat(),
        "director_assignments": assignments,
        "buddying": buddying,
        "funding": {
            "applications": applications,
            "applied": sum(a["amount"] for a in applications),
            "approved": sum(a["approved_amount"] or 0 for a in applications),
            "spent": sum(a["spent"] for a in applications),
        },
        "leadership": {
            "posts": [
                {
                    "post": s.post.value,
                    "label": s.post.label,
                    "holder": s.holder,
                    "interim": s.interim,
                    "tenure_months": round(s.tenure_months, 1),
                    "vacancy_months": round(s.vacancy_months, 1),
                    "changes_24m": s.changes_24m,
                }
                for s in posts
            ],
            "stable": stable.stable,
            "reasons": list(stable.reasons),
        },
        "plan": {
            "actions": [
                {
                    "id": a.id,
                    "finding_kind": a.finding_kind.value,
                    "finding": a.finding,
                    "action": a.action,
                    "domains": sorted(d.value for d in a.domains),
                    "owner": a.owner,
                    "due": _day(a.due),
                    "status": status_on.get(a.id or 0, ActionStatus.NOT_STARTED).value,
                    "recorded_by": recorded.get(a.id or 0, (None, None))[0],
                    "recorded_role": recorded.get(a.id or 0, (None, None))[1],
                }
                for a in actions
            ],
            "by_domain": by_domain,
            "progress": plans.progress(repo, code, add_months(as_of, -5), as_of),
        },
        "oag": {
            "members": [{"body": b.value, "body_label": b.label, "name": n} for b, n in members],
            "burden": {
                "requested": burden.requested,
                "unique": burden.unique,
                "saving": burden.saving,
                "saving_percent": burden.saving_percent,
                "by_body": {b.value: n for b, n in burden.by_body.items()},
            },
        },
    }


def _plan_status_on(repo: Repository, ids: list[int], as_of: date) -> dict[int, ActionStatus]:
    """Each action's status on ``as_of``: its latest update dated on or before it (not started
    before any), as ``plan_progress`` counts them."""
    out = dict.fromkeys(ids, ActionStatus.NOT_STARTED)
    if not ids:
        return out
    latest: dict[int, date] = {}
    with repo.engine.connect() as conn:
        rows = conn.execute(
            select(plan_updates)
            .where(plan_updates.c.action_id.in_(ids), plan_updates.c.on_date <= as_of)
            .order_by(plan_updates.c.on_date, plan_updates.c.id)
        )
        for r in rows:
            if r.action_id not in latest or r.on_date >= latest[r.action_id]:
                latest[r.action_id] = r.on_date
                out[r.action_id] = ActionStatus(r.status)
    return out


def caseload_view(
    repo: Repository, first: date, last: date, as_of: date, scope: Collection[str] | None = None
) -> dict[str, Any]:
    """Improvement Directors x months, and the flags on ``as_of``; kept to ``scope`` when given
    (a Director sees the months and flags of their own trusts only)."""
    # As known on as_of; for a Director, their own trusts only: the other trusts a Director
    # covers (their codes, count and hours) would tell them who else is on the SMQ or CP list.
    covered = [assignment_as_known(a, as_of) for a in directors.assignments(repo)]
    flags = directors.flags(repo, as_of)
    if scope is not None:
        allowed = {c.upper() for c in scope}
        covered = [a for a in covered if a.provider_code.upper() in allowed]
        flags = [f for f in flags if f.provider_code in allowed]
    rows = caseload(directors.directors(repo), covered, first, last)
    return {
        "first": first.isoformat()[:7],
        "last": last.isoformat()[:7],
        "as_of": as_of.isoformat(),
        "scoped": scope is not None,
        "caseload": rows,
        "flags": [
            {
                "kind": f.kind,
                "label": FLAG_LABELS.get(f.kind, f.kind),
                "provider_code": f.provider_code,
                "director": f.director,
                "rule": f.rule,
                "detail": f.detail,
            }
            for f in flags
        ],
        "flag_counts": {k: sum(1 for f in flags if f.kind == k) for k in FLAG_LABELS},
    }


def matrix_view(
    repo: Repository,
    as_of: date,
    providers: Sequence[str] | None = None,
    scope: Collection[str] | None = None,
) -> dict[str, Any]:
    """The seed's Table 3 for ``providers`` (default: every trust with an SMQ or CP spell),
    kept to ``scope`` when given."""
    codes = [c.upper() for c in providers] if providers else None
    if scope is not None:
        allowed = {c.upper() for c in scope}
        codes = [c for c in (codes or sorted(allowed)) if c in allowed]
    if codes is not None and not codes:
        return {"as_of": as_of.isoformat(), "providers": [], "columns": ["intervention"],
                "rows": [{"intervention": label} for _, label in ROWS]}  # fmt: skip
    matrix = intervention_matrix(repo, as_of=as_of, providers=codes)
    return {
        "as_of": as_of.isoformat(),
        "providers": [{"code": c, "name": repo.provider(c).name} for c in matrix.providers],
        "columns": matrix.columns,
        "rows": matrix.rows(),
    }


def returns_view(repo: Repository, code: str, as_of: date | None = None) -> dict[str, Any]:
    """A trust's submitted monthly returns, newest first, each with every OAG body's report
    cut from it, and the items each body requests; only those submitted by ``as_of``."""
    repo.provider(code)
    requested = returns.requests(repo, code)
    with repo.engine.connect() as conn:
        heads = list(
            conn.execute(
                select(monthly_returns)
                .where(monthly_returns.c.provider_code == code)
                .order_by(monthly_returns.c.period.desc())
            )
        )
        values: dict[int, dict[str, str]] = {h.id: {} for h in heads}
        if heads:
            for r in conn.execute(
                select(return_values).where(return_values.c.return_id.in_(list(values)))
            ):
                values[r.return_id][r.item] = r.value
    if as_of is not None:
        # Known once submitted (a month's return may be sent ahead of the month's end).
        heads = [h for h in heads if h.submitted_at is None or h.submitted_at.date() <= as_of]
    submitted = []
    for h in heads:
        items = values[h.id]
        submitted.append(
            {
                "period": h.period.isoformat()[:7],
                "submitted_by": h.submitted_by,
                "submitted_at": h.submitted_at.isoformat() if h.submitted_at else None,
                "values": dict(sorted(items.items())),
                "reports": [
                    {
                        "body": body.value,
                        "body_label": body.label,
                        "rows": [
                            {"item": i, "value": items.get(i, "not supplied")}
                            for i in sorted(requested.get(body, ()))
                        ],
                    }
                    for body in Body
                    if body in requested
                ],
            }
        )
    burden = returns.burden_report(repo, code)
    return {
        "code": code,
        "requested": {b.value: sorted(items) for b, items in requested.items()},
        "items": sorted({i for items in requested.values() for i in items}),
        "burden": {
            "requested": burden.requested,
            "unique": burden.unique,
            "saving": burden.saving,
        },
        "returns": submitted,
    }
