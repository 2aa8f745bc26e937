"""Account administration in the browser (``accounts.manage``: administrators), as
``specialmeasures users add|disable|enable|assign|unassign|set-password`` does it: the same
service (``access.Accounts``), the same rules (usernames, one role, provider scopes, the
NIST-style password checks of ``access.passwords``) and the same audit rows, acting as the
signed-in administrator. An administrator cannot disable their own account.

* ``POST /admin/users`` (form) and ``/admin/users.json``: add an account;
* ``GET /admin/users/{username}`` (and ``.json``): one account with the forms below;
* ``POST /admin/users/{username}/active``: disable or enable (``active`` ``yes`` or ``no``);
* ``POST /admin/users/{username}/providers``: ``change`` ``assign`` or ``remove`` a ``code``;
* ``POST /admin/users/{username}/password``: set a ``password``, or ``generate`` one, shown once.

Each POST has a JSON twin at the same path with ``.json`` (``X-CSRF-Token`` header).
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from specialmeasures.access import MIN_PASSWORD_LENGTH, Action, Role
from specialmeasures.domain import NotFoundError, SpecialMeasuresError
from specialmeasures.web import submissions as forms
from specialmeasures.web.gate import Gate, permission
from specialmeasures.web.rendering import Renderer
from specialmeasures.web.signin import AUTH_RESPONSES

__all__ = ["build_user_admin_router"]

Username = Annotated[str, Path(max_length=64)]
ROLES = [(r.value, r.label) for r in Role if r is not Role.PUBLIC]
ADD_FIELDS = ("username", "display_name", "role", "providers", "password", "generate")

#: What a change answers: a message for the page and, for a generated password, the password.
Done = tuple[str, str | None]
_Change = Callable[[Request, str, dict[str, Any]], Done]


class AccountIn(BaseModel):
    """A new account."""

    username: str = Field(description="2-64 characters: lower-case letters, digits, '.', '_', '-'")
    display_name: str = Field("", description="Name shown in the header")
    role: str = Field(description="One of " + ", ".join(v for v, _ in ROLES))
    providers: list[str] = Field([], description="Provider codes in scope (scoped roles only)")
    password: str = Field("", description=f"At least {MIN_PASSWORD_LENGTH} characters")
    generate: bool = Field(False, description="Generate a password (returned once)")


class ActiveIn(BaseModel):
    active: str = Field(description="'yes' to enable, 'no' to disable")


class ScopeIn(BaseModel):
    change: str = Field(description="'assign' or 'remove'")
    code: str = Field(description="Provider code")


class PasswordIn(BaseModel):
    password: str = Field("", description=f"At least {MIN_PASSWORD_LENGTH} characters")
    generate: bool = Field(False, description="Generate a password (returned once)")


def _codes(text: str | list[str]) -> list[str]:
    items = text if isinstance(text, list) else text.replace(",", " ").split()
    return [c.strip().upper() for c in items if c.strip()]


def _secret(sent: dict[str, Any], errors: forms.FieldErrors) -> tuple[str | None, bool]:
    if sent["generate"]:
        return secrets.token_urlsafe(15), True
    if not sent["password"]:
        errors.append(("password", "Enter a password, or choose to generate one"))
    return sent["password"] or None, False


def _problems(error: SpecialMeasuresError, default: str) -> forms.FieldErrors:
    if isinstance(error, NotFoundError) and error.kind == "provider":
        return [("providers" if default == "providers" else "code",
                 f"{error.key} is not a provider code in the register")]  # fmt: skip
    return forms.service_problem(error, default)


def _endpoint(run: Callable[[Request, str], Awaitable[Response]], collection: bool
              ) -> Callable[..., Awaitable[Response]]:  # fmt: skip
    """The route function: on the collection (no account in the path) or on one account."""
    if collection:

        async def on_collection(request: Request) -> Response:
            return await run(request, "")

        return on_collection

    async def on_account(request: Request, username: Username) -> Response:
        return await run(request, username)

    return on_account


def build_user_admin_router(renderer: Renderer, gate: Gate) -> APIRouter:
    router = APIRouter()
    book = gate.accounts
    # The listing page (web/admin.py) carries the form to add an account: its choices.
    renderer.env.globals["account_roles"] = ROLES
    renderer.env.globals["min_password_length"] = MIN_PASSWORD_LENGTH

    def acting(request: Request) -> str:
        return gate.user(request).username

    # -- the writes, one per form ------------------------------------------------------------
    def add(request: Request, _: str, sent: dict[str, Any]) -> Done:
        errors: forms.FieldErrors = []
        if not sent["username"]:
            errors.append(("username", "Enter a username"))
        if sent["role"] not in {v for v, _ in ROLES}:
            errors.append(("role", "Select the role"))
        secret, generated = _secret(sent, errors)
        if errors:
            raise forms.FieldProblemsError(errors)
        try:
            account = book.add(sent["username"], sent["role"], password=secret,
                               display_name=sent["display_name"],
                               providers=_codes(sent["providers"]), actor=acting(request))  # fmt: skip
        except SpecialMeasuresError as error:
            field = "password" if "password" in str(error) else "username"
            if "scope" in str(error) or "trust" in str(error) or "provider" in str(error):
                field = "providers"
            raise forms.FieldProblemsError(_problems(error, field)) from error
        return f"Created {account.username}", secret if generated else None

    def active(request: Request, username: str, sent: dict[str, Any]) -> Done:
        if sent["active"] not in ("yes", "no"):
            raise forms.FieldProblemsError([("active", "Choose to enable or disable the account")])
        try:
            account = book.set_active(username, sent["active"] == "yes", actor=acting(request))
        except SpecialMeasuresError as error:
            raise forms.FieldProblemsError(
                [("active", _problems(error, "active")[0][1])]
            ) from error
        return (f"Enabled {account.username}" if account.active
                else f"Disabled {account.username}; its sessions have ended"), None  # fmt: skip

    def scope(request: Request, username: str, sent: dict[str, Any]) -> Done:
        errors: forms.FieldErrors = []
        if sent["change"] not in ("assign", "remove"):
            errors.append(("change", "Choose to assign or remove a provider"))
        if not sent["code"]:
            errors.append(("code", "Enter a provider code"))
        if errors:
            raise forms.FieldProblemsError(errors)
        try:
            if sent["change"] == "assign":
                book.assign(username, sent["code"], actor=acting(request))
            else:
                if sent["code"].upper() not in book.get(username).providers:
                    raise forms.FieldProblemsError([("code", f"{sent['code'].upper()} is not in "
                                               f"{username}'s providers")])  # fmt: skip
                book.unassign(username, sent["code"], actor=acting(request))
        except SpecialMeasuresError as error:
            raise forms.FieldProblemsError(_problems(error, "code")) from error
        verb = "Assigned" if sent["change"] == "assign" else "Removed"
        return f"{verb} {sent['code'].upper()}", None

    def password(request: Request, username: str, sent: dict[str, Any]) -> Done:
        errors: forms.FieldErrors = []
        secret, generated = _secret(sent, errors)
        if errors or secret is None:
            raise forms.FieldProblemsError(errors)
        try:
            book.set_password(username, secret, actor=acting(request))
        except SpecialMeasuresError as error:
            raise forms.FieldProblemsError(_problems(error, "password")) from error
        return "Password set; the account's sessions have ended", secret if generated else None

    # -- pages ---------------------------------------------------------------------------------
    def users_data() -> dict[str, Any]:
        accounts = book.all()
        return {
            "count": len(accounts),
            "accounts": [{**a.as_dict(), "role_label": a.role.label} for a in accounts],
        }

    def account_data(username: str) -> dict[str, Any]:
        account = book.get(username)
        return {**account.as_dict(), "role_label": account.role.label,
                "scoped": account.role.scoped}  # fmt: skip

    def render(request: Request, username: str | None, errors: forms.FieldErrors | None = None,
               prefix: str = "", form: dict[str, str] | None = None, done: str | None = None,
               generated: str | None = None, status: int = 200) -> HTMLResponse:  # fmt: skip
        context: dict[str, Any] = {
            "errors": forms.summary(errors or [], prefix), "form": {**(form or {}), "form": prefix},
            "done": done, "generated": generated, "roles": ROLES,
            "min_password": MIN_PASSWORD_LENGTH, "query": str(request.url.query),
        }  # fmt: skip
        if username is None:
            html = renderer.render("users.html", request=request, data=users_data(), **context)
        else:
            html = renderer.render("user.html", request=request, data=account_data(username),
                                   self_service=username == acting(request), **context)  # fmt: skip
        return HTMLResponse(html, status_code=status, headers=forms.NO_STORE)

    def form_route(change: _Change, fields: tuple[str, ...], prefix: str, *,
                   listing: bool = False) -> Callable[..., Awaitable[Response]]:  # fmt: skip
        async def run(request: Request, username: str) -> Response:
            if username:
                book.get(username)  # an unknown account is 404
            raw = await gate.form(request)
            sent: dict[str, Any] = forms.form_fields(raw, fields)
            # Passwords are taken as typed (spaces count) and never shown back.
            if "password" in sent:
                sent["password"] = raw.get("password", "")
            shown = {k: v for k, v in sent.items() if k != "password"}
            try:
                done, generated = change(request, username, sent)
            except forms.FieldProblemsError as problems:
                return render(request, None if listing else username, problems.errors, prefix,
                              shown, status=400)  # fmt: skip
            if generated is not None:  # shown once, on this answer only
                target = sent.get("username") or username
                return render(request, None if listing else target.strip().lower(), done=done,
                              generated=generated)  # fmt: skip
            target = "/admin/users" if listing else f"/admin/users/{username}"
            return RedirectResponse(f"{target}?done={prefix.rstrip('-')}", status_code=303)

        return _endpoint(run, listing)

    def json_route(change: _Change, fields: tuple[str, ...], lists: tuple[str, ...] = (),
                   *, created: bool = False) -> Callable[..., Awaitable[Response]]:  # fmt: skip
        async def run(request: Request, username: str) -> Response:
            if username:
                book.get(username)

            def answer(sent: dict[str, Any], done: Done) -> dict[str, Any]:
                name = (sent.get("username") or username).strip().lower()
                message, generated = done
                body: dict[str, Any] = {"ok": True, "message": message,
                                        "account": account_data(name)}  # fmt: skip
                if generated is not None:
                    body["password"] = generated
                return body

            return await forms.json_write(
                request, fields, lambda sent: change(request, username, sent), answer,
                lists=lists, status=201 if created else 200,
            )  # fmt: skip

        return _endpoint(run, created)

    @router.get("/admin/users/{username}.json", tags=["administration"],
                summary="One account (JSON twin of /admin/users/{username})",
                responses=AUTH_RESPONSES)  # fmt: skip
    @permission(Action.ACCOUNTS_MANAGE)
    def user_json(username: Username) -> dict[str, Any]:
        return account_data(username)

    @router.get("/admin/users/{username}", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.ACCOUNTS_MANAGE)
    def user_page(request: Request, username: Username) -> HTMLResponse:
        done = request.query_params.get("done")
        messages = {"active": "Account status changed.", "scope": "Providers changed.",
                    "password": "Password set; the account's sessions have ended."}  # fmt: skip
        return render(request, username, done=messages.get(done or ""))

    def post(path: str, endpoint: Callable[..., Awaitable[Response]], model: type[BaseModel] | None,
             summary_text: str = "", status: int = 200) -> None:  # fmt: skip
        marked = permission(Action.ACCOUNTS_MANAGE)(endpoint)
        if model is None:
            router.post(path, include_in_schema=False)(marked)
        else:
            router.post(path, tags=["administration"], summary=summary_text, status_code=status,
                        responses=AUTH_RESPONSES, openapi_extra=forms.body_schema(model))(marked)  # fmt: skip

    post("/admin/users", form_route(add, ADD_FIELDS, "add-", listing=True), None)
    post("/admin/users.json", json_route(add, ADD_FIELDS, ("providers",), created=True),
         AccountIn, "Add an account (JSON twin of the form on /admin/users)", 201)  # fmt: skip
    for name, change, fields, model, what in (
        ("active", active, ("active",), ActiveIn, "Disable or enable an account"),
        ("providers", scope, ("change", "code"), ScopeIn, "Assign or remove a provider"),
        ("password", password, ("password", "generate"), PasswordIn, "Set a password"),
    ):
        prefix = {"providers": "scope-"}.get(name, f"{name}-")
        post(f"/admin/users/{{username}}/{name}", form_route(change, fields, prefix), None)
        post(f"/admin/users/{{username}}/{name}.json", json_route(change, fields), model,
             f"{what} (JSON twin of the form on /admin/users/{{username}})")  # fmt: skip
    return router
