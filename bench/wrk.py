"""One wrk run: POST a GraphQL body, check every response body, read rps and latencies."""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SCRIPT = """\
wrk.method = "POST"
wrk.body = %(body)s
wrk.headers["Content-Type"] = "application/json"
%(headers)s
bad = 0
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  bad = 0
end
function response(status, headers, body)
  if status ~= 200 or string.sub(body, 1, 9) ~= '{"data":{'
     or string.find(body, '"errors"', 1, true)
     or not string.find(body, %(expect)s, 1, true) then
    bad = bad + 1
  end
end
function done(summary, latency, requests)
  local total_bad = 0
  for _, thread in ipairs(threads) do
    total_bad = total_bad + thread:get("bad")
  end
  io.write(string.format(
    'WRK_RESULT {"requests": %%d, "seconds": %%f, "p50_ms": %%f, "p99_ms": %%f, "bad": %%d, '
    .. '"errors": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, total_bad,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout))
end
"""


@dataclass(frozen=True)
class Result:
    """What one run measured."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    bad: int
    errors: int

    @property
    def rps(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def _lua(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid Lua string literal for our bodies


def run(
    url: str, body: dict[str, object], *, token: str | None, expect: str, c: int, seconds: float
) -> Result:
    """wrk -c `c` for `seconds`; every body must hold data, no errors, and `expect`."""
    headers = f'wrk.headers["Authorization"] = {_lua("Bearer " + token)}' if token else ""
    script = SCRIPT % {
        "body": _lua(json.dumps(body)),
        "headers": headers,
        "expect": _lua(expect),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
        path = Path(handle.name)
    try:
        out = subprocess.run(
            [
                *("wrk", "-t", "1", "-c", str(c), "--timeout", "30s"),
                *("-d", f"{max(1, round(seconds))}s", "-s", str(path), url),
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        path.unlink(missing_ok=True)
    line = next(line for line in out.splitlines() if line.startswith("WRK_RESULT "))
    return Result(**json.loads(line.removeprefix("WRK_RESULT ")))
