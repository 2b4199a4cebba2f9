"""`dutygraph library load FILE...`: load duty library files (each only when newer)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from gateway import console


async def _load(files: list[Path]) -> list[str] | None:
    from core.db import create_engine, session_factory
    from core.duties.library import LibraryError
    from core.duties.service import load_library

    engine = create_engine(console.settings().database_url)
    lines: list[str] = []
    try:
        async with session_factory(engine).begin() as session:
            with console.progress() as report:
                report("职责库", 0, len(files))
                for done, path in enumerate(files, start=1):
                    result = await load_library(session=session, path=path, actor="cli")
                    lines.append(result.describe())
                    report("职责库", done, len(files))
    except LibraryError as exc:
        print(f"dutygraph: error: {exc} (nothing loaded)", file=sys.stderr)
        return None
    finally:
        await engine.dispose()
    return lines


def register(app: typer.Typer) -> None:
    """Add `library load`."""
    group = typer.Typer(help="Duty libraries (responsibility lists).", no_args_is_help=True)
    app.add_typer(group, name="library")

    @group.command("load")
    def load(
        files: list[Path] = typer.Argument(
            ..., metavar="FILE...", help="YAML library files, loaded in this order."
        ),
    ) -> None:
        """Load library files in one transaction: all of them, or none on the first refusal.

        Each file loads only if its version is newer than the loaded one.
        """
        lines = console.run(_load(files))
        if lines is None:
            raise typer.Exit(1)
        for line in lines:
            print(line)
