"""Records an explanation can name (shared by assessment, reports and supervision)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RecordRef:
    """A record an explanation can name: its kind, id, a short label and why it counts."""

    kind: str  # "task", "finding", "flag", "report", "rating", ...
    id: str  # the global id (e.g. "Finding:12")
    label: str  # zh-CN, short: a code or a title
    detail: str  # zh-CN: why it counts (e.g. "逾期 12 天未整改")
