"""Evaluation pages, their JSON twins and CSV downloads.

Everything here rests on the confidential CP list (trajectories, the sample, impact,
sustainability, balancing measures and costs: ``evaluation.read``, regulators and researchers) or
on qualitative evidence (``evidence.read``; scoped roles see their own or granted sites' evidence
only). A reader who may not identify sites (``site.identify`` denied: researchers) gets every
document, page and download with trust codes and names replaced by keyed pseudonyms
(``access.pseudonyms``), and names trusts in requests by those pseudonyms. Every response is
marked confidential and is not cached; the gate writes each read to the audit log.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from specialmeasures.access import Action, can
from specialmeasures.access.classification import public_dataset_meta
from specialmeasures.access.pseudonyms import Pseudonyms, site_pseudonyms
from specialmeasures.domain import InputError
from specialmeasures.evaluation.balancing import BALANCING_COLUMNS
from specialmeasures.evaluation.costs import display_value
from specialmeasures.evaluation.documents import (
    ES_COLUMNS,
    IMPACT_DESIGNS,
    ImpactCache,
    balancing_document,
    costs_document,
    evidence_document,
    sample_document,
    sustainability_document,
)
from specialmeasures.evaluation.events import EVENTS, event_label
from specialmeasures.evaluation.sustainability import (
    CURVE_COLUMNS,
    EXIT_COLUMNS,
    KM_BY,
    KM_COLUMNS,
    km_figure,
    km_rows,
)
from specialmeasures.evaluation.thresholds import GROUP_LABELS, GROUPS
from specialmeasures.evaluation.trajectories import group_label
from specialmeasures.evaluation.views import TRAJECTORY_COLUMNS, trajectory_figure, trajectory_rows
from specialmeasures.reports.evaluation_svg import event_study_svg, km_svg, trajectory_svg
from specialmeasures.store.versioned import VersionedCache
from specialmeasures.web.downloads import csv_response
from specialmeasures.web.gate import Gate, permission
from specialmeasures.web.paging import page_of
from specialmeasures.web.query import BLANK_IS_ABSENT, AsOf, blank_is
from specialmeasures.web.rendering import Renderer

__all__ = ["build_evaluation_router"]

Codes = Annotated[
    str | None, Query(max_length=2000, description="Comma-separated codes."), BLANK_IS_ABSENT
]
Seed = Annotated[
    int, Query(ge=0, le=2**31 - 1, description="Seed of the sample's draw."), blank_is(2019)
]
PerGroup = Annotated[
    int | None, Query(ge=1, le=50, description="Sites per group."), BLANK_IS_ABSENT
]
Indicator = Annotated[
    str | None, Query(max_length=100, description="Indicator id."), BLANK_IS_ABSENT
]
Event = Annotated[
    str,
    Query(pattern=f"^({'|'.join(EVENTS)})$", description="SMQ entry or exit, or the start of "
          "an intervention (director, buddy, funding) among SMQ trusts."),
    blank_is("entry"),
]  # fmt: skip
Design = Annotated[
    str,
    Query(pattern="^(matched|did)$", description="matched or did (did2s)."),
    blank_is("matched"),
]
KmBy = Annotated[
    str,
    Query(pattern="^(all|group|trust-type)$", description="One survival curve per group, per "
          "trust type, or one for all exits."),
    blank_is("group"),
]  # fmt: skip
Months = Annotated[
    int | None,
    Query(ge=1, le=60, description="Months before and after entry (default 12)."),
    BLANK_IS_ABSENT,
]
CostBy = Annotated[
    str,
    Query(pattern="^(group|trust)$", description="One row per trajectory group or trust."),
    blank_is("group"),
]
Group = Annotated[
    str | None,
    Query(max_length=60, description="Only trusts whose primary trajectory group is this id "
          "(e.g. cp_only); the page, its JSON twin and the CSV filter alike."),
    BLANK_IS_ABSENT,
]  # fmt: skip
Page = Annotated[
    int | None,
    Query(alias="page", ge=1, le=10_000, description="Page of 20 trusts (the HTML page shows page 1 when not "
          "given; the JSON twin gives every trust unless a page is asked for)."),
    BLANK_IS_ABSENT,
]  # fmt: skip
NO_STORE = {"Cache-Control": "no-store"}
#: Trusts drawn in the trajectory figure when none are chosen: the first of each group.
DEFAULT_FIGURE_TRUSTS = 8


def _codes(text: str | None) -> list[str]:
    return [c.strip().upper() for c in (text or "").split(",") if c.strip()][:40]


def _cost_cell(column: str, value: Any) -> Any:
    """A cost-consequence cell as the page shows it: groups by their label, numbers as
    ``costs.display_value`` writes them (the JSON and CSV keep the exact values)."""
    if column == "group" and isinstance(value, str):
        return group_label(value)
    return display_value(column, value)


def _real_codes(text: str | None, names: Pseudonyms | None, field: str) -> str | None:
    """The trust codes a request names: for a reader who sees pseudonyms, the pseudonyms are
    translated back (anything else is refused, so a real code cannot be looked up)."""
    if names is None or not text:
        return text
    chosen = _codes(text)
    unknown = [c for c in chosen if names.real(c) is None]
    if unknown:
        raise InputError(
            f"{field}: unknown site {', '.join(unknown)} (use the SITE- codes these pages show)",
            value=text,
        )
    return ",".join(str(names.real(c)) for c in chosen)


def build_evaluation_router(
    renderer: Renderer,
    gate: Gate,
    today: Callable[[], date],
    balancing_cache: VersionedCache | None = None,
    impact_cache: ImpactCache | None = None,
) -> APIRouter:
    router = APIRouter()
    repo = renderer.platform.repository
    # Given by the app when it precomputes the estimates asked for lately.
    impact_cache = impact_cache or ImpactCache()
    # Given by the app when it precomputes the default balancing document.
    balancing_cache = balancing_cache or VersionedCache(size=8)

    def pseudonyms(request: Request) -> Pseudonyms | None:
        """The keyed pseudonyms of trusts for a reader who may not know the sites (a
        researcher, ``site.identify`` denied), None for everyone else."""
        if can(gate.user(request), Action.SITE_IDENTIFY).allowed:
            return None
        return site_pseudonyms(repo.engine)

    def masked(request: Request, data: dict[str, Any]) -> dict[str, Any]:
        names = pseudonyms(request)
        return data if names is None else dict(names.apply(data))

    def page(template: str, request: Request, **context: Any) -> HTMLResponse:
        html = renderer.render(template, request=request, query=str(request.url.query), **context)
        return HTMLResponse(html, headers=NO_STORE)

    # -- trajectories ------------------------------------------------------------------------
    def trajectory_group_rows(day: date, group: str | None) -> list[dict[str, Any]]:
        rows = trajectory_rows(repo, day)
        if not group:
            return rows
        if group not in GROUP_LABELS:
            raise InputError(
                f"group: must be one of {', '.join(GROUP_LABELS)}", column="group", value=group
            )
        return [r for r in rows if r["primary_group"] == group]

    def trajectories_data(
        request: Request,
        as_of: date | None,
        codes: str | None,
        group: str | None = None,
        page_number: int | None = None,
    ) -> dict[str, Any]:
        names = pseudonyms(request)
        codes = _real_codes(codes, names, "codes")
        day = as_of or today()
        every = trajectory_rows(repo, day)
        rows = trajectory_group_rows(day, group)
        chosen = _codes(codes)
        if not chosen and group is not None:
            chosen = [str(r["code"]) for r in rows[:DEFAULT_FIGURE_TRUSTS]]
        elif not chosen:
            firsts: dict[str, str] = {}
            for r in rows:
                if r["primary_group"] in GROUPS:
                    firsts.setdefault(str(r["primary_group"]), str(r["code"]))
            chosen = list(firsts.values())[:DEFAULT_FIGURE_TRUSTS]
        known = {r["code"] for r in every}
        unknown = [c for c in chosen if c not in known]
        if unknown:
            raise InputError(f"codes: unknown provider {', '.join(unknown)}", value=codes)
        shown, paging = (rows, None) if page_number is None else page_of(rows, page_number)
        data = {
            "confidential": True,
            "as_of": day.isoformat(),
            "count": len(every),
            "counts_by_group": dict(Counter(str(r["primary_label"]) for r in every)),
            "groups": [
                {"group": g, "label": label, "trusts": sum(r["primary_group"] == g for r in every)}
                for g, label in GROUP_LABELS.items()
            ],
            "group": group,
            "paging": paging,
            "trusts": shown,
            "figure": trajectory_figure(repo, chosen, day),
            "dataset": public_dataset_meta(repo.meta()),
        }
        return data if names is None else dict(names.apply(data))

    @router.get(
        "/evaluation/trajectories.json",
        tags=["evaluation"],
        summary="Trusts' trajectory groups and the trajectory figure's data (confidential)",
    )
    @permission(Action.EVALUATION_READ)
    def trajectories_json(
        request: Request,
        as_of: AsOf = None,
        codes: Codes = None,
        group: Group = None,
        page_number: Page = None,
    ) -> dict[str, Any]:
        return trajectories_data(request, as_of, codes, group, page_number)

    @router.get("/evaluation/trajectories.csv", include_in_schema=False)
    @permission(Action.EVALUATION_READ)
    def trajectories_csv(
        request: Request, as_of: AsOf = None, codes: Codes = None, group: Group = None
    ) -> Response:
        # The download is every trust of the chosen group, whatever page the reader is on.
        rows = masked(request, {"rows": trajectory_group_rows(as_of or today(), group)})["rows"]
        return csv_response(TRAJECTORY_COLUMNS, rows, "trajectories.csv", confidential=True)

    @router.get("/evaluation/trajectories", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.EVALUATION_READ)
    def trajectories_page(
        request: Request,
        as_of: AsOf = None,
        codes: Codes = None,
        group: Group = None,
        page_number: Page = None,
    ) -> HTMLResponse:
        data = trajectories_data(request, as_of, codes, group, page_number or 1)
        return page(
            "trajectories.html",
            request,
            data=data,
            chart=trajectory_svg(data["figure"]),
            codes_text=",".join(t["code"] for t in data["figure"]["trusts"]),
        )

    # -- the sample ---------------------------------------------------------------------------
    def sample_data(
        request: Request,
        as_of: date | None,
        seed: int,
        declined: str | None,
        per_group: int | None,
    ) -> dict[str, Any]:
        declined = _real_codes(declined, pseudonyms(request), "declines")
        data = sample_document(
            repo, as_of or today(), seed=seed, declined=_codes(declined), per_group=per_group
        )
        data["dataset"] = public_dataset_meta(repo.meta())
        return masked(request, data)

    @router.get(
        "/evaluation/sample.json",
        tags=["evaluation"],
        summary="The purposive sample of case-study sites, Table 1 (confidential)",
    )
    @permission(Action.EVALUATION_READ)
    def sample_json(
        request: Request,
        as_of: AsOf = None,
        seed: Seed = 2019,
        declines: Codes = None,
        per_group: PerGroup = None,
    ) -> dict[str, Any]:
        return sample_data(request, as_of, seed, declines, per_group)

    @router.get("/evaluation/sample", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.EVALUATION_READ)
    def sample_page(
        request: Request,
        as_of: AsOf = None,
        seed: Seed = 2019,
        declines: Codes = None,
        per_group: PerGroup = None,
    ) -> HTMLResponse:
        data = sample_data(request, as_of, seed, declines, per_group)
        return page("sample.html", request, data=data)

    # -- impact -------------------------------------------------------------------------------
    def impact_data(
        indicator: str | None, event: str, design: str, *, need: bool = False
    ) -> dict[str, Any]:
        indicators = [{"id": i.id, "name": i.name} for i in repo.indicators()]
        if not indicator and need:
            raise InputError("indicator: choose an indicator", column="indicator")
        result = (
            impact_cache.document(repo, indicator, event=event, design=design)
            if indicator
            else None
        )
        return {
            "confidential": True,
            "indicator": indicator,
            "event": event,
            "design": design,
            "indicators": indicators,
            "result": result,
            "dataset": public_dataset_meta(repo.meta()),
        }

    @router.get(
        "/evaluation/impact.json",
        tags=["evaluation"],
        summary="Event-study estimates of SMQ entry or exit on an indicator (confidential)",
    )
    @permission(Action.EVALUATION_READ)
    def impact_json(
        request: Request,
        indicator: Indicator = None,
        event: Event = "entry",
        design: Design = "matched",
    ) -> dict[str, Any]:
        return masked(request, impact_data(indicator, event, design))

    @router.get("/evaluation/impact.csv", include_in_schema=False)
    @permission(Action.EVALUATION_READ)
    def impact_csv(
        request: Request,
        indicator: Indicator = None,
        event: Event = "entry",
        design: Design = "matched",
    ) -> Response:
        data = masked(request, impact_data(indicator, event, design, need=True))
        return csv_response(
            ES_COLUMNS,
            data["result"]["event_study"],
            f"impact-{indicator}-{event}.csv",
            confidential=True,
        )

    @router.get("/evaluation/impact", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.EVALUATION_READ)
    def impact_page(
        request: Request,
        indicator: Indicator = None,
        event: Event = "entry",
        design: Design = "matched",
    ) -> HTMLResponse:
        data = masked(request, impact_data(indicator, event, design))
        names = {str(i["id"]): str(i["name"]) for i in data["indicators"]}
        # The figure's title names the indicator as people read it, not by its id.
        result = data["result"]
        shown = {**result, "indicator": names.get(str(indicator), indicator)} if result else None
        chart = event_study_svg(shown) if shown else ""
        return page(
            "impact.html",
            request,
            data=data,
            chart=chart,
            columns=ES_COLUMNS,
            events={e: event_label(e) for e in EVENTS},
            designs=IMPACT_DESIGNS,
        )

    # -- sustainability ------------------------------------------------------------------------
    def sustainability_data(as_of: date | None, by: str) -> dict[str, Any]:
        day = as_of or today()
        data = sustainability_document(repo, day)
        data["figure"] = km_figure(data["exits"], day, by)
        data["dataset"] = public_dataset_meta(repo.meta())
        return data

    @router.get(
        "/evaluation/sustainability.json",
        tags=["evaluation"],
        summary="Re-entry after SMQ exit and ratings held (confidential)",
    )
    @permission(Action.EVALUATION_READ)
    def sustainability_json(
        request: Request, as_of: AsOf = None, by: KmBy = "group"
    ) -> dict[str, Any]:
        return masked(request, sustainability_data(as_of, by))

    @router.get("/evaluation/sustainability", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.EVALUATION_READ)
    def sustainability_page(
        request: Request, as_of: AsOf = None, by: KmBy = "group"
    ) -> HTMLResponse:
        data = masked(request, sustainability_data(as_of, by))
        return page(
            "sustainability.html",
            request,
            data=data,
            chart=km_svg(data["figure"]),
            steps=km_rows(data["figure"]),
            km_by=list(KM_BY),
            exit_columns=EXIT_COLUMNS,
            curve_columns=CURVE_COLUMNS,
            km_columns=KM_COLUMNS,
        )

    # -- balancing measures (unintended consequences) -------------------------------------------
    def balancing_data(months: int | None) -> dict[str, Any]:
        # Seconds to compute (a panel per indicator): kept until the data change.
        data = balancing_cache.get(
            repo, ("balancing", months), lambda: balancing_document(repo, months)
        )
        return {**data, "dataset": public_dataset_meta(repo.meta())}

    @router.get(
        "/evaluation/balancing.json",
        tags=["evaluation"],
        summary="Workforce and culture indicators before and after SMQ entry (confidential)",
    )
    @permission(Action.EVALUATION_READ)
    def balancing_json(request: Request, months: Months = None) -> dict[str, Any]:
        return masked(request, balancing_data(months))

    @router.get("/evaluation/balancing.csv", include_in_schema=False)
    @permission(Action.EVALUATION_READ)
    def balancing_csv(request: Request, months: Months = None) -> Response:
        rows = masked(request, balancing_data(months))["rows"]
        return csv_response(BALANCING_COLUMNS, rows, "balancing.csv", confidential=True)

    @router.get("/evaluation/balancing", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.EVALUATION_READ)
    def balancing_page(request: Request, months: Months = None) -> HTMLResponse:
        return page(
            "balancing.html",
            request,
            data=masked(request, balancing_data(months)),
            columns=BALANCING_COLUMNS,
        )

    # -- costs (cost-consequence table) -------------------------------------------------------
    def costs_data(as_of: date | None, by: str) -> dict[str, Any]:
        data = costs_document(repo, as_of or today(), by)
        data["dataset"] = public_dataset_meta(repo.meta())
        return data

    @router.get(
        "/evaluation/costs.json",
        tags=["evaluation"],
        summary="The regime's direct costs beside finances and outcomes (confidential)",
    )
    @permission(Action.EVALUATION_READ)
    def costs_json(request: Request, as_of: AsOf = None, by: CostBy = "group") -> dict[str, Any]:
        return masked(request, costs_data(as_of, by))

    @router.get("/evaluation/costs.csv", include_in_schema=False)
    @permission(Action.EVALUATION_READ)
    def costs_csv(request: Request, as_of: AsOf = None, by: CostBy = "group") -> Response:
        data = masked(request, costs_data(as_of, by))
        return csv_response(data["columns"], data["rows"], "costs.csv", confidential=True)

    @router.get("/evaluation/costs", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.EVALUATION_READ)
    def costs_page(request: Request, as_of: AsOf = None, by: CostBy = "group") -> HTMLResponse:
        data = masked(request, costs_data(as_of, by))
        numeric = [
            c for c in data["columns"]
            if any(isinstance(r.get(c), int | float) and not isinstance(r.get(c), bool)
                   for r in data["rows"])
        ]  # fmt: skip
        shown = [{c: _cost_cell(c, r.get(c)) for c in data["columns"]} for r in data["rows"]]
        return page("costs.html", request, data=data, numeric=numeric, shown=shown)

    # -- qualitative evidence ------------------------------------------------------------------
    def evidence_data(request: Request) -> dict[str, Any]:
        # The gate has checked and audited the route; this only asks how far it reaches.
        decision = can(gate.user(request), Action.EVIDENCE_READ)
        data = evidence_document(repo, decision.scope)
        data["scoped"] = decision.scope is not None
        data["dataset"] = public_dataset_meta(repo.meta())
        if can(gate.user(request), Action.SITE_IDENTIFY).allowed:
            return data
        sites = [str(r["site"]) for r in data["rows"]]
        data = dict(site_pseudonyms(repo.engine, sites).apply(data))
        data["pseudonymised"] = True
        return data

    @router.get(
        "/evaluation/evidence.json",
        tags=["evaluation"],
        summary="The framework matrix of qualitative evidence (confidential)",
    )
    @permission(Action.EVIDENCE_READ)
    def evidence_json(request: Request) -> dict[str, Any]:
        return evidence_data(request)

    @router.get("/evaluation/evidence.csv", include_in_schema=False)
    @permission(Action.EVIDENCE_READ)
    def evidence_csv(request: Request) -> Response:
        data = evidence_data(request)
        return csv_response(data["columns"], data["rows"], "evidence-matrix.csv", confidential=True)

    @router.get("/evaluation/evidence", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.EVIDENCE_READ)
    def evidence_page(request: Request) -> HTMLResponse:
        return page("evidence.html", request, data=evidence_data(request))

    return router
