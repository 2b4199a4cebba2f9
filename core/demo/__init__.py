"""The demo city: Hangzhou, its districts, towns, villages, departments, sectors and people."""

from core.demo.loader import DEFAULT_SEED, DemoSummary, is_empty, load_demo

__all__ = ["DEFAULT_SEED", "DemoSummary", "is_empty", "load_demo"]
