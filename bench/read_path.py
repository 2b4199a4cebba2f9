"""`make bench`: the read path side by side with PostGraphile 5, on the scale-15 demo city.

    python -m bench.read_path [--rounds 3] [--seconds 5] [--workers 1] [--fresh]

Loads the demo city at --scale 15 (with this year's tasks) into a database of its own
(kept for the next run; --fresh reloads it), starts `dutygraph serve` and PostGraphile 5
(one process each) over it, and runs wrk at c=1 and c=10 in alternating rounds (the
order flips every round; the machine is shared, so ratios are what to read). Every body
is checked (data, no errors, the expected record). Prints rps, p50, p99 and the ratio
per query, CPU per request of each server process, SQL statements per request, and the
per-field cost of strawberry against raw graphql-core.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench import field_overhead, servers, statements, wrk
from bench.read_queries import Pair, pairs
from core.auth import tokens
from core.config import from_env

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/dutygraph_bench_read"


@dataclass
class Sample:
    result: wrk.Result
    cpu_ms: float


async def _town(url: str) -> tuple[str, int]:
    """A town/street of 西湖区 whose secretary has tasks this year."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            row = (
                await conn.execute(
                    text(
                        "SELECT o.code, o.id FROM organization o JOIN account a"
                        " ON a.username = 'sec-' || o.code WHERE o.code LIKE '330106___'"
                        " ORDER BY o.code LIMIT 1"
                    )
                )
            ).one()
    finally:
        await engine.dispose()
    return str(row[0]), int(row[1])


def _measure(
    server: servers.Server,
    body: dict[str, object],
    token: str | None,
    expect: str,
    c: int,
    seconds: float,
    *,
    warm: bool = False,
) -> Sample:
    before = server.cpu_seconds()
    result = wrk.run(server.url, body, token=token, expect=expect, c=c, seconds=seconds)
    used = server.cpu_seconds() - before
    if result.bad or result.errors:
        raise SystemExit(
            f"{server.name}: {result.bad} bad bodies, {result.errors} errors in {result.requests}"
            f" requests for {body['query']!r}"
        )
    return Sample(result, used * 1000 / max(result.requests, 1))


def _rounds(
    ours: servers.Server,
    theirs: servers.Server | None,
    queries: list[Pair],
    rounds: int,
    seconds: float,
) -> dict[tuple[str, int, str], list[Sample]]:
    settings = from_env()
    samples: dict[tuple[str, int, str], list[Sample]] = defaultdict(list)
    for pair in queries:  # warm both (plans, caches, JIT)
        token = tokens.mint(settings=settings, username=pair.user)
        _measure(ours, pair.ours, token, pair.expect, 2, 1.0, warm=True)
        if theirs is not None and pair.theirs is not None:
            _measure(theirs, pair.theirs, None, pair.their_expect, 2, 1.0, warm=True)
    for number in range(rounds):
        for pair in queries:
            token = tokens.mint(settings=settings, username=pair.user)
            for c in (1, 10):
                runs: list[tuple[str, servers.Server, dict[str, object], str | None, str]] = [
                    ("dutygraph", ours, pair.ours, token, pair.expect)
                ]
                if theirs is not None and pair.theirs is not None:
                    runs.append(("postgraphile", theirs, pair.theirs, None, pair.their_expect))
                if number % 2:
                    runs.reverse()
                for name, server, body, tok, expect in runs:
                    sample = _measure(server, body, tok, expect, c, seconds)
                    samples[(pair.name, c, name)].append(sample)
                    print(
                        f"  round {number + 1} {pair.name:<26} c={c:<2} {name:<12}"
                        f" {sample.result.rps:8.1f} rps",
                        flush=True,
                    )
    return samples


def _report(samples: dict[tuple[str, int, str], list[Sample]], queries: list[Pair]) -> None:
    print()
    print(
        "| query | c | dutygraph rps | p50 ms | p99 ms | PostGraphile rps | p50 ms | p99 ms "
        "| ratio | CPU/req ms (ours / theirs) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for pair in queries:
        for c in (1, 10):
            ours = samples[(pair.name, c, "dutygraph")]
            theirs = samples.get((pair.name, c, "postgraphile"), [])
            row = [pair.name, str(c), *_figures(ours)]
            if theirs:
                ratios = [a.result.rps / b.result.rps for a, b in zip(ours, theirs, strict=True)]
                cpu = (
                    f"{_median(s.cpu_ms for s in ours):.2f} / "
                    f"{_median(s.cpu_ms for s in theirs):.2f}"
                )
                row += [*_figures(theirs), f"{statistics.median(ratios):.2f}×", cpu]
            else:
                row += ["–", "–", "–", "–", f"{_median(s.cpu_ms for s in ours):.2f} / –"]
            print("| " + " | ".join(row) + " |")


def _median(values: object) -> float:
    return statistics.median(list(values))  # type: ignore[call-overload]


def _figures(samples: list[Sample]) -> list[str]:
    return [
        f"{_median(s.result.rps for s in samples):,.0f}",
        f"{_median(s.result.p50_ms for s in samples):.2f}",
        f"{_median(s.result.p99_ms for s in samples):.2f}",
    ]


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.read_path", description=__doc__)
    parser.add_argument(
        "--database-url", default=os.environ.get("DUTYGRAPH_BENCH_READ_URL", DEFAULT_URL)
    )
    parser.add_argument("--scale", type=int, default=15)
    parser.add_argument("--fresh", action="store_true", help="reload the database")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of one wrk run")
    parser.add_argument("--workers", type=int, default=1, help="dutygraph worker processes")
    parser.add_argument("--no-postgraphile", action="store_true", help="dutygraph alone")
    parser.add_argument(
        "--only", action="append", default=[], help="run only queries whose name contains this"
    )
    args = parser.parse_args(argv)
    servers.ensure_tools()
    asyncio.run(servers.prepare_database(args.database_url, scale=args.scale, fresh=args.fresh))
    town_code, town_id = asyncio.run(_town(args.database_url))
    queries = [
        pair
        for pair in pairs(town_code, town_id)
        if not args.only or any(part in pair.name for part in args.only)
    ]
    print("\nSQL statements per request (principal loaded / cached):")
    for name, counts in asyncio.run(statements.count(args.database_url, queries)).items():
        print(f"  {name:<28} {counts[0]} / {counts[1]}")
    print("\nper-field cost (a list of objects with plain fields):")
    field_overhead.report()
    print(f"\nwrk: {args.rounds} rounds of {args.seconds:g} s per query, server and c", flush=True)
    with servers.dutygraph(args.database_url, 8781, args.workers) as ours:
        if args.no_postgraphile:
            _report(_rounds(ours, None, queries, args.rounds, args.seconds), queries)
            return
        with servers.postgraphile(args.database_url, 8782) as theirs:
            _report(_rounds(ours, theirs, queries, args.rounds, args.seconds), queries)


if __name__ == "__main__":
    main()
