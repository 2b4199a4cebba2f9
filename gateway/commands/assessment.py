"""`dutygraph assessment compute | import-economic`: the annual assessment from the command line."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from core.config import Settings


def _fail(message: str) -> int:
    print(f"dutygraph: error: {message}", file=sys.stderr)
    return 1


async def _compute(args: argparse.Namespace, settings: Settings) -> int:
    from core.assessment import cli_ops
    from core.db import create_engine

    engine = create_engine(settings.database_url)
    today = dt.datetime.now(ZoneInfo(settings.timezone)).date()
    started = time.perf_counter()
    try:
        summary = await cli_ops.compute(
            engine=engine,
            scheme_code=args.scheme,
            as_of=args.as_of,
            today=today,
            timezone=settings.timezone,
        )
    finally:
        await engine.dispose()
    print(
        f"assessment {summary.scheme} as of {summary.as_of}: {summary.organizations} results, "
        f"{summary.graded} graded, digest {summary.digest[:16]} in "
        f"{time.perf_counter() - started:.1f} s"
    )
    return 0


async def _import(args: argparse.Namespace, settings: Settings) -> int:
    from core.assessment import cli_ops, economic
    from core.db import create_engine

    engine = create_engine(settings.database_url)
    try:
        count = await cli_ops.import_economic(
            engine=engine, scheme_code=args.scheme, path=Path(args.file)
        )
    except economic.ImportRefused as refused:
        for error in refused.errors:
            print(f"{args.file}:{error.row}: {error.column} {error.message}", file=sys.stderr)
        return _fail(f"{refused} (nothing imported)")
    finally:
        await engine.dispose()
    print(f"assessment {args.scheme}: {count} economic scores imported from {args.file}")
    return 0


def _run(coro: Any) -> int:
    from core.graphql.errors import ServiceError

    try:
        result: int = asyncio.run(coro)
    except ServiceError as exc:
        return _fail(exc.message)
    except OSError as exc:
        return _fail(str(exc))
    return result


def cmd_compute(args: argparse.Namespace, settings: Settings) -> int:
    """Compute (or recompute) a scheme's results."""
    return _run(_compute(args, settings))


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    """Import economic-social scores."""
    return _run(_import(args, settings))


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `dutygraph assessment …`."""
    top = sub.add_parser("assessment", help="the annual assessment (考核评估)")
    commands = top.add_subparsers(dest="assessment_command", required=True)
    compute = commands.add_parser("compute", help="compute a scheme's results")
    compute.add_argument("--scheme", required=True)
    compute.add_argument("--as-of", type=dt.date.fromisoformat, default=None)
    compute.set_defaults(func=cmd_compute)
    imports = commands.add_parser("import-economic", help="import economic-social scores")
    imports.add_argument("--scheme", required=True)
    imports.add_argument("file", help="CSV or xlsx: 组织编码, 经济社会发展实绩分")
    imports.set_defaults(func=cmd_import)
