"""Static charts (SVG and PNG) of evaluation results, drawn with matplotlib.

Draws what it is given, computes nothing: the trajectory figure from
``evaluation.views.trajectory_figure`` and the event-study plot from an impact result's rows.
Every chart carries the word CONFIDENTIAL when its data says so, and has a JSON/CSV twin written
beside it by the caller. matplotlib is imported lazily, with the non-interactive Agg backend.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from specialmeasures.evaluation.events import event_label
from specialmeasures.reports.timeline import PALETTE, RATING_COLOURS, REGIME_COLOURS

__all__ = ["event_study_chart", "km_chart", "save_chart", "trajectory_chart"]

_RATING_TICKS = {1: "Inadequate", 2: "Requires\nimprovement", 3: "Good", 4: "Outstanding"}
_SERIES_STYLE = {"overall": ("#212b32", "-", "Overall"), "well_led": ("#005eb8", "--", "Well-led")}
#: Well-led is drawn a little below overall so that equal ratings stay visible as two lines.
_OFFSET = {"overall": 0.0, "well_led": -0.07}


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _day(text: str) -> date:
    return date.fromisoformat(text)


def trajectory_chart(figure: dict[str, Any]) -> Any:
    """A matplotlib Figure: one panel per trust, ratings as steps, regimes shaded."""
    plt = _pyplot()
    trusts = figure["trusts"]
    fig, axes = plt.subplots(
        max(1, len(trusts)), 1, figsize=(9, 2.1 * max(1, len(trusts)) + 0.8), squeeze=False
    )
    start, end = _day(figure["start"]), _day(figure["as_of"])
    for ax, trust in zip(axes[:, 0], trusts, strict=False):
        for episode in trust["episodes"]:
            ax.axvspan(
                _day(episode["start"]),
                _day(episode["end"]),
                color=REGIME_COLOURS.get(episode["series"], "#425563"),
                alpha=0.18,
                label=episode["value_label"],
            )
        for series, (colour, style, label) in _SERIES_STYLE.items():
            steps = [s for s in trust["ratings"] if s["series"] == series]
            xs, ys = [], []
            for s in steps:
                xs += [_day(s["start"]), _day(s["end"])]
                ys += [s["value"] + _OFFSET[series]] * 2
            if xs:
                ax.plot(xs, ys, color=colour, linestyle=style, linewidth=2, label=label)
                for s in steps:
                    ax.scatter(
                        [_day(s["start"])], [s["value"] + _OFFSET[series]], s=18, zorder=3,
                        color=RATING_COLOURS.get(s["value_label"], colour),
                    )  # fmt: skip
        ax.set_ylim(0.6, 4.4)
        ax.set_yticks(list(_RATING_TICKS), list(_RATING_TICKS.values()), fontsize=7)
        ax.set_xlim(start, end)
        ax.set_title(
            f"{trust['code']} {trust['name']} - {trust['group_label']}", fontsize=9, loc="left"
        )
        handles, labels = ax.get_legend_handles_labels()
        unique = dict(zip(labels, handles, strict=True))
        ax.legend(unique.values(), unique.keys(), fontsize=7, loc="upper left", ncol=5)
        ax.grid(axis="x", color="#d8dde0", linewidth=0.5)
    title = figure["title"] + (" (CONFIDENTIAL)" if figure.get("confidential") else "")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def event_study_chart(result: dict[str, Any]) -> Any:
    """A matplotlib Figure: estimates by month relative to entry with confidence intervals,
    the true effect (when the result carries it) as a line."""
    plt = _pyplot()
    rows = [r for r in result["event_study"] if r["estimate"] is not None]
    fig, ax = plt.subplots(figsize=(8, 4))
    ks = [r["k"] for r in rows]
    ax.axhline(0.0, color="#768692", linewidth=0.8)
    ax.axvline(-0.5, color="#768692", linewidth=0.8, linestyle=":")
    ax.errorbar(
        ks,
        [r["estimate"] for r in rows],
        yerr=[
            [r["estimate"] - r["ci_low"] for r in rows],
            [r["ci_high"] - r["estimate"] for r in rows],
        ],
        fmt="o",
        markersize=3,
        color="#005eb8",
        ecolor="#91b8e0",
        label=f"{result['estimator']} estimate ({int(result['level'] * 100)}% CI)",
    )
    truth = [(r["k"], r["truth"]) for r in result["event_study"] if r.get("truth") is not None]
    if truth:
        ax.plot([k for k, _ in truth], [v for _, v in truth], color="#d5281b", label="true effect")
    ax.set_xlabel(f"months relative to {event_label(result['event'])}")
    ax.set_ylabel(result.get("unit", "effect"))
    title = f"Effect of {event_label(result['event'])} on {result['indicator']}"
    if result.get("confidential"):
        title += " (CONFIDENTIAL)"
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def km_chart(figure: dict[str, Any]) -> Any:
    """A matplotlib Figure: one Kaplan-Meier step curve per stratum, censored exits ticked."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for n, curve in enumerate(figure["curves"]):
        colour = PALETTE[n % len(PALETTE)]
        xs = [s["months"] for s in curve["steps"]] + [figure["max_months"]]
        ys = [s["survival"] for s in curve["steps"]]
        ys.append(ys[-1])
        label = f"{curve['stratum']} (n={curve['n']}, re-entries {curve['re_entries']})"
        ax.step(xs, ys, where="post", color=colour, linewidth=2, label=label)
        ticks = curve["censored"]
        ax.scatter([c["months"] for c in ticks], [c["survival"] for c in ticks], marker="|",
                   s=60, color=colour)  # fmt: skip
    ax.set_ylim(0.0, 1.05)
    ax.set_xlim(0.0, max(1.0, figure["max_months"]))
    ax.set_xlabel("months since leaving special measures (| censored)")
    ax.set_ylabel("share not re-entered")
    title = figure["title"] + (" (CONFIDENTIAL)" if figure.get("confidential") else "")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="lower left")
    ax.grid(color="#d8dde0", linewidth=0.5)
    fig.tight_layout()
    return fig


def save_chart(fig: Any, path: str | Path) -> Path:
    """Save as SVG or PNG by the file's suffix (written to a temporary file, then renamed)."""
    plt = _pyplot()
    out = Path(path)
    kind = out.suffix.lower().lstrip(".")
    if kind not in ("svg", "png"):
        plt.close(fig)
        raise ValueError(f"{out.name}: the chart file must end in .svg or .png")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        fig.savefig(tmp, format=kind, dpi=120, metadata={"Date": None} if kind == "svg" else None)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
        plt.close(fig)
    return out
