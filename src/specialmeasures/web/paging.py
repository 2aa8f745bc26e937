"""Pages of a long list of rows: one page of an HTML table and of its JSON twin, chosen the same
way (``page``, 1-based), with the numbers a page needs for its previous/next links."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from specialmeasures.domain import InputError

__all__ = ["PER_PAGE", "page_of"]

#: Rows on one page of a paginated table (e.g. trusts on the trajectories page).
PER_PAGE = 20

T = TypeVar("T")


def page_of(
    rows: Sequence[T], page: int, per_page: int = PER_PAGE
) -> tuple[list[T], dict[str, Any]]:
    """Rows of page ``page`` and the paging facts (page, pages, per_page, rows, first, last).

    A page past the last is refused with an error naming ``page`` (an empty list has one,
    empty, page)."""
    pages = max(1, -(-len(rows) // per_page))
    if page < 1 or page > pages:
        raise InputError(f"page: must be between 1 and {pages}", column="page", value=str(page))
    start = (page - 1) * per_page
    chosen = list(rows[start : start + per_page])
    return chosen, {
        "page": page,
        "pages": pages,
        "per_page": per_page,
        "rows": len(rows),
        "first": start + 1 if chosen else 0,
        "last": start + len(chosen),
    }
