"""Loading procedure and checklist library files: versioned, whole or not at all.

A newer version updates procedures and steps by code (ids kept, so runs and visits keep
pointing at them) and retires what it no longer has; a retired code that comes back is
reactivated. Each load appends one audit event `procedure_library.load`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.db import utcnow
from core.libraries import versions
from core.libraries.reader import LibraryError
from core.orgs.models import OrgCategory
from core.supervision.library import STORED_KIND, ProcedureFile, ProcedureSpec, read
from core.supervision.models import Procedure, ProcedureLibrary, ProcedureStep

CORE_DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class LoadResult:
    """What loading one file did."""

    path: str
    urn: str
    version: str
    previous: str | None
    status: str
    added: int = 0
    updated: int = 0
    retired: int = 0

    def describe(self) -> str:
        """One line for the operator."""
        head = f"{self.path}: {self.urn} {self.version}"
        if self.status == versions.UNCHANGED:
            return f"{head} already loaded, nothing to do"
        if self.status == versions.OLDER:
            return f"{head} is older than the loaded {self.previous}, skipped"
        verb = "loaded" if self.status == versions.LOADED else f"upgraded from {self.previous}"
        return f"{head} {verb}: {self.added} added, {self.updated} updated, {self.retired} retired"


async def _check_categories(session: AsyncSession, lib: ProcedureFile) -> None:
    wanted = {c for spec in lib.procedures for c in spec.categories}
    known = set(await session.scalars(select(OrgCategory.code).where(OrgCategory.code.in_(wanted))))
    for spec in lib.procedures:
        unknown = [c for c in spec.categories if c not in known]
        if unknown:
            raise LibraryError(
                lib.path,
                spec.categories_line,
                f"规程 {spec.code}: 未知的组织类别 {', '.join(unknown)}",
            )


def _content(spec: ProcedureSpec, kind: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "title": spec.title,
        "title_en": spec.title_en,
        "source": spec.source,
        "summary": spec.summary,
        "categories": spec.categories,
        "duties": spec.duties,
    }


async def _steps(session: AsyncSession, procedure: Procedure, spec: ProcedureSpec) -> bool:
    """Bring the procedure's steps in line with the file; True when any changed."""
    existing = {
        s.code: s
        for s in await session.scalars(
            select(ProcedureStep).where(ProcedureStep.procedure_id == procedure.id)
        )
    }
    changed = False
    for position, step in enumerate(spec.steps, start=1):
        values: dict[str, Any] = {
            "position": position,
            "title": step.title,
            "guidance": step.guidance,
            "evidence": step.evidence,
            "severity": step.severity,
            "questions": step.questions,
            "retired_at": None,
        }
        row = existing.get(step.code)
        if row is None:
            session.add(ProcedureStep(procedure_id=procedure.id, code=step.code, **values))
            changed = True
            continue
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
    wanted = {step.code for step in spec.steps}
    for code, row in existing.items():
        if code not in wanted and row.retired_at is None:
            row.retired_at = utcnow()
            changed = True
    return changed


async def load_library(
    *,
    session: AsyncSession,
    path: Path,
    actor: str | None,
    plugin: str | None = None,
    actor_id: int | None = None,
) -> LoadResult:
    """Load a procedure or checklist file if it is newer than the loaded one."""
    lib = read(path)
    row = await session.scalar(select(ProcedureLibrary).where(ProcedureLibrary.urn == lib.urn))
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
    await _check_categories(session, lib)
    if row is None:
        row = ProcedureLibrary(urn=lib.urn)
        session.add(row)
    row.kind, row.version, row.title = lib.kind, lib.version, lib.title
    row.plugin, row.content_hash = plugin or lib.plugin, lib.content_hash
    row.loaded_at, row.loaded_by = utcnow(), actor
    await session.flush()
    codes = [spec.code for spec in lib.procedures]
    existing = {
        p.code: p
        for p in await session.scalars(
            select(Procedure).where((Procedure.library_id == row.id) | Procedure.code.in_(codes))
        )
    }
    added: list[str] = []
    updated: list[str] = []
    kind = STORED_KIND[lib.kind]
    for order, spec in enumerate(lib.procedures, start=1):
        procedure = existing.get(spec.code)
        if procedure is not None and procedure.library_id != row.id:
            raise LibraryError(
                lib.path, spec.line, f"规程编码 {spec.code} 已属于另一个库 (code taken)"
            )
        content = _content(spec, kind)
        if procedure is None:
            procedure = Procedure(code=spec.code, library_id=row.id, version=1, **content)
            session.add(procedure)
            added.append(spec.code)
        else:
            changed = procedure.retired_at is not None
            for name, value in content.items():
                if getattr(procedure, name) != value:
                    setattr(procedure, name, value)
                    changed = True
            procedure.retired_at = None
            if changed:
                updated.append(spec.code)
        procedure.sort_order = order * 10
        await session.flush()
        steps_changed = await _steps(session, procedure, spec)
        if steps_changed and spec.code not in added and spec.code not in updated:
            updated.append(spec.code)
        if spec.code in updated:
            procedure.version += 1
    retired = [
        code
        for code, procedure in existing.items()
        if code not in codes and procedure.library_id == row.id and procedure.retired_at is None
    ]
    for code in retired:
        existing[code].retired_at = utcnow()
    await session.flush()
    await audit.append(
        session=session,
        actor_id=actor_id,
        actor_username=actor,
        action="procedure_library.load",
        entity_type="ProcedureLibrary",
        entity_id=lib.urn,
        changes={
            "version": [previous, lib.version],
            "added": added,
            "updated": updated,
            "retired": retired,
        },
    )
    return LoadResult(
        lib.path, lib.urn, lib.version, previous, status, len(added), len(updated), len(retired)
    )


def core_library_files() -> list[Path]:
    """The core procedure files (core/supervision/data/*.yaml), in name order."""
    return sorted(CORE_DATA.glob("*.yaml"))


async def load_core_libraries(*, session: AsyncSession, actor: str | None) -> Sequence[LoadResult]:
    """Load (or upgrade) the core procedures and checklists."""
    return [
        await load_library(session=session, path=path, actor=actor) for path in core_library_files()
    ]
