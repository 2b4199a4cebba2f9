"""The SOE duty library (the five-part responsibility list): parsing and checking the YAML."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LIBRARY_PATH = Path(__file__).resolve().parent / "data" / "soe_duties.yaml"
LIBRARY_URN = "urn:dutygraph:library:soe:duties"
FREQUENCIES = frozenset(
    {"ONCE", "MONTHLY", "QUARTERLY", "HALF_YEARLY", "YEARLY", "TERM", "AS_NEEDED", "CONTINUOUS"}
)
DUTY_KEYS = ("code", "part", "title", "detail", "source", "frequency", "owner")


class LibraryError(ValueError):
    """The library file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class LibraryPart:
    """One of the five lists."""

    code: str
    title: str
    title_en: str


@dataclass(frozen=True)
class LibraryDuty:
    """One duty: what, how often, on whose authority, and who owns it."""

    code: str
    part: str
    title: str
    detail: str
    source: str
    frequency: str
    owner: str


@dataclass(frozen=True)
class DutyLibrary:
    """A versioned duty library."""

    urn: str
    version: str
    name: str
    parts: tuple[LibraryPart, ...]
    duties: tuple[LibraryDuty, ...]

    def owners(self) -> set[str]:
        """Every owner code the duties name (position or category codes)."""
        return {duty.owner for duty in self.duties}


def parse(data: Any, *, where: str) -> DutyLibrary:
    """A checked library from decoded YAML; LibraryError names what is wrong."""
    if not isinstance(data, dict):
        raise LibraryError(f"{where}: the top level must be a mapping")
    for key in ("urn", "version", "name", "parts", "duties"):
        if not data.get(key):
            raise LibraryError(f"{where}: missing {key!r}")
    parts = tuple(
        LibraryPart(str(p["code"]), str(p["title"]), str(p.get("title_en", "")))
        for p in data["parts"]
    )
    duties = tuple(_duty(raw, where) for raw in data["duties"])
    _check(parts, duties, where)
    return DutyLibrary(
        urn=str(data["urn"]),
        version=str(data["version"]),
        name=str(data["name"]),
        parts=parts,
        duties=duties,
    )


def _duty(raw: Any, where: str) -> LibraryDuty:
    if not isinstance(raw, dict):
        raise LibraryError(f"{where}: every duty must be a mapping, got {raw!r}")
    missing = [key for key in DUTY_KEYS if not raw.get(key)]
    if missing:
        raise LibraryError(f"{where}: duty {raw.get('code')!r} lacks {', '.join(missing)}")
    return LibraryDuty(*(str(raw[key]).strip() for key in DUTY_KEYS))


def _check(parts: Iterable[LibraryPart], duties: tuple[LibraryDuty, ...], where: str) -> None:
    part_codes = {part.code for part in parts}
    seen: set[str] = set()
    for duty in duties:
        if duty.code in seen:
            raise LibraryError(f"{where}: duty code {duty.code!r} is given twice")
        seen.add(duty.code)
        if duty.part not in part_codes:
            raise LibraryError(f"{where}: duty {duty.code!r} names unknown part {duty.part!r}")
        if duty.frequency not in FREQUENCIES:
            raise LibraryError(
                f"{where}: duty {duty.code!r} has unknown frequency {duty.frequency!r}"
            )


def check_owners(library: DutyLibrary, known: set[str]) -> None:
    """Fail when a duty's owner is neither a known position nor a known category code."""
    unknown = sorted(library.owners() - known)
    if unknown:
        raise LibraryError(f"{library.urn}: unknown owner codes {', '.join(unknown)}")


def load(path: Path) -> DutyLibrary:
    """Read and check a library file."""
    with path.open(encoding="utf-8") as handle:
        return parse(yaml.safe_load(handle), where=str(path))


@lru_cache(maxsize=1)
def soe_duties() -> DutyLibrary:
    """The bundled SOE five-part list (read once)."""
    return load(LIBRARY_PATH)
