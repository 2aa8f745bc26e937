"""The events an impact estimate can be about, and how each reads in titles.

SMQ entry and exit; and the start of each intervention (a trust's first Improvement Director
assignment, buddying arrangement or approved improvement funding), among trusts ever in SMQ.
"""

from __future__ import annotations

__all__ = ["EVENTS", "INTERVENTION_EVENTS", "event_label"]

INTERVENTION_EVENTS = {
    "director": "first Improvement Director assignment",
    "buddy": "first buddying arrangement",
    "funding": "first approved improvement funding",
}
EVENTS = ("entry", "exit", *INTERVENTION_EVENTS)


def event_label(event: str) -> str:
    """How an event reads in titles.

    >>> event_label("entry"), event_label("buddy")
    ('SMQ entry', 'first buddying arrangement')
    """
    return INTERVENTION_EVENTS.get(event, f"SMQ {event}")
