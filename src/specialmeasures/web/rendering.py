"""Jinja2 set-up with the NHS.UK design system templates (nhsuk-frontend-jinja)."""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any

from fastapi import Request
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, FileSystemLoader, PackageLoader
from markupsafe import Markup, escape

from specialmeasures import __version__
from specialmeasures.access.audit_view import account_roles, named
from specialmeasures.access.classification import public_dataset_meta
from specialmeasures.bootstrap import Platform

__all__ = ["Renderer", "cell", "decimal", "identifiers", "label", "pounds", "words"]

TEMPLATES = Path(__file__).with_name("templates")
_SNAKE = re.compile(r"^[a-z]+(?:_[a-z0-9]+)+$")


def words(value: object) -> str:
    """An enum or a snake_case value as words: ``must_do`` -> ``Must do``, ``nhsi`` enum ->
    its value. Other text is returned as it is.

    >>> words("in_progress"), words("Triumvirate stable")
    ('In progress', 'Triumvirate stable')
    """
    text = str(value.value) if isinstance(value, Enum) else str(value)
    if _SNAKE.match(text) or isinstance(value, Enum):
        spaced = text.replace("_", " ")
        return spaced[:1].upper() + spaced[1:]
    return text


_TOKEN = re.compile(r"(?<![\w.-])([a-z]+(?:_[a-z0-9]+)+)(?![\w-])")


def identifiers(value: object) -> Markup:
    """Text with its snake_case identifiers (policy parameters, fields) marked as code, so they
    read as names to look up rather than as broken words; the rest escaped."""
    text = str(escape(str(value)))
    return Markup(_TOKEN.sub(r"<code>\1</code>", text))


def decimal(value: float) -> str:
    """A float with sensible decimals: thousands without, ones with two, small ones with three
    significant digits.

    >>> decimal(0.123456789012), decimal(12.3456), decimal(123456.7), decimal(0.0)
    ('0.123', '12.35', '123,457', '0')
    """
    if value != value:  # NaN
        return "–"
    size = abs(value)
    if size == 0:
        return "0"
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 1:
        return f"{value:,.2f}"
    return f"{value:.3g}"


def pounds(value: object) -> str:
    """Whole pounds with thousands separators: ``120000`` -> ``£120,000``; None -> ``–``."""
    if value is None or value == "":
        return "–"
    try:
        return f"£{round(float(str(value))):,}"
    except ValueError:
        return str(value)


#: Coded values whose words are not the code's letters.
_LABELS = {
    "nhsi": "NHS Improvement",
    "improvement_director": "Improvement Director",
    "cqc": "CQC",
    "icb": "ICB",
    "hee": "HEE",
}


def label(value: object) -> str:
    """A coded value (an enum or its one-word value) as a capitalised label: ``approved`` ->
    ``Approved``, ``nhsi`` -> ``NHS Improvement``; for table columns known to hold codes.

    >>> label("intensive"), label("nhsi"), label("quality_improvement"), label(None)
    ('Intensive', 'NHS Improvement', 'Quality improvement', '–')
    """
    code = value.value if isinstance(value, Enum) else value
    if isinstance(code, str) and code in _LABELS:
        return _LABELS[code]
    text = cell(value)
    return text[:1].upper() + text[1:]


#: Words that a column heading writes in capitals (or as spelt) rather than lower case.
_HEADING_WORDS = {
    "id": "ID", "mou": "MoU", "oag": "OAG", "cqc": "CQC", "nhs": "NHS", "nhsi": "NHSI",
    "smq": "SMQ", "cp": "CP", "rsp": "RSP", "pip": "PIP", "icb": "ICB", "ods": "ODS",
    "saf": "SAF", "nof": "NOF", "spc": "SPC", "ae": "A&E", "kq": "KQ", "ceo": "CEO",
}  # fmt: skip


def heading(column: str) -> str:
    """A column's name as a table heading: words spaced, the first capitalised, abbreviations in
    capitals.

    >>> heading("mou_date"), heading("smq_entries"), heading("longest_smq_days"), heading("id")
    ('MoU date', 'SMQ entries', 'Longest SMQ days', 'ID')
    """
    words = [_HEADING_WORDS.get(w.lower(), w.lower()) for w in column.split("_") if w]
    if words and words[0] == words[0].lower():
        words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)


def cell(value: object) -> str:
    """Any value as a page shows it: None as a dash, booleans as Yes/No, lists joined, enums and
    snake_case values as words, floats with sensible decimals, integers with separators.

    >>> cell(["clinical_leadership", "governance"]), cell(None), cell(True), cell(120000)
    ('Clinical leadership, Governance', '–', 'Yes', '120,000')
    """
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        # Each item a word of its own: "Clinical leadership, Governance", not "..., governance".
        return ", ".join(cell(v)[:1].upper() + cell(v)[1:] for v in items) or "–"
    if isinstance(value, float):
        return decimal(value)
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    return words(value)


class Renderer:
    """Renders the platform's pages; knows the dataset label shown on every page."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.env = Environment(
            loader=ChoiceLoader(
                [
                    FileSystemLoader(str(TEMPLATES)),
                    PackageLoader("nhsuk_frontend_jinja", "templates"),
                ]
            ),
            autoescape=True,
            undefined=ChainableUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals["version"] = __version__
        self.env.filters.update(
            cell=cell,
            words=words,
            decimal=decimal,
            pounds=pounds,
            identifiers=identifiers,
            label=label,
            heading=heading,
        )
        # Who recorded something is named as the audit log names them: ``username (role)``.
        self.env.filters["actor"] = self.actor
        #: Per-request context every page needs (who is signed in, the CSRF token); set by the app.
        self.context: Callable[[Request], dict[str, Any]] | None = None

    def actor(self, name: str | None, role: str | None = None) -> str:
        """``name (role)``: an account by its role, anyone else by the role recorded."""
        return named(name, role, account_roles(self.platform.repository.engine))

    def dataset(self) -> dict[str, str]:
        return public_dataset_meta(self.platform.repository.meta())

    def render(self, template: str, *, request: Request, **context: Any) -> str:
        page = self.env.get_template(template)
        shared = self.context(request) if self.context else {}
        return page.render(
            request=request,
            path=request.url.path,
            dataset=self.dataset(),
            assetPath="/assets",
            **{**shared, **context},
        )
