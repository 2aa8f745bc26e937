"""Records as they were known on a date: the "as of" rule of every view.

A view built for an as-of date is a function of what was known on that date: an episode had
ended, an assignment or buddying arrangement had ended, an action had been completed, funding
had been approved or spent, a rating had been published, a return submitted, only if that
happened on or before it. Later events are left out, and records that were still open then are
shown open. The only later dates a view may carry are expectations, fields that say what was
planned or due (named in :data:`EXPECTATIONS`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from specialmeasures.domain.directors import DirectorAssignment
from specialmeasures.domain.episode import EpisodeState, RegimeEpisode

__all__ = ["EXPECTATIONS", "assignment_as_known", "episode_as_known", "known_end"]

#: Fields that hold an expectation (a date planned or due), which may lie after the as-of date.
#: Every other date in a view built as of a date is on or before it.
EXPECTATIONS = frozenset(
    {
        "planned_end",  # an Improvement Director assignment's planned end (the policy cycle)
        "intensive_until",  # when the assignment's intensive phase is planned to end
        "due",  # an improvement-plan action's due date
        "review_date",  # a buddying arrangement's planned review
        "reinspection_due",  # the special measures timeline: re-inspection due by
        "intended_maximum",  # the special measures timeline: the intended maximum stay ends
        "maximum_with_extension",  # ... and with the policy's extension
    }
)


def known_end(end: date | None, as_of: date) -> date | None:
    """An end date as known on ``as_of``: None (still open) when it lies after that day.

    >>> known_end(date(2018, 2, 3), date(2016, 6, 1)) is None
    True
    >>> known_end(date(2015, 6, 1), date(2016, 6, 1))
    datetime.date(2015, 6, 1)
    """
    return end if end is not None and end <= as_of else None


def episode_as_known(episode: RegimeEpisode, as_of: date) -> RegimeEpisode:
    """The episode as it stood on ``as_of``: an exit after that day had not happened yet."""
    if episode.end is not None and episode.end > as_of:
        return replace(episode, end=None, state=EpisodeState.IN_REGIME)
    return episode


def assignment_as_known(assignment: DirectorAssignment, as_of: date) -> DirectorAssignment:
    """The assignment as it stood on ``as_of``: open, with no end reason, if it ended later."""
    if assignment.end is not None and assignment.end > as_of:
        return replace(assignment, end=None, end_reason=None)
    return assignment
