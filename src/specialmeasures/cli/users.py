"""``specialmeasures users``: accounts of the web app (add, list, disable, passwords, scopes)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import click

from specialmeasures.access import Role
from specialmeasures.cli._actor import acting_administrator, administrator_option
from specialmeasures.cli._context import FORMATS, emit, open_platform

if TYPE_CHECKING:
    from specialmeasures.access import Accounts

T = TypeVar("T")
ROLES = click.Choice([r.value for r in Role if r is not Role.PUBLIC])


def _with_accounts(work: Callable[[Accounts], T]) -> T:
    from specialmeasures.access import Accounts

    platform = open_platform()
    try:
        return work(Accounts(platform.repository))
    finally:
        platform.close()


def _password(value: str | None, generate: bool) -> tuple[str, bool]:
    """The password given, a generated one (``--generate``), or one asked for at the prompt."""
    from specialmeasures.access import MIN_PASSWORD_LENGTH

    if value is not None:
        return value, False
    if generate:
        return secrets.token_urlsafe(15), True
    asked = click.prompt(
        f"Password (at least {MIN_PASSWORD_LENGTH} characters)",
        hide_input=True,
        confirmation_prompt=True,
    )
    return str(asked), False


@click.group()
def users() -> None:
    """Accounts of the web app: one role each; trust, OAG, ID and researcher roles have provider
    scopes (a researcher's: the case-study sites whose evidence it is granted)."""


@users.command()
@administrator_option
@click.argument("username")
@click.option("--role", type=ROLES, required=True, help="The account's one role.")
@click.option("--name", "display_name", default="", help="Name shown in the header.")
@click.option(
    "--provider",
    "providers",
    multiple=True,
    help="Provider code in scope (trust_user: exactly one; oag_member, improvement_director).",
)
@click.option("--password", default=None, help="Password (prefer the prompt or --generate).")
@click.option("--generate", is_flag=True, help="Generate a random password and print it once.")
@click.option("--sso-only", is_flag=True, help="No password: the account signs in through SSO.")
def add(
    username: str,
    role: str,
    display_name: str,
    providers: tuple[str, ...],
    password: str | None,
    generate: bool,
    sso_only: bool,
) -> None:
    """Create an account."""
    secret, generated = (None, False) if sso_only else _password(password, generate)
    account = _with_accounts(
        lambda book: book.add(
            username,
            role,
            password=secret,
            display_name=display_name,
            providers=providers,
            actor=acting_administrator(),
        )
    )
    scope = ", ".join(account.providers) or "every provider the role reaches"
    click.echo(f"Created {account.username} ({account.role.value}; {scope}).")
    if generated:
        click.echo(f"Password: {secret}")


@users.command(name="list")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def list_(fmt: str) -> None:
    """List accounts with their role, provider scope and status."""
    accounts = _with_accounts(lambda book: book.all())
    rows = [{**a.as_dict(), "providers": " ".join(a.providers)} for a in accounts]
    columns = ("username", "display_name", "role", "providers", "active", "created_at")
    emit(rows, columns, fmt, title="Accounts")


@users.command()
@administrator_option
@click.argument("username")
def disable(username: str) -> None:
    """Disable an account and end its sessions (the account and its audit trail are kept)."""
    account = _with_accounts(
        lambda book: book.set_active(username, False, actor=acting_administrator())
    )
    click.echo(f"Disabled {account.username}; its sessions have ended.")


@users.command()
@administrator_option
@click.argument("username")
def enable(username: str) -> None:
    """Re-enable a disabled account."""
    account = _with_accounts(
        lambda book: book.set_active(username, True, actor=acting_administrator())
    )
    click.echo(f"Enabled {account.username}.")


@users.command(name="set-password")
@administrator_option
@click.argument("username")
@click.option("--password", default=None, help="New password (prefer the prompt or --generate).")
@click.option("--generate", is_flag=True, help="Generate a random password and print it once.")
def set_password(username: str, password: str | None, generate: bool) -> None:
    """Set an account's password and end its sessions."""
    secret, generated = _password(password, generate)
    _with_accounts(lambda book: book.set_password(username, secret, actor=acting_administrator()))
    click.echo(f"Password of {username} changed; its sessions have ended.")
    if generated:
        click.echo(f"Password: {secret}")


@users.command()
@administrator_option
@click.argument("username")
@click.argument("code")
def assign(username: str, code: str) -> None:
    """Add provider CODE to the account's scope (trust, OAG, ID and researcher roles only)."""
    account = _with_accounts(lambda book: book.assign(username, code, actor=acting_administrator()))
    click.echo(f"{account.username} now covers: {', '.join(account.providers)}.")


@users.command()
@administrator_option
@click.argument("username")
@click.argument("code")
def unassign(username: str, code: str) -> None:
    """Remove provider CODE from the account's scope."""
    account = _with_accounts(
        lambda book: book.unassign(username, code, actor=acting_administrator())
    )
    click.echo(f"{account.username} now covers: {', '.join(account.providers) or 'nothing'}.")


COMMANDS = [users]
