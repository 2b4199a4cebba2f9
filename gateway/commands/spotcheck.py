"""`dutygraph spotcheck verify ID`: redraw a spot check from its stored population, seed and
algorithm, and compare with the sample it recorded (anyone may check a published draw)."""

from __future__ import annotations

import typer

from gateway import console


def _key(text: str) -> int | None:
    from core.graphql import ids

    cleaned = text.strip()
    if cleaned.isascii() and cleaned.isdigit():
        return int(cleaned)
    return ids.decode_int(cleaned, "SpotCheck")


async def _verify(key: int) -> tuple[bool, list[str]] | None:
    from core.db import create_engine, session_factory
    from core.supervision.spotchecks import verify

    engine = create_engine(console.settings().database_url)
    try:
        async with session_factory(engine)() as session:
            found = await verify(session=session, spot_check_id=key)
    finally:
        await engine.dispose()
    return None if found is None else (found.ok, found.lines)


def register(app: typer.Typer) -> None:
    """Add `spotcheck verify`."""
    group = typer.Typer(help="Random spot checks (随机抽查).", no_args_is_help=True)
    app.add_typer(group, name="spotcheck")

    @group.command("verify")
    def verify(
        spot_check_id: str = typer.Argument(
            ..., help="The spot check's number or global id (SpotCheck:…)."
        ),
    ) -> None:
        """Redraw a spot check and compare it with the recorded sample (exit 1 if different)."""
        key = _key(spot_check_id)
        found = None if key is None else console.run(_verify(key))
        if found is None:
            console.fail(f"抽查 {spot_check_id} 不存在 (no such spot check)")
        ok, lines = found
        for line in lines:
            console.out.print(line)
        if not ok:
            raise typer.Exit(1)
