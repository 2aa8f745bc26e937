"""Jinja2 set-up with the NHS.UK design system templates (nhsuk-frontend-jinja)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import Request
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, FileSystemLoader, PackageLoader

from specialmeasures import __version__
from specialmeasures.access.classification import public_dataset_meta
from specialmeasures.bootstrap import Platform

__all__ = ["Renderer"]

TEMPLATES = Path(__file__).with_name("templates")


class Renderer:
    """Renders the platform's pages; knows the dataset label shown on every page."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.env = Environment(
            loader=ChoiceLoader(
                [
                    FileSystemLoader(str(TEMPLATES)),
                    PackageLoader("nhsuk_frontend_jinja", "templates"),
                ]
            ),
            autoescape=True,
            undefined=ChainableUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals["version"] = __version__
        #: Per-request context every page needs (who is signed in, the CSRF token); set by the app.
        self.context: Callable[[Request], dict[str, Any]] | None = None

    def dataset(self) -> dict[str, str]:
        return public_dataset_meta(self.platform.repository.meta())

    def render(self, template: str, *, request: Request, **context: Any) -> str:
        page = self.env.get_template(template)
        shared = self.context(request) if self.context else {}
        return page.render(
            request=request,
            path=request.url.path,
            dataset=self.dataset(),
            assetPath="/assets",
            **{**shared, **context},
        )
