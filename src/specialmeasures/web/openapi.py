"""The OpenAPI document of the JSON API, as committed in docs/openapi.json."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from specialmeasures.bootstrap import bootstrap
from specialmeasures.settings import Settings

__all__ = ["openapi_document"]


def openapi_document() -> str:
    """The document as text (indented, newline-terminated), built over a throw-away database."""
    from specialmeasures.web.app import create_app

    with tempfile.TemporaryDirectory(prefix="sm-openapi-") as folder:
        url = f"sqlite:///{Path(folder) / 'openapi.db'}"
        platform = bootstrap(Settings(database_url=url), upgrade=True)
        try:
            document = create_app(platform).openapi()
        finally:
            platform.close()
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
