"""``specialmeasures ratings aggregate``: CQC's ratings principles at the command line."""

from __future__ import annotations

import click

from specialmeasures.domain import KeyQuestion, Rating, aggregate_key_questions


@click.group()
def ratings() -> None:
    """CQC ratings: aggregate key questions by the published ratings principles."""


@ratings.command()
@click.argument("safe")
@click.argument("effective")
@click.argument("caring")
@click.argument("responsive")
@click.argument("well_led", metavar="WELL_LED")
@click.option("--breach", is_flag=True, help="A breach of regulations exists (caps at RI).")
@click.option("--explain", "explain", is_flag=True, help="Also print the rule and reason.")
def aggregate(
    safe: str,
    effective: str,
    caring: str,
    responsive: str,
    well_led: str,
    breach: bool,
    explain: bool,
) -> None:
    """Print the overall rating of five key-question ratings, or 'judgement needed'.

    Each rating is O, G, RI, I or the full name (e.g. "Requires improvement").
    """
    given = (safe, effective, caring, responsive, well_led)
    profile = {
        kq: Rating.parse(text, field=kq.label)
        for kq, text in zip(KeyQuestion.five(), given, strict=True)
    }
    result = aggregate_key_questions(profile, breach=breach)
    click.echo(result.label)
    if explain:
        click.echo(f"rule {result.rule}: {result.reason}")


COMMANDS = [ratings]
