"""`dutygraph audit verify [--checkpoint FILE]` and `dutygraph audit checkpoint`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from core.audit import checkpoint as checkpoints
from core.audit.verify import Outcome, walk
from core.config import ConfigError, Settings
from core.db import create_engine


def _fail(message: str) -> int:
    print(f"dutygraph: error: {message}", file=sys.stderr)
    return 1


def _with_connection(settings: Settings, work: Callable[[AsyncConnection], Awaitable[int]]) -> int:
    async def run() -> int:
        engine = create_engine(settings.database_url)
        try:
            async with engine.connect() as conn:
                return await work(conn)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(run())
    except OSError as exc:
        return _fail(f"database unreachable: {exc}")
    except Exception as exc:  # one line for the operator, not a traceback
        if type(exc).__module__.startswith(("sqlalchemy", "asyncpg", "sqlite3")):
            return _fail(f"database error: {str(exc).splitlines()[0]}")
        raise


def _report(outcome: Outcome) -> int:
    if outcome.broken is not None:
        print(
            f"audit chain BROKEN at seq {outcome.broken.seq}: {outcome.broken.reason} "
            f"({outcome.events} events verified before it)"
        )
        return 1
    line = f"audit chain OK: {outcome.events} events, head seq {outcome.head_seq}"
    line += f", head hash {outcome.head_hash}"
    if outcome.checkpoints:
        line += f"; {outcome.checkpoints} signed checkpoint(s) match"
    print(line)
    return 0


def cmd_verify(args: argparse.Namespace, settings: Settings) -> int:
    """Walk the chain in seq order; exit 1 naming the first bad seq."""
    loaded: Sequence[checkpoints.Checkpoint] = ()
    if args.checkpoint is not None:
        try:
            text = Path(args.checkpoint).read_text(encoding="utf-8")
            loaded = checkpoints.read_file(text, settings.audit_signing_key())
        except OSError as exc:
            return _fail(f"cannot read checkpoint file: {exc}")
        except (checkpoints.CheckpointError, ConfigError) as exc:
            return _fail(str(exc))

    async def work(conn: AsyncConnection) -> int:
        return _report(await walk(conn=conn, checkpoints=loaded))

    return _with_connection(settings, work)


def cmd_checkpoint(args: argparse.Namespace, settings: Settings) -> int:
    """Print the signed head of the chain as one JSON line (store it outside the database)."""
    try:
        key = settings.audit_signing_key()
    except ConfigError as exc:
        return _fail(str(exc))

    async def work(conn: AsyncConnection) -> int:
        print(checkpoints.to_line(await checkpoints.head(conn=conn), key))
        return 0

    return _with_connection(settings, work)


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `audit verify` and `audit checkpoint`."""
    audit = sub.add_parser("audit", help="verify the hash-chained audit trail")
    actions = audit.add_subparsers(dest="audit_command", required=True)
    verify = actions.add_parser("verify", help="walk the chain; name the first bad seq")
    verify.add_argument(
        "--checkpoint",
        metavar="FILE",
        help="signed checkpoint line(s) from `dutygraph audit checkpoint` (detects truncation)",
    )
    verify.set_defaults(func=cmd_verify)
    checkpoint = actions.add_parser("checkpoint", help="print the signed head as one JSON line")
    checkpoint.set_defaults(func=cmd_checkpoint)
