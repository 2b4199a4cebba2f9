"""The SOE duty library (the five-part responsibility list), read with the core loader.

The file uses the core library format (docs/libraries.md) in its flat form: one `duties`
list whose entries name their `owner` (a category or position code) and their `part`
(one of the five lists). It is loaded into the database when the plugin is enabled.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.duties import library as core_library

LIBRARY_PATH = Path(__file__).resolve().parent / "data" / "soe_duties.yaml"
LIBRARY_URN = "urn:dutygraph:library:soe:duties"
FREQUENCIES = frozenset(core_library.FREQUENCIES)


class LibraryError(ValueError):
    """The library file is malformed; the message names the file, the line and the reason."""


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


def check_owners(library: DutyLibrary, known: set[str]) -> None:
    """Fail when a duty's owner is neither a known position nor a known category code."""
    unknown = sorted(library.owners() - known)
    if unknown:
        raise LibraryError(f"{library.urn}: unknown owner codes {', '.join(unknown)}")


def load(path: Path) -> DutyLibrary:
    """Read and check a library file (core format); LibraryError names file:line."""
    try:
        parsed = core_library.read(path)
    except core_library.LibraryError as exc:
        raise LibraryError(str(exc)) from exc
    return DutyLibrary(
        urn=parsed.urn,
        version=parsed.version,
        name=parsed.title,
        parts=tuple(LibraryPart(p.code, p.title, p.title_en) for p in parsed.parts),
        duties=tuple(
            LibraryDuty(
                duty.code,
                duty.part or "",
                duty.title,
                duty.detail,
                duty.source,
                duty.frequency,
                owner.code,
            )
            for owner, duty in parsed.duties()
        ),
    )


@lru_cache(maxsize=1)
def soe_duties() -> DutyLibrary:
    """The bundled SOE five-part list (read once)."""
    return load(LIBRARY_PATH)
