"""The options every recording command shares: which account acts, in what office, why.

A write at the command line acts as an account, checked against the same permission table as
the web (``access.policy.can``): ``--as USERNAME`` (or the account named by
``SPECIALMEASURES_CLI_ACCOUNT``). ``--role`` is free text naming the committee or office the
person acts for ("Provider Regulation Committee"); it is recorded in the audit row and never
grants anything. A refusal is audited (``access.denied``, as on the web) and exits with 4.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

from specialmeasures.access import Action, Resource, Role, can
from specialmeasures.cli._context import open_platform
from specialmeasures.domain.errors import NotFoundError, SpecialMeasuresError

# The accounts, the audit log and the intervention services load SQLAlchemy: they are imported
# where a command runs, never when a module using these options is imported for --help.
if TYPE_CHECKING:
    from specialmeasures.access.accounts import Account
    from specialmeasures.interventions import Actor

__all__ = [
    "ACCOUNT_ENV",
    "PermissionRefusedError",
    "account_role",
    "acting_administrator",
    "actor",
    "actor_options",
    "administrator_option",
    "importer_option",
]

F = TypeVar("F", bound=Callable[..., Any])

#: The environment variable naming the default account of command-line writes.
ACCOUNT_ENV = "SPECIALMEASURES_CLI_ACCOUNT"
_ROLE_KEY = "specialmeasures.account_role"
_ADMIN_KEY = "specialmeasures.acting_administrator"


class PermissionRefusedError(SpecialMeasuresError):
    """The account named by --as does not exist, is disabled, or may not do this."""

    exit_code = 4


def actor_options(
    action: Action,
    *,
    provider: str | None = "code",
    provider_of: Callable[[dict[str, Any]], str | None] | None = None,
) -> Callable[[F], F]:
    """Add --as, --role and --rationale to a command, and check the account before it runs.

    ``provider`` names the command's parameter that holds the provider code the write is about
    (None: the command names no provider, so only a permission for any provider will do);
    ``provider_of`` finds it from the command's arguments instead (the trust of an application
    or plan action named by id), so that a permission for one's own trusts can be checked.
    The command receives ``actor`` (the account's username), ``role`` and ``rationale``.
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def checked(*args: Any, **kwargs: Any) -> Any:
            code = kwargs.get(provider) if provider is not None else None
            if code is None and provider_of is not None:
                code = provider_of(kwargs)
            account = _authorise(str(kwargs["actor"]), action, None if code is None else str(code))
            click.get_current_context().meta[_ROLE_KEY] = account.role.value
            kwargs["actor"] = account.username
            return func(*args, **kwargs)

        command: Any = checked
        for option in reversed(
            [
                click.option(
                    "--as",
                    "actor",
                    envvar=ACCOUNT_ENV,
                    show_envvar=True,
                    required=True,
                    metavar="USERNAME",
                    help="The account making the change; its role must permit it.",
                ),
                click.option(
                    "--role",
                    required=True,
                    help="The committee or office acted for, e.g. 'Provider Regulation"
                    " Committee' (recorded; grants nothing).",
                ),
                click.option("--rationale", required=True, help="Why: recorded and audited."),
            ]
        ):
            command = option(command)
        return command  # type: ignore[no-any-return]

    return decorate


def administrator_option(func: F) -> F:
    """Add --as to an account-management command and check it holds ``accounts.manage``.

    Until an active administrator account exists (a new installation), the command runs
    without one, as ``cli``, so that the first administrator can be created; afterwards it
    must act as an administrator.
    """

    @functools.wraps(func)
    def checked(*args: Any, **kwargs: Any) -> Any:
        username = kwargs.pop("acting_as")
        if username:
            acting = _authorise(str(username), Action.ACCOUNTS_MANAGE, None).username
        elif _has_administrator():
            raise PermissionRefusedError(
                f"an administrator account exists: act as one with --as USERNAME (or {ACCOUNT_ENV})"
            )
        else:
            acting = "cli"
        click.get_current_context().meta[_ADMIN_KEY] = acting
        return func(*args, **kwargs)

    option = click.option(
        "--as",
        "acting_as",
        envvar=ACCOUNT_ENV,
        show_envvar=True,
        default=None,
        metavar="USERNAME",
        help="The administrator making the change (needed once one exists).",
    )
    return option(checked)  # type: ignore[return-value]


def importer_option(action: Action) -> Callable[[F], F]:
    """Add --as to an import command: once any account exists, an account allowed ``action``.

    The command's ``actor`` becomes the account's username. Before any account exists (a new
    installation loading its first data) the command runs as before, as the named ``--actor``
    or the operating-system user.
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def checked(*args: Any, **kwargs: Any) -> Any:
            username = kwargs.pop("acting_as")
            if username:
                kwargs["actor"] = _authorise(str(username), action, None).username
            elif _has_account():
                raise PermissionRefusedError(
                    f"accounts exist: act as one allowed {action.value} with --as USERNAME (or"
                    f" {ACCOUNT_ENV})"
                )
            return func(*args, **kwargs)

        option = click.option(
            "--as",
            "acting_as",
            envvar=ACCOUNT_ENV,
            show_envvar=True,
            default=None,
            metavar="USERNAME",
            help=f"The account importing (needs {action.value}; required once accounts exist).",
        )
        return option(checked)  # type: ignore[return-value]

    return decorate


def _has_account() -> bool:
    from specialmeasures.access.accounts import Accounts

    try:
        platform = open_platform()
    except SpecialMeasuresError:  # no schema yet: a new installation has no accounts
        return False
    try:
        return any(a.active for a in Accounts(platform.repository).all())
    finally:
        platform.close()


def acting_administrator() -> str:
    """The username an account-management command acts as (``cli`` before any administrator)."""
    ctx = click.get_current_context(silent=True)
    return str(ctx.meta.get(_ADMIN_KEY, "cli")) if ctx is not None else "cli"


def _has_administrator() -> bool:
    from specialmeasures.access.accounts import Accounts

    platform = open_platform()
    try:
        return any(
            a.active and a.role is Role.ADMINISTRATOR for a in Accounts(platform.repository).all()
        )
    finally:
        platform.close()


def account_role() -> str | None:
    """The permission role of the account the running command acts as (None outside one)."""
    ctx = click.get_current_context(silent=True)
    role = None if ctx is None else ctx.meta.get(_ROLE_KEY)
    return None if role is None else str(role)


def actor(name: str, role: str, rationale: str) -> Actor:
    """Who acts, for the intervention services: the account, the office, the reason."""
    from specialmeasures.interventions import Actor

    return Actor(name, role, rationale, _now(), account_role())


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _authorise(username: str, action: Action, code: str | None) -> Account:
    from specialmeasures.access.accounts import Accounts
    from specialmeasures.store import audit

    platform = open_platform()
    try:
        try:
            account = Accounts(platform.repository).get(username)
        except NotFoundError:
            raise PermissionRefusedError(
                f"no account {username!r}: name an existing account with --as (or"
                f" {ACCOUNT_ENV}); accounts are added with 'specialmeasures users add'"
            ) from None
        resource = None if code is None else Resource.provider(code)
        decision = can(account.principal(), action, resource)
        reason = decision.reason
        if not account.active:
            reason = f"account {account.username} is disabled"
        elif decision and decision.scope is not None and code is None:
            reason = f"{action.value} is limited to assigned providers and names none here"
        elif decision:
            return account
        ctx = click.get_current_context(silent=True)
        with platform.repository.transaction() as conn:
            audit.append(
                conn,
                actor=account.username,
                role=account.role.value,
                action="access.denied",
                entity="provider" if code is not None else "command",
                entity_key=code.upper() if code is not None else action.value,
                payload={
                    "action": action.value,
                    "reason": reason,
                    "via": "cli",
                    "command": ctx.command_path if ctx is not None else None,
                },
                at=_now(),
            )
    finally:
        platform.close()
    raise PermissionRefusedError(f"{account.username} may not {action.value}: {reason}")
