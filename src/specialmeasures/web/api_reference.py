"""``/api/docs``: the reference of the JSON API, rendered on the server from the app's own
OpenAPI document, with the NHS.UK styles the rest of the site uses.

It replaces FastAPI's Swagger UI, which loads its scripts from a CDN: our content security
policy blocks them and an offline server cannot reach them, so the page was blank. The
machine-readable document stays at ``/openapi.json`` (and ``docs/openapi.json``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse

from specialmeasures.access import Action
from specialmeasures.web.gate import permission
from specialmeasures.web.rendering import Renderer

__all__ = ["api_reference", "build_api_reference_router"]

_METHODS = ("get", "post", "put", "patch", "delete")


def _type(schema: dict[str, Any]) -> str:
    """A parameter's type in words (``string``, ``integer``, ``date``, ``one of a, b``)."""
    if "anyOf" in schema:
        kinds = [_type(s) for s in schema["anyOf"] if s.get("type") != "null"]
        return " or ".join(kinds) or "any"
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    kind = str(schema.get("type", "any"))
    if schema.get("format") == "date":
        return "date (YYYY-MM-DD)"
    if "pattern" in schema and kind == "string":
        choices = str(schema["pattern"]).strip("^$()").split("|")
        if all(c.replace("-", "").replace("_", "").isalnum() for c in choices):
            return "one of " + ", ".join(choices)
    return kind


def api_reference(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The operations of an OpenAPI document grouped by tag, each with its parameters and
    responses in plain words, in the document's order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in document.get("paths", {}).items():
        for method in _METHODS:
            op = item.get(method)
            if op is None:
                continue
            parameters = [
                {
                    "name": p["name"],
                    "in": p.get("in", ""),
                    "required": bool(p.get("required")),
                    "type": _type(p.get("schema", {})),
                    "description": p.get("description")
                    or p.get("schema", {}).get("description", ""),
                }
                for p in op.get("parameters", [])
            ]
            responses = [
                {"status": status, "description": r.get("description", "")}
                for status, r in sorted(op.get("responses", {}).items())
            ]
            tag = (op.get("tags") or ["other"])[0]
            groups.setdefault(tag, []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": parameters,
                    "responses": responses,
                    "anchor": f"{method}-{path}".replace("/", "-")
                    .replace("{", "")
                    .replace("}", ""),
                }
            )
    return [{"tag": tag, "operations": ops} for tag, ops in groups.items()]


def build_api_reference_router(renderer: Renderer, app: FastAPI) -> APIRouter:
    router = APIRouter()

    @router.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.PUBLIC_READ)
    def api_docs(request: Request) -> str:
        document = app.openapi()
        return renderer.render(
            "api_reference.html", request=request, groups=api_reference(document),
            info=document.get("info", {}),
        )  # fmt: skip

    return router
