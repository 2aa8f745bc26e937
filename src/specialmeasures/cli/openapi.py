"""``specialmeasures openapi``: print or write the OpenAPI document of the JSON API."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (e.g. docs/openapi.json) instead of standard output.",
)
def openapi(output: Path | None) -> None:
    """The OpenAPI document of the JSON routes (the one committed as docs/openapi.json)."""
    from specialmeasures.web.openapi import openapi_document

    text = openapi_document()
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}.")


COMMANDS = [openapi]
