"""What every `dutygraph` command shares: output, one-line errors, progress, the event loop.

Summaries go to stdout through rich (plain text when it is not a terminal); errors are one
line on stderr ("dutygraph: error: …"); progress bars go to stderr and, when stderr is not
a terminal (logs, CI), become one line per finished phase.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import sys
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from core.config import Settings, get_settings
from core.plugins import PluginError

T = TypeVar("T")
Report = Callable[[str, int, int], None]
"""A progress callback: (phase, done, total)."""

out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)


SETTINGS: contextvars.ContextVar[Settings | None] = contextvars.ContextVar(
    "dutygraph_cli_settings", default=None
)
"""Settings given by the caller (`gateway.cli.invoke`) instead of the environment's."""


def settings() -> Settings:
    """The settings of this run: the caller's, or from the environment (DUTYGRAPH_*)."""
    return SETTINGS.get() or get_settings()


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one line on stderr and stop the command with an exit code."""
    print(f"dutygraph: error: {message}", file=sys.stderr)
    raise typer.Exit(code)


def number(n: int) -> str:
    """12,345 — thousands separated, as the summaries print counts."""
    return f"{n:,}"


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine; a plugin or database failure becomes one line and exit code 1."""
    try:
        return asyncio.run(coro)
    except PluginError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"database unreachable: {exc}")
    except Exception as exc:  # one line for the operator, not a traceback
        if type(exc).__module__.startswith(("sqlalchemy", "asyncpg", "sqlite3")):
            fail(f"database error: {str(exc).splitlines()[0]}")
        raise


class _Lines:
    """Progress without a terminal: one line per phase when it finishes."""

    def __init__(self) -> None:
        self.finished: set[str] = set()

    def __call__(self, phase: str, done: int, total: int) -> None:
        if done >= total and phase not in self.finished:
            self.finished.add(phase)
            print(f"{phase}: {number(total)}", file=sys.stderr)


class _Bars:
    """Progress on a terminal: one rich bar per phase."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        task = self.tasks.get(phase)
        if task is None:
            task = self.tasks[phase] = self.progress.add_task(phase, total=max(total, 1))
        self.progress.update(task, completed=done, total=max(total, 1))


@contextlib.contextmanager
def progress() -> Iterator[Report]:
    """A progress callback for the duration of a long job (bars on a terminal)."""
    if not err.is_terminal:
        yield _Lines()
        return
    bars = Progress(
        TextColumn("{task.description:<24}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )
    with bars:
        yield _Bars(bars)
