"""``specialmeasures cusum`` and ``cusum-limit``: Bernoulli / risk-adjusted CUSUM charts and
their decision intervals."""

from __future__ import annotations

from pathlib import Path

import click

from specialmeasures.cli._tables import read_table, write_csv_atomic
from specialmeasures.domain.errors import InputError
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
    table = read_table(input_csv)
    y = table.numbers(outcome, _binary)
    if risk is not None:
        risks = table.numbers(risk, _probability)
        result = risk_adjusted_cusum(y, risks, options)
    else:
        assert p0 is not None
        _check_p0(p0)
        risks = [p0] * len(y)
        result = bernoulli_cusum(y, p0, options)
    # Columns as Python lists once (indexing numpy arrays per row makes a scalar per cell).
    rows = (
        [t, int(yi), repr(ri), repr(w), repr(c), int(s)]
        for t, yi, ri, w, c, s in zip(
            result.t.tolist(), y, risks, result.weight.tolist(), result.ct.tolist(),
            result.signal.tolist(), strict=True,
        )
    )  # fmt: skip
    write_csv_atomic(output, OUTPUT_COLUMNS, rows)
    n_signals = int(result.signal.sum())
    click.echo(f"{len(y)} rows, {n_signals} signal{'s' if n_signals != 1 else ''}")


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
