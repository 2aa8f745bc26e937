"""Progress on the terminal for commands that take more than a moment.

``working("Screening")`` shows, on standard error, a spinner with the elapsed time once the work
has taken longer than :data:`SHOW_AFTER_SECONDS` (a bar as well when the work reports
``done``/``total``), and removes it when the work ends. Nothing is shown when standard error is
not a terminal (a pipe, a file, a test) or with ``--quiet``; standard output is never touched.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

__all__ = ["SHOW_AFTER_SECONDS", "quiet_option", "working"]

#: Work shorter than this shows nothing (a flash of a spinner is noise).
SHOW_AFTER_SECONDS = 2.0

F = TypeVar("F", bound=Callable[..., Any])


def quiet_option(function: F) -> F:
    """The ``-q/--quiet`` flag of a long command (passed as ``quiet``)."""
    return click.option("-q", "--quiet", is_flag=True, help="Show no progress on the terminal.")(
        function
    )


@contextmanager
def working(
    description: str,
    *,
    quiet: bool = False,
    after: float = SHOW_AFTER_SECONDS,
    console: Console | None = None,
) -> Iterator[Callable[[int, int], None]]:
    """Show progress of the work in the ``with`` block; yields ``update(done, total)``."""
    console = console or Console(stderr=True)
    if quiet or not console.is_terminal:
        yield lambda done, total: None
        return
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task = progress.add_task(description, total=None)
    lock = threading.Lock()
    shown = False

    def show() -> None:
        nonlocal shown
        with lock:
            if not shown:
                progress.start()
                shown = True

    timer = threading.Timer(after, show)
    timer.daemon = True
    timer.start()

    def update(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    try:
        yield update
    finally:
        timer.cancel()
        with lock:
            if shown:
                progress.stop()
            shown = True  # a timer firing late must not start it again
