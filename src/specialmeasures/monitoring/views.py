"""The watch list as the web pages show it: providers grouped by band, systems, balancing flags.

A read model over :func:`specialmeasures.monitoring.screen`: plain JSON-ready data, so that the
page and its JSON twin carry the same thing. CONFIDENTIAL, as the watch list itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from specialmeasures.domain import InputError
from specialmeasures.monitoring.export import to_csv
from specialmeasures.monitoring.watchlist import CONFIDENTIAL_BANNER, WatchList, screen
from specialmeasures.store import Repository

__all__ = [
    "BAND_MEANINGS",
    "Screen",
    "provider_bands",
    "watchlist_csv",
    "watchlist_view",
]

#: How a view gets the watch list: ``screen`` itself, or a cached version of it (the web app
#: keeps one per data version, as computing it takes a second or so).
Screen = Callable[[Repository, date], WatchList]

#: What each priority band means, in the words the page uses (CQC Intelligent Monitoring).
BAND_MEANINGS = {
    1: "Highest priority (in special measures, or the highest risk score)",
    2: "High priority",
    3: "Medium-high priority",
    4: "Medium priority",
    5: "Lower priority",
    6: "Lowest priority",
}


def _entry(wl: WatchList, code: str) -> dict[str, Any]:
    e = wl.entry(code)
    row = e.row()
    row["flags"] = [f.row() for f in e.flags]
    row["balancing"] = [f.row() for f in e.balancing]
    return row


def watchlist_view(
    repository: Repository, as_of: date, *, screen_with: Screen = screen
) -> dict[str, Any]:
    """The watch list on ``as_of``: ``bands`` (each with its providers and their explained
    flags, balancing measures apart), the ``systems`` roll-up, and the banner.

    With no indicator data on or before ``as_of`` the result says so (``available: False``)
    instead of raising, so the page can explain it.
    """
    base: dict[str, Any] = {
        "confidential": True,
        "banner": CONFIDENTIAL_BANNER,
        "as_of": as_of.isoformat(),
    }
    try:
        wl = screen_with(repository, as_of)
    except InputError as error:
        return {
            **base,
            "available": False,
            "message": str(error),
            "data_through": None,
            "label": repository.meta().get("label", ""),
            "band_cutoffs": [],
            "count": 0,
            "bands": [],
            "systems": [],
        }
    bands = []
    for band, meaning in BAND_MEANINGS.items():
        members = [_entry(wl, e.code) for e in wl.providers if e.band == band]
        bands.append(
            {"band": band, "meaning": meaning, "count": len(members), "providers": members}
        )
    return {
        **base,
        "available": True,
        "message": "",
        "data_through": wl.data_through.isoformat(),
        "label": wl.label,
        "band_cutoffs": list(wl.options.band_cutoffs),
        "count": len(wl.providers),
        "bands": bands,
        "systems": wl.system_rows(),
    }


def provider_bands(
    repository: Repository, as_of: date, *, screen_with: Screen = screen
) -> dict[str, int]:
    """Each provider's watch-list band on ``as_of`` ({} without indicator data)."""
    try:
        wl = screen_with(repository, as_of)
    except InputError:
        return {}
    return {e.code: e.band for e in wl.providers}


def watchlist_csv(repository: Repository, as_of: date, *, screen_with: Screen = screen) -> str:
    """The providers of the watch list as CSV with its banner line (InputError without data)."""
    return to_csv(screen_with(repository, as_of))
