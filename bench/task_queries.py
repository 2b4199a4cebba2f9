"""Latency of MyTasks (a town secretary) and TaskProgress (a district) over HTTP.

    python -m bench.task_queries [--url http://127.0.0.1:8000] [--year 2027] [-n 200]

Run against a warm `dutygraph serve` on the PostgreSQL database that
`python -m bench.calendar_generate --keep` left (same DUTYGRAPH_JWT_SECRET, so the
development tokens minted here are accepted). Prints median and p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import httpx

from core.auth import tokens
from core.config import from_env

MY_TASKS = """
query MyTasks($from: Date!, $to: Date!, $status: TaskStatus, $first: Int = 100, $after: String) {
  viewer {
    tasks(from: $from, to: $to, status: $status, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id title dueOn status version organization { code } duty { code } } }
    }
  }
}"""
PROGRESS = """
query TaskProgress($code: String!, $from: Date!, $to: Date!) {
  taskProgress(withinCode: $code, from: $from, to: $to) { total done overdue onTimeRate }
}"""
FIRST_TOWN = """
query { organizations(filter: {withinCode: "%s", categoryCode: "TOWN"}, first: 1) {
  edges { node { code } } } }"""


def _post(client: httpx.Client, user: str, query: str, variables: dict[str, Any]) -> Any:
    token = tokens.mint(settings=from_env(), username=user)
    response = client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    response.raise_for_status()
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def _measure(n: int, call: Any) -> tuple[float, float]:
    call()  # warm the caches and the connection pool
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.task_queries", description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--year", type=int, default=time.localtime().tm_year + 1)
    parser.add_argument("--district", default="330106")
    parser.add_argument("--district-user", default="xihu")
    parser.add_argument("-n", type=int, default=200)
    args = parser.parse_args(argv)
    span = {"from": f"{args.year}-01-01", "to": f"{args.year}-12-31"}
    with httpx.Client(base_url=args.url, timeout=30) as client:
        town = _post(client, "admin", FIRST_TOWN % args.district, {})
        code = town["organizations"]["edges"][0]["node"]["code"]
        user = f"sec-{code}"
        mine = _post(client, user, MY_TASKS, span)["viewer"]["tasks"]["totalCount"]
        progress = _post(client, args.district_user, PROGRESS, {"code": args.district, **span})
        print(f"MyTasks as {user}: {mine} tasks in {args.year}")
        print(f"TaskProgress {args.district}: {progress['taskProgress']}")
        for name, call in (
            ("MyTasks", lambda: _post(client, user, MY_TASKS, span)),
            (
                "TaskProgress",
                lambda: _post(
                    client, args.district_user, PROGRESS, {"code": args.district, **span}
                ),
            ),
        ):
            median, p95 = _measure(args.n, call)
            print(f"  {name:<13} median {median:6.1f} ms   p95 {p95:6.1f} ms   (n={args.n})")


if __name__ == "__main__":
    main()
