"""`dutygraph audit verify [--checkpoint FILE]` and `dutygraph audit checkpoint`.

With DUTYGRAPH_AUDIT_CHECKPOINT_FILE set (a path outside the database, on write-once or at
least separate storage), `audit checkpoint` also appends its line there and plain
`audit verify` reads that file: a cut-off tail is caught without anyone passing a flag.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import typer
from sqlalchemy import func, select

from core.audit import checkpoint as checkpoints
from core.audit.models import AuditEvent
from core.audit.verify import Outcome, walk
from core.config import ConfigError
from core.db import create_engine
from gateway import console


async def _verify(loaded: Sequence[checkpoints.Checkpoint]) -> Outcome:
    engine = create_engine(console.settings().database_url)
    try:
        async with engine.connect() as conn:
            total = await conn.scalar(select(func.count()).select_from(AuditEvent)) or 0
            with console.progress() as report:
                report("审计链校验", 0, total)
                outcome = await walk(
                    conn=conn,
                    checkpoints=loaded,
                    progress=lambda done: report("审计链校验", done, total),
                )
                report("审计链校验", total, total)
            return outcome
    finally:
        await engine.dispose()


def _report(outcome: Outcome) -> None:
    """The verdict line documented in docs/audit.md (kept stable for monitoring scripts)."""
    if outcome.broken is not None:
        print(
            f"audit chain BROKEN at seq {outcome.broken.seq}: {outcome.broken.reason} "
            f"({outcome.events} events verified before it)"
        )
        raise typer.Exit(1)
    line = f"audit chain OK: {outcome.events} events, head seq {outcome.head_seq}"
    line += f", head hash {outcome.head_hash}"
    if outcome.checkpoints:
        line += f"; {outcome.checkpoints} signed checkpoint(s) match"
    print(line)


async def _head() -> checkpoints.Checkpoint:
    engine = create_engine(console.settings().database_url)
    try:
        async with engine.connect() as conn:
            return await checkpoints.head(conn=conn)
    finally:
        await engine.dispose()


def _append(path: Path, line: str) -> None:
    """Append one line (O_APPEND: concurrent writers never interleave within a line)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(line.rstrip("\n") + "\n")


def register(app: typer.Typer) -> None:
    """Add `audit verify` and `audit checkpoint`."""
    group = typer.Typer(help="The hash-chained audit trail.", no_args_is_help=True)
    app.add_typer(group, name="audit")

    @group.command("verify")
    def verify(
        checkpoint: Path | None = typer.Option(
            None,
            metavar="FILE",
            help="Signed checkpoint line(s) from `dutygraph audit checkpoint` "
            "(detects a truncated or rewritten chain).",
        ),
    ) -> None:
        """Walk the chain in seq order; exit 1 naming the first bad seq."""
        loaded: Sequence[checkpoints.Checkpoint] = ()
        configured = console.settings().audit_checkpoint_file
        if checkpoint is None and configured:
            checkpoint = Path(configured)
            if not checkpoint.is_file():
                console.fail(
                    f"配置的审计检查点文件不存在 (DUTYGRAPH_AUDIT_CHECKPOINT_FILE {configured} "
                    "is missing: restore it, or the chain cannot be checked for truncation)"
                )
        if checkpoint is not None:
            try:
                text = checkpoint.read_text(encoding="utf-8")
                loaded = checkpoints.read_file(text, console.settings().audit_signing_key())
            except OSError as exc:
                console.fail(f"cannot read checkpoint file: {exc}")
            except (checkpoints.CheckpointError, ConfigError) as exc:
                console.fail(str(exc))
        _report(console.run(_verify(loaded)))

    @group.command("checkpoint")
    def checkpoint_() -> None:
        """Print the signed head of the chain as one JSON line (keep it outside the database);
        also append it to DUTYGRAPH_AUDIT_CHECKPOINT_FILE when that is set."""
        try:
            key = console.settings().audit_signing_key()
        except ConfigError as exc:
            console.fail(str(exc))
        line = checkpoints.to_line(console.run(_head()), key)
        configured = console.settings().audit_checkpoint_file
        if configured:
            try:
                _append(Path(configured), line)
            except OSError as exc:
                console.fail(f"cannot write the checkpoint file: {exc}")
        print(line)

    checkpoint_.__name__ = "checkpoint"
