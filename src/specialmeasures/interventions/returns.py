"""The Oversight and Assurance Group and the one monthly return, read by every body."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

from sqlalchemy import Connection, insert, select

from specialmeasures.domain import DomainError, InputError, NotFoundError
from specialmeasures.domain.oversight import (
    Body,
    BurdenReport,
    MonthlyReturn,
    body_report,
    burden,
    check_return,
)
from specialmeasures.ingest.validation import (
    DateWindow,
    check_text,
    json_text,
    read_json_object,
)
from specialmeasures.interventions._common import Actor, check_provider, record
from specialmeasures.store import Repository
from specialmeasures.store.tables import (
    monthly_returns,
    oag_item_requests,
    oag_members,
    return_values,
)

__all__ = [
    "VALUE_MAX_LENGTH",
    "add_member",
    "burden_report",
    "members",
    "read_return",
    "report_for",
    "request_items",
    "requests",
    "submit_return",
]


#: The longest value one item of a return may hold (``return_values.value`` is unbounded text).
VALUE_MAX_LENGTH = 10_000


def add_member_in(conn: Connection, code: str, body: Body, name: str, who: Actor) -> int:
    check_provider(conn, code)
    exists = conn.execute(
        select(oag_members.c.id).where(
            oag_members.c.provider_code == code,
            oag_members.c.body == body.value,
            oag_members.c.member_name == name,
        )
    ).first()
    if exists:
        raise InputError(f"{name} ({body.label}) is already on {code}'s OAG")
    key = conn.execute(
        insert(oag_members).values(provider_code=code, body=body.value, member_name=name)
    ).inserted_primary_key
    assert key is not None
    record(conn, who, "oag.member_added", "provider", code, {"body": body, "member": name})
    return int(key[0])


def add_member(repository: Repository, code: str, body: Body | str, name: str, who: Actor) -> int:
    """Add a member from a named body to a trust's OAG (audited)."""
    with repository.transaction() as conn:
        return add_member_in(conn, code, Body(body), name.strip() or name, who)


def members(repository: Repository, code: str) -> list[tuple[Body, str]]:
    with repository.engine.connect() as conn:
        rows = conn.execute(
            select(oag_members.c.body, oag_members.c.member_name)
            .where(oag_members.c.provider_code == code)
            .order_by(oag_members.c.body, oag_members.c.member_name)
        )
        return [(Body(b), n) for b, n in rows]


def requests_in(conn: Connection, code: str) -> dict[Body, list[str]]:
    out: dict[Body, list[str]] = defaultdict(list)
    for body, item in conn.execute(
        select(oag_item_requests.c.body, oag_item_requests.c.item)
        .where(oag_item_requests.c.provider_code == code)
        .order_by(oag_item_requests.c.item)
    ):
        out[Body(body)].append(item)
    return dict(out)


def requests(repository: Repository, code: str) -> dict[Body, list[str]]:
    with repository.engine.connect() as conn:
        return requests_in(conn, code)


def request_in(conn: Connection, code: str, body: Body, items: list[str], who: Actor) -> int:
    check_provider(conn, code)
    if not any(b == body.value for (b,) in conn.execute(
        select(oag_members.c.body).where(oag_members.c.provider_code == code)
    )):  # fmt: skip
        raise InputError(f"{body.label} has no member on {code}'s OAG: add one first")
    have = set(requests_in(conn, code).get(body, []))
    MonthlyReturn(code, date(2000, 1, 1), dict.fromkeys(items, ""))  # validates item names
    new = sorted(set(items) - have)
    if not new:
        raise InputError(f"{body.label} already requests {', '.join(sorted(items))}")
    conn.execute(
        insert(oag_item_requests),
        [{"provider_code": code, "body": body.value, "item": i} for i in new],
    )
    record(conn, who, "oag.items_requested", "provider", code, {"body": body, "items": new})
    return len(new)


def request_items(
    repository: Repository, code: str, body: Body | str, items: list[str], who: Actor
) -> int:
    """Declare items a body needs each month (audited); returns how many were new."""
    with repository.transaction() as conn:
        return request_in(conn, code, Body(body), [i.strip() for i in items], who)


def check_values(submitted: MonthlyReturn, who: Actor, window: DateWindow | None = None) -> None:
    """A return's period lies in the importers' date window around ``who.at`` (so 2099 is
    refused); its values are text without control or direction characters, at most
    ``VALUE_MAX_LENGTH`` long."""
    (window or DateWindow.around(who.at.date())).check(
        submitted.period, file=None, row=None, column="period",
        shown_as=submitted.period.isoformat()[:7],
    )  # fmt: skip
    for item, value in submitted.values.items():
        check_text(value, file=None, row=None, column=item, max_length=VALUE_MAX_LENGTH)


def submit_in(
    conn: Connection, submitted: MonthlyReturn, who: Actor, window: DateWindow | None = None
) -> int:
    check_values(submitted, who, window)
    check_provider(conn, submitted.provider_code)
    wanted = {i for items in requests_in(conn, submitted.provider_code).values() for i in items}
    try:
        check_return(submitted, wanted)
    except DomainError as error:  # bad input, not a broken rule of the model: exit code 2
        raise InputError(error.rule, column=error.field, value=error.value) from None
    if conn.execute(
        select(monthly_returns.c.id).where(
            monthly_returns.c.provider_code == submitted.provider_code,
            monthly_returns.c.period == submitted.period,
        )
    ).first():
        raise InputError(
            f"{submitted.provider_code} already submitted its return for"
            f" {submitted.period.isoformat()[:7]}: one return per period"
        )
    key = conn.execute(
        insert(monthly_returns).values(
            provider_code=submitted.provider_code,
            period=submitted.period,
            submitted_by=who.name,
            submitted_at=who.at.replace(tzinfo=None, microsecond=0),
        )
    ).inserted_primary_key
    assert key is not None
    conn.execute(
        insert(return_values),
        [{"return_id": int(key[0]), "item": k, "value": v} for k, v in submitted.values.items()],
    )
    missing = sorted(wanted - set(submitted.values))
    record(conn, who, "return.submitted", "provider", submitted.provider_code, {
        "return_id": int(key[0]), "period": submitted.period, "items": len(submitted.values),
        "missing": missing,
    })  # fmt: skip
    return int(key[0])


def submit_return(
    repository: Repository,
    submitted: MonthlyReturn,
    who: Actor,
    window: DateWindow | None = None,
) -> int:
    """Submit the trust's ONE return for a period (audited); items must be requested ones.

    The period must lie within ``window`` (default: the importers' window around ``who.at``).
    """
    with repository.transaction() as conn:
        return submit_in(conn, submitted, who, window)


def return_for(repository: Repository, code: str, period: date) -> MonthlyReturn:
    with repository.engine.connect() as conn:
        row = conn.execute(
            select(monthly_returns).where(
                monthly_returns.c.provider_code == code, monthly_returns.c.period == period
            )
        ).first()
        if row is None:
            raise NotFoundError("return", f"{code} {period.isoformat()[:7]}")
        values = {
            r.item: r.value
            for r in conn.execute(select(return_values).where(return_values.c.return_id == row.id))
        }
    return MonthlyReturn(code, period, values, row.submitted_by, row.id)


def report_for(
    repository: Repository, code: str, period: date, body: Body | str
) -> list[dict[str, str]]:
    """One body's report, cut from the trust's one return for the period."""
    submitted = return_for(repository, code, period)
    return body_report(submitted, requests(repository, code), Body(body))


def read_return(path: Path, code: str, period: date) -> MonthlyReturn:
    """A return read from a JSON object of item -> value, through the importers' validation.

    UTF-8, one value per key, each value text or a finite number (stored as JSON writes it);
    ``null``, booleans, lists and objects are refused, never stored as "None" or a repr. An
    item name the domain refuses is an ``InputError`` naming the file and the key.
    """
    file = str(path)
    values = {
        key: json_text(file, key, value, max_length=VALUE_MAX_LENGTH)
        for key, value in read_json_object(path).items()
    }
    try:
        return MonthlyReturn(code, period, values)
    except DomainError as error:
        raise InputError(error.rule, file=file, column=error.field, value=error.value) from None


def burden_report(repository: Repository, code: str) -> BurdenReport:
    repository.provider(code)
    return burden(requests(repository, code))
