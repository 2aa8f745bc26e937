"""The environment the benchmarks start user commands in.

A user's installed package has its modules compiled to byte code once (pip compiles them, and
Python caches what it compiles). This machine sets ``PYTHONDONTWRITEBYTECODE=1``, with which
every new process compiles the package's own modules again (about 0.1 s of CPU for ``spc``),
a cost no user pays twice. The commands timed here run without it, so the first run caches the
byte code and the timed runs (median or best of several) start as an installed command does.
"""

from __future__ import annotations

import os

__all__ = ["user_env"]


def user_env() -> dict[str, str]:
    """``os.environ`` less ``PYTHONDONTWRITEBYTECODE``."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
