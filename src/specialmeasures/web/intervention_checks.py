"""What the intervention forms and their JSON twins accept, checked once for both.

Each ``check_*`` takes the sent values (strings from a form, or JSON values) and returns the
parsed values and the problems, each naming its field; the service then checks what needs the
database (caps, overlaps, dates against the episode) and its refusals are mapped to a field by
:func:`field_of`. Messages follow the NHS.UK error-message pattern ("Enter ...", "Select ...").
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from specialmeasures.domain import DomainError, InputError, SpecialMeasuresError
from specialmeasures.domain.funding import FundingStage, PolicyRefusalError, SpendCategory
from specialmeasures.domain.leadership import Post
from specialmeasures.domain.oversight import ActionStatus, DriverDomain, FindingKind
from specialmeasures.web.dates import EARLIEST, LATEST, in_window

__all__ = [
    "Problem",
    "check_apply",
    "check_approve",
    "check_deep_dive",
    "check_leader",
    "check_leader_end",
    "check_plan_action",
    "check_plan_update",
    "check_spend",
    "field_of",
    "message_of",
]

Problem = tuple[str, str]
Checked = tuple[dict[str, Any], list[Problem]]
MAX_TEXT = 2000
MAX_RATIONALE = 20_000


class _Reader:
    """Reads one sent document, collecting a problem per field."""

    def __init__(self, sent: Mapping[str, Any]) -> None:
        self.sent = sent
        self.problems: list[Problem] = []

    def raw(self, name: str) -> str:
        value = self.sent.get(name)
        if value is None or isinstance(value, bool):
            return "" if value is None else str(value).lower()
        return str(value).strip()

    def text(self, name: str, what: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
        value = self.raw(name)
        if required and not value:
            self.problems.append((name, f"Enter {what}"))
        elif len(value) > limit:
            self.problems.append(
                (name, f"{what[0].upper()}{what[1:]} must be {limit:,} characters or fewer")
            )
        return value

    def pounds(self, name: str, what: str, *, required: bool = True) -> int | None:
        value = self.sent.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            number: int | None = value
        else:
            text = self.raw(name).replace(",", "").removeprefix("£")
            if not text:
                if required:
                    self.problems.append((name, f"Enter {what} in whole pounds"))
                return None
            number = int(text) if text.isdigit() else None
        if number is None or number <= 0:
            self.problems.append((name, f"Enter {what} as a whole number of pounds above £0"))
            return None
        return number

    def day(self, name: str, what: str, *, required: bool = True) -> date | None:
        text = self.raw(name)
        if not text:
            if required:
                self.problems.append((name, f"Enter {what} as YYYY-MM-DD"))
            return None
        try:
            value = date.fromisoformat(text)
        except ValueError:
            self.problems.append((name, f"Enter {what} as a real date, YYYY-MM-DD"))
            return None
        if not in_window(value):
            self.problems.append((name, f"Enter {what} between {EARLIEST} and {LATEST}"))
            return None
        return value

    def choice(self, name: str, what: str, allowed: Mapping[str, Any]) -> Any:
        text = self.raw(name)
        if text not in allowed:
            self.problems.append((name, f"Select {what}"))
            return None
        return allowed[text]

    def number(self, name: str, what: str) -> int | None:
        value = self.sent.get(name)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        text = self.raw(name)
        if text.isdigit() and int(text) > 0:
            return int(text)
        self.problems.append((name, f"Select {what}"))
        return None

    def rationale(self) -> str:
        return self.text("rationale", "the rationale", limit=MAX_RATIONALE)


def _aims(sent: Mapping[str, Any], reader: _Reader) -> list[tuple[str, int]]:
    """One aim (``aim`` and ``amount``) or, in JSON, a list ``aims`` of {aim, amount}."""
    listed = sent.get("aims")
    if listed is None:
        aim = reader.text("aim", "the improvement aim the money is for")
        amount = reader.pounds("amount", "the amount")
        first = [(aim, amount)] if aim and amount is not None else []
        return first + _more_aims(reader)
    if not isinstance(listed, list) or not listed:
        reader.problems.append(("aims", "Enter one or more aims, each with its amount"))
        return []
    aims: list[tuple[str, int]] = []
    for index, item in enumerate(listed):
        one = _Reader(item if isinstance(item, Mapping) else {})
        aim = one.text("aim", "the improvement aim the money is for")
        amount = one.pounds("amount", "the amount")
        reader.problems += [(f"aims[{index}].{f}", m) for f, m in one.problems]
        if aim and amount is not None:
            aims.append((aim, amount))
    return aims


def _more_aims(reader: _Reader) -> list[tuple[str, int]]:
    """Further aims of a form, one a line as ``AIM = AMOUNT`` (the CLI's ``--aim TEXT=N``)."""
    aims: list[tuple[str, int]] = []
    for number, line in enumerate(reader.raw("more_aims").splitlines(), start=1):
        if not line.strip():
            continue
        aim, sep, value = line.rpartition("=")
        amount = value.strip().replace(",", "").removeprefix("£")
        if not sep or not aim.strip() or not amount.isdigit() or int(amount) <= 0:
            reader.problems.append(
                ("more_aims", f"Write further aim {number} as the aim, then = and whole pounds")
            )
            continue
        aims.append((aim.strip(), int(amount)))
    return aims


def check_apply(sent: Mapping[str, Any], stages: Mapping[str, FundingStage]) -> Checked:
    reader = _Reader(sent)
    values = {
        "stage": reader.choice("stage", "the regime stage", stages),
        "aims": _aims(sent, reader),
        "on": reader.day("on", "the date of the application"),
        "rationale": reader.rationale(),
    }
    return values, reader.problems


def check_approve(sent: Mapping[str, Any]) -> Checked:
    reader = _Reader(sent)
    values = {
        "application": reader.number("application", "the application"),
        "amount": reader.pounds("amount", "the amount approved", required=False),
        "on": reader.day("on", "the date of approval"),
        "rationale": reader.rationale(),
    }
    return values, reader.problems


def check_spend(sent: Mapping[str, Any]) -> Checked:
    reader = _Reader(sent)
    values = {
        "application": reader.number("application", "the application"),
        "category": reader.choice(
            "category", "what it was spent on", {c.value: c for c in SpendCategory}
        ),
        "amount": reader.pounds("amount", "the amount spent"),
        "on": reader.day("on", "the date of the spend"),
        "description": reader.text("description", "a description", required=False),
        "rationale": reader.rationale(),
    }
    return values, reader.problems


def check_plan_action(sent: Mapping[str, Any]) -> Checked:
    reader = _Reader(sent)
    listed = sent.get("domains")
    domains: list[DriverDomain] = []
    if isinstance(listed, list):
        for index, item in enumerate(listed):
            found = {d.value: d for d in DriverDomain}.get(str(item))
            if found is None:
                reader.problems.append((f"domains[{index}]", "Select a driver domain"))
            else:
                domains.append(found)
        if not listed:
            reader.problems.append(("domains", "Select one or more driver domains"))
    else:
        one = reader.choice("domain", "the driver domain", {d.value: d for d in DriverDomain})
        domains = [one] if one is not None else []
    values = {
        "finding_kind": reader.choice(
            "finding_kind", "the kind of finding", {k.value: k for k in FindingKind}
        ),
        "finding": reader.text("finding", "the inspection's finding"),
        "action": reader.text("action", "the action"),
        "domains": domains,
        "owner": reader.text("owner", "the owner"),
        "due": reader.day("due", "the due date"),
        "on": reader.day("on", "the date the action was set"),
        "rationale": reader.rationale(),
    }
    return values, reader.problems


def check_plan_update(sent: Mapping[str, Any]) -> Checked:
    reader = _Reader(sent)
    values = {
        "action": reader.number("action", "the action"),
        "status": reader.choice("status", "the status", {s.value: s for s in ActionStatus}),
        "on": reader.day("on", "the date of the change"),
        "evidence": reader.text("evidence", "the evidence", required=False),
        "note": reader.text("note", "a note", required=False),
        "rationale": reader.rationale(),
    }
    return values, reader.problems


def check_deep_dive(sent: Mapping[str, Any]) -> Checked:
    reader = _Reader(sent)
    start = reader.day("start", "the start date")
    end = reader.day("end", "the end date", required=False)
    values = {
        "topic": reader.text("topic", "the topic"),
        "start": start,
        "end": end,
        "findings": reader.text("findings", "the findings", required=False, limit=MAX_RATIONALE),
        "rationale": reader.rationale(),
    }
    if start and end and end < start:
        reader.problems.append(("end", "Enter an end date on or after the start date"))
    return values, reader.problems


_YES_NO = {"yes": True, "no": False, "true": True, "false": False, "": False}


def check_leader(sent: Mapping[str, Any]) -> Checked:
    reader = _Reader(sent)
    values = {
        "post": reader.choice("post", "the post", {p.value: p for p in Post}),
        "holder": reader.text("holder", "the holder's name"),
        "start": reader.day("start", "the start date"),
        "end": reader.day("end", "the end date", required=False),
        "interim": reader.choice("interim", "substantive or interim", _YES_NO),
        "previous_smq": reader.choice(
            "previous_smq", "whether they led a trust in special measures before", _YES_NO
        ),
        "rationale": reader.rationale(),
    }
    return values, reader.problems


def check_leader_end(sent: Mapping[str, Any]) -> Checked:
    reader = _Reader(sent)
    values = {
        "term": reader.number("term", "the holder"),
        "end": reader.day("end", "the date they left"),
        "rationale": reader.rationale(),
    }
    return values, reader.problems


#: The command-line option a service names in its refusals, and the field it is on the web.
_OPTION_FIELDS = {"--amount": "amount", "--on": "on", "--end": "end", "--evidence": "evidence"}


#: The domain model's field names (``action.created_on``) that the forms call otherwise.
_DOMAIN_FIELDS = {"created_on": "on", "previous_smq_experience": "previous_smq"}


def field_of(error: SpecialMeasuresError, default: str) -> str:
    """The field a service's refusal is about (the option or model field it names), else
    ``default``."""
    if isinstance(error, DomainError):
        name = error.field.rsplit(".", 1)[-1]
        return _DOMAIN_FIELDS.get(name, name)
    column = error.column if isinstance(error, InputError) else None
    return _OPTION_FIELDS.get(column or "", default)


def message_of(error: SpecialMeasuresError) -> str:
    """A service's refusal for a person at a form: without the command line's option name."""
    if isinstance(error, PolicyRefusalError):
        # The reason first, then the rule: what to fix, then why, as the policy words it.
        said = f": {error.rule_text}" if error.rule_text else ""
        return (
            f"{error.reason[:1].upper()}{error.reason[1:]}. Refused by rule {error.rule_id}{said}"
        )
    text = str(error)
    if isinstance(error, InputError) and error.column and not error.file and error.row is None:
        text = text.removeprefix(f"column {error.column!r}: ")
        if error.value is not None:
            text = text.removesuffix(f" (value {error.value!r})")
    return text[:1].upper() + text[1:]
