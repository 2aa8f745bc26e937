"""Addresses the app hands out, built from the configured base URL, never from the request.

The ``Host`` header is chosen by whoever sends the request, so a link built from it (a JSON
``next`` page, say) can point a reader at another site. With ``SPECIALMEASURES_BASE_URL`` set,
links are absolute on that address; without it they are paths on this site.
"""

from __future__ import annotations

from specialmeasures.settings import Settings

__all__ = ["link"]


def link(settings: Settings, path: str, query: str = "") -> str:
    """``path`` (starting with ``/``) and ``query``, on the configured base URL if there is one.

    >>> link(Settings(base_url="https://sm.example.org/app"), "/providers.json", "page=2")
    'https://sm.example.org/app/providers.json?page=2'
    >>> link(Settings(), "/providers.json", "page=2")
    '/providers.json?page=2'
    """
    tail = path + (f"?{query}" if query else "")
    return f"{settings.base_url}{tail}" if settings.base_url else tail
