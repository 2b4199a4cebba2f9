"""Library kinds: each file goes to the loader of its `kind:` (duties when absent).

A domain adds a kind with one line in LOADERS (`"module:function"`, imported on first use
so that this module imports no domain). Every loader has the signature of
`core.duties.service.load_library` and returns something with `describe() -> str`.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Protocol, cast

from sqlalchemy.ext.asyncio import AsyncSession

from core.libraries.reader import YamlReader, compose, read_text

LOADERS: dict[str, str] = {
    "duties": "core.duties.service:load_library",
    "report_indicators": "core.reports.loading:load_library",
    "report_form": "core.reports.loading:load_library",
    "assessment_scheme": "core.assessment.loading:load_library",
    "assessment_items": "core.assessment.loading:load_library",
    "procedure": "core.supervision.loading:load_library",
    "inspection_checklist": "core.supervision.loading:load_library",
}
READERS: dict[str, str] = {
    "duties": "core.duties.library:read",
    "report_indicators": "core.reports.library:read",
    "report_form": "core.reports.library:read",
    "assessment_scheme": "core.assessment.library:read",
    "assessment_items": "core.assessment.library:read",
    "procedure": "core.supervision.library:read",
    "inspection_checklist": "core.supervision.library:read",
}
"""Each kind's reader (`read(path)`, no database): start-up checks every plugin's files."""
ALIASES: dict[str, str] = {
    "duty_list": "duties",
    "duty_descriptions": "duties",
    "operating_procedure": "procedure",
    "checklist": "inspection_checklist",
}
TARGETS: dict[str, str] = {
    "report_indicators": "core.reports.loading:absent_forms",
    "assessment_items": "core.assessment.loading:absent_schemes",
}
"""Kinds that join something loaded before them (a form, a scheme): what is not there yet."""
DEFAULT_KIND = "duties"


class LoadResult(Protocol):
    """What loading one file did: status LOADED, UPGRADED, UNCHANGED or OLDER."""

    @property
    def urn(self) -> str: ...

    @property
    def version(self) -> str: ...

    @property
    def status(self) -> str: ...

    def describe(self) -> str:
        """One line for the operator."""
        ...


Loader = Callable[..., Awaitable[LoadResult]]


def kind_of(path: Path) -> str:
    """The file's kind (its `kind:` key, aliases resolved); LibraryError when unknown."""
    reader = YamlReader(str(path))
    root = compose(read_text(path), path=str(path))
    fields = reader.mapping(root, "库文件 (library)")
    raw = reader.text(fields, "kind", limit=40)
    kind = ALIASES.get(raw or DEFAULT_KIND, raw or DEFAULT_KIND)
    if kind not in LOADERS:
        known = ", ".join(sorted(LOADERS))
        raise reader.fail(
            fields["kind"][1], f"未知的库类型 kind={raw!r}，可用: {known} (unknown kind)"
        )
    return kind


async def absent_targets(*, session: AsyncSession, path: Path) -> list[str]:
    """The forms or schemes a joining file names that are not loaded (empty: it may load)."""
    target = TARGETS.get(kind_of(path))
    if target is None:
        return []
    module, _, name = target.partition(":")
    found: list[str] = await getattr(importlib.import_module(module), name)(
        session=session, path=Path(path)
    )
    return found


def loader(kind: str) -> Loader:
    """The load function of a kind."""
    module, _, name = LOADERS[kind].partition(":")
    return cast(Loader, getattr(importlib.import_module(module), name))


def check_file(path: Path) -> None:
    """Read a file with its kind's reader; LibraryError (`file:line: reason`) when refused."""
    kind = kind_of(Path(path))
    module, _, name = READERS[kind].partition(":")
    getattr(importlib.import_module(module), name)(Path(path))


async def load_files(
    *,
    session: AsyncSession,
    paths: Sequence[Path],
    actor: str | None,
    plugin: str | None = None,
    actor_id: int | None = None,
) -> list[LoadResult]:
    """Load files in order, each by its kind, in the caller's transaction (all or none)."""
    results = []
    for path in paths:
        load = loader(kind_of(Path(path)))
        result = await load(
            session=session, path=Path(path), actor=actor, plugin=plugin, actor_id=actor_id
        )
        results.append(result)
    return results
