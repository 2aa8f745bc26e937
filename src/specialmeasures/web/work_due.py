"""What is due from a trust this month, on its provider page, for those who send or read it.

A trust user lands on their trust's page after signing in (``web.start``); the page says whether
this month's return is due (its Oversight and Assurance Group's bodies ask for items every
month) or was submitted, and by whom, with the link to the form. An OAG member, an Improvement
Director or a regulator (who read returns) sees the same line with the link to read them.
Asked of the permission table, like every other check on the page; nothing is audited, since
it is a link and a status, not a read of a return's contents.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from specialmeasures.access import Action, Principal, Resource, can
from specialmeasures.domain import NotFoundError
from specialmeasures.interventions.returns import requests, return_for
from specialmeasures.store import Repository

__all__ = ["returns_due"]


def returns_due(
    repo: Repository, today: Callable[[], date]
) -> Callable[[Principal | None, str], dict[str, Any] | None]:
    """The page's ``returns_due(user, code)``: None when there is nothing to say to ``user``
    (no right to read the trust's returns, or no body asks for any item)."""

    def due(user: Principal | None, code: str) -> dict[str, Any] | None:
        if user is None or not can(user, Action.RETURN_READ, Resource.provider(code)):
            return None
        asked = requests(repo, code)
        items = sum(len(v) for v in asked.values())
        if not items:
            return None
        period = today().replace(day=1)
        try:
            sent = return_for(repo, code, period)
        except NotFoundError:
            sent = None
        return {
            "period": period.isoformat()[:7],
            "item_count": items,
            "bodies": len(asked),
            "submitted_by": sent.submitted_by if sent else None,
            "may_submit": bool(can(user, Action.RETURN_SUBMIT, Resource.provider(code))),
        }

    return due
