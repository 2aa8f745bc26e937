"""Jinja2 set-up with the NHS.UK design system templates (nhsuk-frontend-jinja)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, FileSystemLoader, PackageLoader

from specialmeasures import __version__
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

    def dataset(self) -> dict[str, str]:
        return self.platform.repository.meta()

    def render(self, template: str, *, request: Request, **context: Any) -> str:
        page = self.env.get_template(template)
        return page.render(
            request=request,
            path=request.url.path,
            dataset=self.dataset(),
            assetPath="/assets",
            **context,
        )
