"""``specialmeasures validate-real``: the regime's statistics on a real-England database."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from specialmeasures.cli._context import open_platform

if TYPE_CHECKING:
    from specialmeasures.evaluation.real_england import RealEnglandReport

__all__ = ["COMMANDS", "text_lines", "validate_real"]


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def text_lines(r: RealEnglandReport) -> list[str]:
    """The report as plain text (counts only for the confidential watch list)."""
    lines = [f"A&E four-hour performance (ae_four_hour): {r.label}", ""]
    lines.append("1. SPC of every trust against the standard in force at the stretch's end")
    for label, counts in r.spc_counts.items():
        standard = next((row["standard"] for row in r.spc_rows if row["stretch"] == label), None)
        lines.append(
            f"   {label}: {counts['trusts']['n']} trusts; standard {_pct(standard)}; "
            f"assurance {counts['assurance']}; variation {counts['variation']}"
        )
    lines += ["", "2. Watch list at each stretch's end (CONFIDENTIAL: counts only)"]
    for label, bands in r.watchlist_bands.items():
        lines.append(f"   {label}: {bands}")
    lines += ["", "3. Early warning before real SMQ entries (flag = alert band), chance level = "
              "share of never-placed trusts flagged over the same months"]  # fmt: skip
    for e in r.entries:
        lines.append(
            f"   {e.entry:%Y-%m} {e.provider_code} {e.provider_name} ({e.precision}): {e.verdict}; "
            f"never-placed flagged in the 12 months before {_pct(e.never_placed_flagged_in_lookback)}"
            f", in the month before {_pct(e.never_placed_flagged_month_before)} "
            f"(of {e.never_placed_trusts})"
        )
    lines += ["", "4. Interrupted time series around entry (12 months before to 24 after, 95% CI)"]
    for e in r.entries:
        lines.append(f"   {e.entry:%Y-%m} {e.provider_code}: {e.its_verdict}")
    s = r.summary()
    lines += [
        "",
        f"Summary: {s['entries_assessed']} of {s['entries']} entries assessable; "
        f"{s['flagged_in_12_months_before']} flagged in the 12 months before entry (median first "
        f"flag {s['median_first_flag_months_before']} months before); never-placed trusts "
        f"flagged over the same months: {_pct(s['never_placed_flagged_in_12_months_before_mean'])}"
        f" on average. ITS of {s['its_assessed']}: mean level change relative to England "
        + (
            f"{s['its_level_change_mean'] * 100:+.1f} points"
            if s["its_level_change_mean"] is not None
            else "n/a"
        )
        + f"; interval above zero {s['its_interval_above_zero']}, below zero "
        f"{s['its_interval_below_zero']}.",
        "",
        *(f"Note: {n}" for n in r.notes),
    ]
    return lines


@click.command(name="validate-real")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "csv"], case_sensitive=False),
    default="text", show_default=True,
    help="text: the summary; json: every figure; csv: each trust's SPC summary.",
)  # fmt: skip
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Write to this file instead of standard output.",
)  # fmt: skip
def validate_real(fmt: str, output: Path | None) -> None:
    """The regime on real data: each trust's A&E four-hour SPC against the standard, the watch
    list's bands, early warning before the public record's SMQ entries beside the chance level,
    and an interrupted time series of each entrant. Run it on a database built from the ODS
    register, the A&E files and the public SMQ record."""
    from specialmeasures.evaluation.real_england import real_england_report

    platform = open_platform()
    try:
        report = real_england_report(platform.repository)
    finally:
        platform.close()
    if fmt == "json":
        text = json.dumps(report.document(), indent=2, default=str)
    elif fmt == "csv":
        out = io.StringIO()
        rows = list(report.spc_rows)
        writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["stretch"],
                                lineterminator="\n")  # fmt: skip
        writer.writeheader()
        writer.writerows(rows)
        text = out.getvalue().rstrip("\n")
    else:
        text = "\n".join(text_lines(report))
    if output is None:
        click.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(f"Wrote {output}.")


COMMANDS = [validate_real]
