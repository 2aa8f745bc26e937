"""Each person's start page: where signing in lands when no ``next`` page was asked for.

Decided from the permission table (``access.policy.can``), never by comparing roles, so a new role
lands where its permissions lead:

* who manages accounts (the administrator): the users page, with the audit log beside it;
* who reads the watch list (regulators): the national overview;
* who reads a caseload for assigned trusts only (an Improvement Director): the caseload;
* who reads the evaluation but may not identify sites (a researcher): the evaluation;
* who acts for assigned trusts (a trust user, an OAG member): the page of their (first) trust;
* anyone else: the list of providers.
"""

from __future__ import annotations

from specialmeasures.access import Action, Principal, can

__all__ = ["DEFAULT_START", "start_page"]

DEFAULT_START = "/providers"


def start_page(user: Principal) -> str:
    """The path a person lands on after signing in.

    Examples
    --------
    >>> from specialmeasures.access import Role
    >>> start_page(Principal("t", Role.TRUST_USER, frozenset({"ZA1"})))
    '/providers/ZA1'
    >>> start_page(Principal("r", Role.RESEARCHER, frozenset({"ZA1"})))
    '/evaluation/trajectories'
    >>> start_page(Principal("a", Role.ADMINISTRATOR))
    '/admin/users'
    """
    if can(user, Action.ACCOUNTS_MANAGE):
        return "/admin/users"
    if can(user, Action.WATCHLIST_READ):
        return "/overview"
    caseload = can(user, Action.CASELOAD_READ)
    if caseload and caseload.scope is not None:
        return "/interventions/caseload"
    if can(user, Action.EVALUATION_READ) and not can(user, Action.SITE_IDENTIFY):
        return "/evaluation/trajectories"
    if user.providers:
        return f"/providers/{sorted(user.providers)[0]}"
    return DEFAULT_START
