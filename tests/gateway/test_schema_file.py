"""The committed schema.graphql is what the code builds (regenerate with `make schema`)."""

from __future__ import annotations

from pathlib import Path

from core.config import Settings
from core.plugins import create_manager
from gateway.schema import build_schema

ROOT = Path(__file__).resolve().parents[2]


def test_committed_schema_matches_code() -> None:
    built = build_schema(create_manager(Settings())).as_str() + "\n"
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == built, "schema.graphql is stale: run `make schema` and commit it"
