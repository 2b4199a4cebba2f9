"""`dutygraph library load FILE [FILE...]`: load duty library files (only when newer)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from core.config import Settings


async def _load(files: list[Path], settings: Settings) -> int:
    from core.db import create_engine, session_factory
    from core.duties.library import LibraryError
    from core.duties.service import load_libraries

    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine).begin() as session:
            results = await load_libraries(session=session, paths=files, actor="cli")
    except LibraryError as exc:
        print(f"dutygraph: error: {exc} (nothing loaded)", file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    for result in results:
        print(result.describe())
    return 0


def cmd_library_load(args: argparse.Namespace, settings: Settings) -> int:
    """Load library files in one transaction: all of them, or none on the first refusal."""
    from gateway.cli import _run  # the CLI's one-line handling of database errors

    return _run(_load(list(args.files), settings))


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `library load`."""
    library = sub.add_parser("library", help="duty libraries (responsibility lists)")
    actions = library.add_subparsers(dest="library_command", required=True)
    load = actions.add_parser(
        "load", help="load YAML library files; each loads only if newer than the loaded one"
    )
    load.add_argument("files", nargs="+", type=Path, metavar="FILE")
    load.set_defaults(func=cmd_library_load)
