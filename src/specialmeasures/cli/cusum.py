"""``specialmeasures cusum`` and ``cusum-limit``: Bernoulli / risk-adjusted CUSUM charts and
their decision intervals."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import click
import numpy as np
from numpy.typing import NDArray

from specialmeasures.cli._fast_csv import Columns, Fallback, read_columns
from specialmeasures.cli._tables import _atomic, read_table, refuse_if_too_large
from specialmeasures.domain.errors import InputError
from specialmeasures.reports.cells import FORMULA_TRIGGERS, escape_text
from specialmeasures.stats.cusum import CusumOptions, bernoulli_cusum, risk_adjusted_cusum

__all__ = ["COMMANDS", "cusum", "cusum_limit"]

OUTPUT_COLUMNS = ("t", "outcome", "risk", "weight", "ct", "signal")
#: Default seed of the simulated threshold so that a rerun gives the same h.
DEFAULT_SEED = 1
DEFAULT_SIMULATIONS = 10_000


def _binary(value: float) -> str | None:
    return None if value in (0.0, 1.0) else "outcome must be 0 or 1"


def _probability(value: float) -> str | None:
    return None if 0 < value < 1 else "risk must lie strictly between 0 and 1"


def _check_p0(p0: float) -> None:
    if not 0 < p0 < 1:
        raise InputError("--p0 must lie strictly between 0 and 1", column="--p0", value=p0)


def _options(limit: float, odds_ratio: float, reset: bool) -> CusumOptions:
    if odds_ratio <= 0 or odds_ratio == 1:
        raise InputError(
            "--odds-ratio must be positive and differ from 1", column="--odds-ratio",
            value=odds_ratio,
        )  # fmt: skip
    if (odds_ratio > 1 and limit <= 0) or (odds_ratio < 1 and limit >= 0):
        sign = "positive" if odds_ratio > 1 else "negative"
        raise InputError(
            f"--limit must be {sign} when --odds-ratio is {odds_ratio!r}", column="--limit",
            value=limit,
        )  # fmt: skip
    return CusumOptions(limit=limit, odds_ratio=odds_ratio, reset=reset)


@click.command()
@click.argument("input_csv", metavar="INPUT.csv", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--outcome", required=True, help="Column of outcomes (1 = death/failure, 0 = not).")
@click.option("--risk", help="Column of predicted risks (risk-adjusted CUSUM).")
@click.option("--p0", type=float, help="One in-control failure probability (Bernoulli CUSUM).")
@click.option("--odds-ratio", default=2.0, show_default=True, type=float)
@click.option("--limit", required=True, type=float, help="Decision interval h (< 0: improvement).")
@click.option("--no-reset", is_flag=True, help="Do not restart the chart at 0 after a signal.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
def cusum(
    input_csv: Path,
    outcome: str,
    risk: str | None,
    p0: float | None,
    odds_ratio: float,
    limit: float,
    no_reset: bool,
    output: Path,
) -> None:
    """Log-likelihood CUSUM (R cusum 0.4.2) over the rows of INPUT.csv, in file order."""
    if (risk is None) == (p0 is None):
        raise click.UsageError("give exactly one of --risk COL and --p0 P")
    options = _options(limit, odds_ratio, not no_reset)
    y, risks = _read_input(input_csv, outcome, risk)
    if risks is not None:
        result = risk_adjusted_cusum(y, risks, options)
    else:
        assert p0 is not None
        _check_p0(p0)
        risks = np.full(y.size, p0)
        result = bernoulli_cusum(y, p0, options)
    columns = (
        [str(t) for t in result.t.tolist()],
        [str(int(v)) for v in y.tolist()],
        _texts(risks),
        _texts(result.weight),
        _texts(result.ct),
        [str(int(v)) for v in result.signal.tolist()],
    )
    _atomic(output, lambda handle: _write_columns(handle, columns))
    n_signals = int(result.signal.sum())
    click.echo(f"{y.size} rows, {n_signals} signal{'s' if n_signals != 1 else ''}")


def _read_input(
    path: Path, outcome: str, risk: str | None
) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
    """Outcomes and risks, read column by column from a plain file whose values all pass the
    checks, else through the validating reader (which names the first bad cell)."""
    wanted = [outcome, *([risk] if risk is not None else [])]
    fast = read_columns(path, numbers=wanted)
    if isinstance(fast, Columns):
        y = fast.numbers[outcome]
        risks = fast.numbers[risk] if risk is not None else None
        if bool(np.isin(y, (0.0, 1.0)).all()) and (
            risks is None or bool(((risks > 0) & (risks < 1)).all())
        ):
            return y, risks
        fast = Fallback("a value the checks refuse")
    refuse_if_too_large(path, fast)
    table = read_table(path)
    y_list = table.numbers(outcome, _binary)
    risk_list = table.numbers(risk, _probability) if risk is not None else None
    return (
        np.asarray(y_list, dtype=np.float64),
        None if risk_list is None else np.asarray(risk_list, dtype=np.float64),
    )


def _texts(values: NDArray[np.float64]) -> list[str]:
    """Each value's ``repr``, escaped as ``csv_cell`` escapes text (only ``-inf`` would be)."""
    return [
        escape_text(t) if t.startswith(FORMULA_TRIGGERS) else t
        for t in map(float.__repr__, values.tolist())
    ]


#: Rows per write: the text of a chunk is built with one join.
_CHUNK = 65_536


def _write_columns(handle: TextIO, columns: tuple[list[str], ...]) -> None:
    """The CSV ``csv.writer`` writes for these rows (no cell here needs quoting), a chunk of
    rows at a time."""
    handle.write(",".join(OUTPUT_COLUMNS) + "\r\n")
    n = len(columns[0])
    width = len(columns)
    for start in range(0, n, _CHUNK):
        stop = min(n, start + _CHUNK)
        cells: list[str] = [""] * ((stop - start) * width * 2)
        for k, column in enumerate(columns):
            cells[2 * k :: 2 * width] = column[start:stop]
            cells[2 * k + 1 :: 2 * width] = (
                [","] * (stop - start) if k < width - 1 else ["\r\n"] * (stop - start)
            )
        handle.write("".join(cells))


@click.command("cusum-limit")
@click.option("--p0", type=float, help="In-control failure probability.")
@click.option(
    "--risk-file", type=click.Path(dir_okay=False, path_type=Path),
    help="CSV of patient risks (column 'risk', or its only column) to resample from.",
)  # fmt: skip
@click.option("--n", "n", required=True, type=int, help="Horizon in patients.")
@click.option("--odds-ratio", default=2.0, show_default=True, type=float)
@click.option("--alpha", required=True, type=float, help="False-signal probability within n.")
@click.option(
    "--method", default="simulate", show_default=True, type=click.Choice(["exact", "simulate"])
)
@click.option("--simulations", default=DEFAULT_SIMULATIONS, show_default=True, type=int)
@click.option("--seed", default=DEFAULT_SEED, show_default=True, type=int)
def cusum_limit(
    p0: float | None,
    risk_file: Path | None,
    n: int,
    odds_ratio: float,
    alpha: float,
    method: str,
    simulations: int,
    seed: int,
) -> None:
    """Print the decision interval h with false-signal probability ALPHA within N patients."""
    # scipy (seconds to import) only for this command, not for ``cusum``.
    from specialmeasures.stats.cusum_threshold import EXACT_MAX_N, limit_exact, limit_simulated

    if (risk_file is None) == (p0 is None):
        raise click.UsageError("give exactly one of --p0 P and --risk-file FILE")
    if odds_ratio <= 0 or odds_ratio == 1:
        raise InputError(
            "--odds-ratio must be positive and differ from 1", column="--odds-ratio",
            value=odds_ratio,
        )  # fmt: skip
    if not 0 < alpha < 1:
        raise InputError("--alpha must lie strictly between 0 and 1", column="--alpha", value=alpha)
    if n < 1:
        raise InputError("--n must be a positive number of patients", column="--n", value=n)
    if simulations < 1:
        raise InputError(
            "--simulations must be positive", column="--simulations", value=simulations
        )
    if method == "exact":
        if p0 is None:
            raise InputError("--method exact needs --p0 (enumeration with one probability)")
        _check_p0(p0)
        if n > EXACT_MAX_N:
            raise InputError(
                f"--method exact enumerates 2^n paths; --n must be at most {EXACT_MAX_N}",
                column="--n", value=n,
            )  # fmt: skip
        h = limit_exact(p0, n, odds_ratio, alpha)
    elif p0 is not None:
        _check_p0(p0)
        h = limit_simulated(n, odds_ratio, alpha, p0=p0, n_simulation=simulations, seed=seed)
    else:
        assert risk_file is not None
        table = read_table(risk_file)
        column = "risk" if "risk" in table.header or len(table.header) != 1 else table.header[0]
        risks = table.numbers(column, _probability)
        h = limit_simulated(n, odds_ratio, alpha, risks=risks, n_simulation=simulations, seed=seed)
    click.echo(repr(h))


COMMANDS = [cusum, cusum_limit]
