"""Loading duty libraries into the database: versioned, whole or not at all, audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pluggy
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.db import utcnow
from core.duties.library import Library, LibraryError, OwnerSpec, read
from core.duties.models import Duty, DutyDescription, DutyLibrary, DutyManual
from core.graphql.errors import ErrorCode, ServiceError
from core.libraries import kinds, versions
from core.orgs.models import OrgCategory, Position
from core.plugins import call_one

CORE_DATA = Path(__file__).resolve().parent / "data"
DUTY_FIELDS = ("title", "detail", "source", "frequency", "rrule", "lead_days", "part")


@dataclass(frozen=True)
class LoadResult:
    """What loading one file did."""

    path: str
    urn: str
    version: str
    previous: str | None
    status: str  # LOADED | UPGRADED | UNCHANGED | OLDER
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line for the operator."""
        head = f"{self.path}: {self.urn} {self.version}"
        if self.status == "UNCHANGED":
            return f"{head} already loaded, nothing to do"
        if self.status == "OLDER":
            return f"{head} is older than the loaded {self.previous}, skipped"
        verb = "loaded" if self.status == "LOADED" else f"upgraded from {self.previous}"
        counts = (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.retired)} retired"
        )
        return f"{head} {verb}: {counts}"


@dataclass
class _Target:
    """A description (category) or manual (position) the file fills, resolved to an id."""

    kind: str
    owner_id: int
    title: str
    line: int
    duties: list[Any] = field(default_factory=list)


async def _codes(
    session: AsyncSession, model: type[OrgCategory] | type[Position], codes: set[str]
) -> dict[str, int]:
    if not codes:
        return {}
    rows = await session.execute(select(model.code, model.id).where(model.code.in_(codes)))
    return {row.code: row.id for row in rows}


def _owner_id(
    lib: Library, owner: OwnerSpec, cats: dict[str, int], posts: dict[str, int]
) -> tuple[str, int]:
    if owner.kind == "category" and owner.code in cats:
        return "category", cats[owner.code]
    if owner.kind == "position" and owner.code in posts:
        return "position", posts[owner.code]
    if owner.kind == "owner" and (owner.code in cats) != (owner.code in posts):
        return (
            ("category", cats[owner.code])
            if owner.code in cats
            else ("position", posts[owner.code])
        )
    what = {"category": "组织类别 (category)", "position": "职务 (position)"}.get(
        owner.kind, "组织类别或职务 (category or position)"
    )
    raise LibraryError(lib.path, owner.line, f"未知的{what}代码 {owner.code!r} (unknown code)")


async def _resolve(session: AsyncSession, lib: Library) -> dict[tuple[str, int], _Target]:
    wanted = {o.code for o in lib.owners}
    cats = await _codes(session, OrgCategory, wanted)
    posts = await _codes(session, Position, wanted)
    targets: dict[tuple[str, int], _Target] = {}
    for owner in lib.owners:
        kind, owner_id = _owner_id(lib, owner, cats, posts)
        target = targets.setdefault(
            (kind, owner_id), _Target(kind, owner_id, lib.title, owner.line)
        )
        if owner.title is not None:
            target.title = owner.title
        target.duties.extend(owner.duties)
    return targets


async def _check_conflicts(
    session: AsyncSession,
    lib: Library,
    library_id: int | None,
    targets: dict[tuple[str, int], _Target],
) -> None:
    lines = {duty.code: duty.line for _owner, duty in lib.duties()}
    if lines:
        rows = await session.execute(
            select(Duty.code, DutyLibrary.urn)
            .join(DutyLibrary, DutyLibrary.id == Duty.library_id)
            .where(Duty.code.in_(lines), DutyLibrary.id != (library_id or 0))
        )
        taken = sorted((lines[code], code, urn) for code, urn in rows)
        if taken:
            line, code, urn = taken[0]
            raise LibraryError(lib.path, line, f"职责编码 {code!r} 已属于库 {urn} (code taken)")
    for kind, model, column in (
        ("category", DutyDescription, DutyDescription.category_id),
        ("position", DutyManual, DutyManual.position_id),
    ):
        ids = [owner_id for (k, owner_id) in targets if k == kind]
        if not ids:
            continue
        rows = await session.execute(
            select(column, DutyLibrary.urn)
            .join(DutyLibrary, DutyLibrary.id == model.library_id)
            .where(
                column.in_(ids), model.library_id != (library_id or 0), model.retired_at.is_(None)
            )
        )
        owned = sorted((targets[(kind, int(owner_id))].line, urn) for owner_id, urn in rows)
        if owned:
            line, urn = owned[0]
            reason = f"该{kind}的职责已由库 {urn} 提供 (owned by another library)"
            raise LibraryError(lib.path, line, reason)


async def _owners_of(
    session: AsyncSession, kind: str, library_id: int, owner_ids: list[int]
) -> dict[int, DutyDescription | DutyManual]:
    """Existing descriptions/manuals of this library or of the targeted owners, by owner id."""
    found: list[DutyDescription | DutyManual] = []
    if kind == "category":
        found.extend(
            await session.scalars(
                select(DutyDescription).where(
                    (DutyDescription.library_id == library_id)
                    | DutyDescription.category_id.in_(owner_ids)
                )
            )
        )
    else:
        found.extend(
            await session.scalars(
                select(DutyManual).where(
                    (DutyManual.library_id == library_id) | DutyManual.position_id.in_(owner_ids)
                )
            )
        )
    return {_owner_key(row): row for row in found}


def _owner_key(row: DutyDescription | DutyManual) -> int:
    return row.category_id if isinstance(row, DutyDescription) else row.position_id


async def _write_owners(
    session: AsyncSession, library_id: int, targets: dict[tuple[str, int], _Target]
) -> dict[tuple[str, int], int]:
    """Create, update or retire the library's descriptions and manuals; ids by target."""
    now = utcnow()
    out: dict[tuple[str, int], int] = {}
    for kind, model in (("category", DutyDescription), ("position", DutyManual)):
        wanted = {owner_id: t for (k, owner_id), t in targets.items() if k == kind}
        existing = await _owners_of(session, kind, library_id, list(wanted))
        for owner_id, target in wanted.items():
            row = existing.get(owner_id)
            if row is None:
                key = "category_id" if kind == "category" else "position_id"
                row = model(library_id=library_id, title=target.title, **{key: owner_id})
                session.add(row)
            row.library_id, row.title, row.retired_at = library_id, target.title, None
        for owner_id, row in existing.items():
            if owner_id not in wanted and row.library_id == library_id and row.retired_at is None:
                row.retired_at = now
        await session.flush()
        refreshed = await _owners_of(session, kind, library_id, list(wanted))
        out.update({(kind, owner_id): refreshed[owner_id].id for owner_id in wanted})
    return out


async def _write_duties(
    session: AsyncSession,
    library_id: int,
    targets: dict[tuple[str, int], _Target],
    owner_rows: dict[tuple[str, int], int],
) -> tuple[list[str], list[str], list[str]]:
    """Upsert duties by code (ids kept); retire those the file no longer has."""
    now = utcnow()
    existing = {
        d.code: d for d in await session.scalars(select(Duty).where(Duty.library_id == library_id))
    }
    added: list[str] = []
    updated: list[str] = []
    seen: set[str] = set()
    for key, target in targets.items():
        for order, spec in enumerate(target.duties, start=1):
            seen.add(spec.code)
            values: dict[str, Any] = {name: getattr(spec, name) for name in DUTY_FIELDS}
            values["description_id"] = owner_rows[key] if key[0] == "category" else None
            values["manual_id"] = owner_rows[key] if key[0] == "position" else None
            duty = existing.get(spec.code)
            if duty is None:
                session.add(
                    Duty(
                        code=spec.code,
                        library_id=library_id,
                        sort_order=order * 10,
                        version=1,
                        **values,
                    )
                )
                added.append(spec.code)
                continue
            changed = any(getattr(duty, name) != value for name, value in values.items())
            if changed or duty.retired_at is not None:
                for name, value in values.items():
                    setattr(duty, name, value)
                duty.version += 1
                duty.retired_at = None
                updated.append(spec.code)
            duty.sort_order = order * 10
    retired = []
    for code, duty in existing.items():
        if code not in seen and duty.retired_at is None:
            duty.retired_at = now
            retired.append(code)
    await session.flush()
    return added, updated, retired


async def load_library(
    *,
    session: AsyncSession,
    path: Path,
    actor: str | None,
    plugin: str | None = None,
    actor_id: int | None = None,
) -> LoadResult:
    """Load a library file if it is newer than the loaded one; LibraryError names file:line.

    `plugin` (default: the file's own `plugin:` key) marks the library as a plugin's.
    """
    lib = read(path)
    row = await session.scalar(select(DutyLibrary).where(DutyLibrary.urn == lib.urn))
    targets = await _resolve(session, lib)
    await _check_conflicts(session, lib, None if row is None else row.id, targets)
    previous = None if row is None else row.version
    status = versions.decide(
        path=lib.path,
        version=lib.version,
        content_hash=lib.content_hash,
        loaded_version=previous,
        loaded_hash=None if row is None else row.content_hash,
    )
    if status in (versions.OLDER, versions.UNCHANGED):
        return LoadResult(lib.path, lib.urn, lib.version, previous, status)
    if row is None:
        row = DutyLibrary(urn=lib.urn)
        session.add(row)
    row.version, row.title, row.plugin = lib.version, lib.title, plugin or lib.plugin
    row.content_hash, row.loaded_at, row.loaded_by = lib.content_hash, utcnow(), actor
    await session.flush()
    owner_rows = await _write_owners(session, row.id, targets)
    added, updated, retired = await _write_duties(session, row.id, targets, owner_rows)
    await audit.append(
        session=session,
        actor_id=actor_id,
        actor_username=actor,
        action="duty_library.load",
        entity_type="DutyLibrary",
        entity_id=lib.urn,
        changes={
            "version": [previous, lib.version],
            "added": added,
            "updated": updated,
            "retired": retired,
        },
    )
    return LoadResult(
        lib.path,
        lib.urn,
        lib.version,
        previous,
        status,
        tuple(added),
        tuple(updated),
        tuple(retired),
    )


async def load_libraries(
    *,
    session: AsyncSession,
    paths: Sequence[Path],
    actor: str | None,
    plugin: str | None = None,
    actor_id: int | None = None,
) -> list[kinds.LoadResult]:
    """Load several library files of any kind in order, in the caller's transaction (one
    refusal: roll back all)."""
    return await kinds.load_files(
        session=session, paths=paths, actor=actor, plugin=plugin, actor_id=actor_id
    )


def core_library_files() -> list[Path]:
    """The core library files (core/duties/data/*.yaml), in name order."""
    return sorted(CORE_DATA.glob("*.yaml"))


async def load_core_libraries(
    *, session: AsyncSession, actor: str | None
) -> list[kinds.LoadResult]:
    """Load (or upgrade) the core duty descriptions and manuals."""
    return await load_libraries(session=session, paths=core_library_files(), actor=actor)


async def load_plugin_libraries(
    *,
    session: AsyncSession,
    pm: pluggy.PluginManager,
    name: str,
    actor: str | None,
    actor_id: int | None = None,
) -> list[kinds.LoadResult]:
    """Load a plugin's `dutygraph_libraries` files; a bad file becomes an INVALID ServiceError.

    A file joining a report form or an assessment scheme that is not loaded yet waits: it is
    left out now and loads on a later enable or `dutygraph library load`.
    """
    listed = [Path(p) for p in (call_one(pm, name, "dutygraph_libraries") or [])]
    try:
        paths = [p for p in listed if not await kinds.absent_targets(session=session, path=p)]
        return await load_libraries(
            session=session, paths=paths, actor=actor, plugin=name, actor_id=actor_id
        )
    except LibraryError as exc:
        raise ServiceError(ErrorCode.INVALID, f"插件 {name} 的库文件无效: {exc}", "name") from exc
