"""Loading assessment library files: versioned, whole or not at all, locked once published.

A newer version of a scheme file updates its sections and items by code (ids kept, so
entered scores stay attached) and retires what it no longer has; an items file adds items
(and organisation categories) to an existing scheme. Nothing loads into a published scheme.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.assessment.library import SCHEME_KIND, AssessmentFile, read
from core.assessment.models import (
    AssessmentGrade,
    AssessmentItem,
    AssessmentLibrary,
    AssessmentScheme,
    AssessmentSection,
    AssessmentTarget,
)
from core.audit import service as audit
from core.db import utcnow
from core.libraries import versions
from core.libraries.reader import LibraryError
from core.orgs.models import OrgCategory

PUBLISHED = "PUBLISHED"
CORE_DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class LoadResult:
    """What loading one file did."""

    path: str
    urn: str
    version: str
    previous: str | None
    status: str
    scheme: str
    items: int = 0

    def describe(self) -> str:
        """One line for the operator."""
        head = f"{self.path}: {self.urn} {self.version}"
        if self.status == versions.UNCHANGED:
            return f"{head} already loaded, nothing to do"
        if self.status == versions.OLDER:
            return f"{head} is older than the loaded {self.previous}, skipped"
        verb = "loaded" if self.status == versions.LOADED else f"upgraded from {self.previous}"
        return f"{head} {verb}: scheme {self.scheme}, {self.items} items"


async def _categories(session: AsyncSession, lib: AssessmentFile) -> dict[str, int]:
    wanted = set(lib.categories) | {c for item in lib.items for c in item.categories}
    rows = await session.execute(
        select(OrgCategory.code, OrgCategory.id).where(OrgCategory.code.in_(wanted))
    )
    found = {code: cid for code, cid in rows}
    for code in lib.categories:
        if code not in found:
            raise LibraryError(lib.path, lib.line_of_categories, f"未知的组织类别 {code!r}")
    return found


async def _scheme_for(
    session: AsyncSession, lib: AssessmentFile, library_id: int | None
) -> AssessmentScheme | None:
    scheme = await session.scalar(
        select(AssessmentScheme).where(AssessmentScheme.code == lib.scheme)
    )
    if scheme is None:
        if lib.kind != SCHEME_KIND:
            raise LibraryError(lib.path, 1, f"未知的考核方案 {lib.scheme!r}：请先加载方案文件")
        return None
    if lib.kind == SCHEME_KIND and scheme.library_id != library_id:
        raise LibraryError(lib.path, 1, f"方案编码 {lib.scheme} 已属于另一个库 (code taken)")
    if scheme.status == PUBLISHED:
        raise LibraryError(lib.path, 1, f"方案 {lib.scheme} 的结果已发布，方案已锁定 (locked)")
    return scheme


async def _targets(
    session: AsyncSession, scheme: AssessmentScheme, library_id: int, ids: list[int]
) -> None:
    existing = {
        t.category_id: t
        for t in await session.scalars(
            select(AssessmentTarget).where(AssessmentTarget.scheme_id == scheme.id)
        )
    }
    for category_id in ids:
        row = existing.get(category_id)
        if row is None:
            session.add(
                AssessmentTarget(
                    scheme_id=scheme.id, category_id=category_id, library_id=library_id
                )
            )
        elif row.library_id == library_id or row.retired_at is not None:
            row.library_id, row.retired_at = library_id, None
    for category_id, row in existing.items():
        if category_id not in ids and row.library_id == library_id and row.retired_at is None:
            row.retired_at = utcnow()


async def _sections(
    session: AsyncSession, scheme: AssessmentScheme, lib: AssessmentFile
) -> dict[str, AssessmentSection]:
    existing = {
        s.code: s
        for s in await session.scalars(
            select(AssessmentSection).where(AssessmentSection.scheme_id == scheme.id)
        )
    }
    if lib.kind != SCHEME_KIND:
        return {code: s for code, s in existing.items() if s.retired_at is None}
    for order, spec in enumerate(lib.sections, start=1):
        row = existing.get(spec.code)
        if row is None:
            row = existing[spec.code] = AssessmentSection(scheme_id=scheme.id, code=spec.code)
            session.add(row)
        row.title, row.weight, row.method = spec.title, spec.weight, spec.method
        row.max_points, row.satisfaction = spec.max_points, spec.satisfaction
        row.departments, row.sort_order = ",".join(spec.departments), order * 10
        row.retired_at = None
    wanted = {s.code for s in lib.sections}
    for code, row in existing.items():
        if code not in wanted and row.retired_at is None:
            row.retired_at = utcnow()
    await session.flush()
    return {code: s for code, s in existing.items() if code in wanted}


async def _items(
    session: AsyncSession,
    scheme: AssessmentScheme,
    lib: AssessmentFile,
    library_id: int,
    sections: dict[str, AssessmentSection],
    categories: dict[str, int],
) -> None:
    existing = {
        i.code: i
        for i in await session.scalars(
            select(AssessmentItem).where(AssessmentItem.scheme_id == scheme.id)
        )
    }
    targets = set(
        await session.scalars(
            select(OrgCategory.code)
            .join(AssessmentTarget, AssessmentTarget.category_id == OrgCategory.id)
            .where(AssessmentTarget.scheme_id == scheme.id, AssessmentTarget.retired_at.is_(None))
        )
    ) | set(lib.categories)
    for order, spec in enumerate(lib.items, start=1):
        section = sections.get(spec.section)
        if section is None:
            raise LibraryError(lib.path, spec.line, f"方案 {scheme.code} 没有板块 {spec.section!r}")
        allowed = section.departments.split(",")
        department = spec.department or allowed[0]
        if department not in allowed:
            reason = f"部门 {department} 不考核板块 {section.code}（可用 {section.departments}）"
            raise LibraryError(lib.path, spec.line, f"item {spec.code!r}: {reason}")
        unknown = [c for c in spec.categories if c not in categories or c not in targets]
        if unknown:
            reason = f"组织类别 {', '.join(unknown)} 不在方案的考核对象中"
            raise LibraryError(lib.path, spec.line, f"item {spec.code!r}: {reason}")
        row = existing.get(spec.code)
        if row is not None and row.library_id != library_id:
            raise LibraryError(lib.path, spec.line, f"考核项目编码 {spec.code!r} 已属于另一个库")
        if row is None:
            row = AssessmentItem(scheme_id=scheme.id, code=spec.code, library_id=library_id)
            session.add(row)
        values: dict[str, Any] = {
            "section_id": section.id,
            "title": spec.title,
            "max_score": spec.max_score,
            "weight": spec.weight,
            "source": "ENTERED" if spec.expression is None else "RECORDS",
            "expression": spec.expression,
            "department": department,
            "categories": ",".join(spec.categories),
            "basis": spec.basis,
            "sort_order": order * 10,
            "retired_at": None,
        }
        for name, value in values.items():
            setattr(row, name, value)
    wanted = {i.code for i in lib.items}
    for code, row in existing.items():
        if code not in wanted and row.library_id == library_id and row.retired_at is None:
            row.retired_at = utcnow()


async def _grades(session: AsyncSession, scheme: AssessmentScheme, lib: AssessmentFile) -> None:
    await session.execute(delete(AssessmentGrade).where(AssessmentGrade.scheme_id == scheme.id))
    for position, spec in enumerate(lib.grades, start=1):
        session.add(
            AssessmentGrade(
                scheme_id=scheme.id, position=position, grade=spec.grade, condition=spec.condition
            )
        )


async def load_library(
    *,
    session: AsyncSession,
    path: Path,
    actor: str | None,
    plugin: str | None = None,
    actor_id: int | None = None,
) -> LoadResult:
    """Load an assessment file if it is newer than the loaded one; LibraryError names file:line."""
    lib = read(path)
    row = await session.scalar(select(AssessmentLibrary).where(AssessmentLibrary.urn == lib.urn))
    previous = None if row is None else row.version
    status = versions.decide(
        path=lib.path,
        version=lib.version,
        content_hash=lib.content_hash,
        loaded_version=previous,
        loaded_hash=None if row is None else row.content_hash,
    )
    if status in (versions.OLDER, versions.UNCHANGED):
        return LoadResult(lib.path, lib.urn, lib.version, previous, status, lib.scheme)
    scheme = await _scheme_for(session, lib, None if row is None else row.id)
    categories = await _categories(session, lib)
    if row is None:
        row = AssessmentLibrary(urn=lib.urn)
        session.add(row)
    row.version, row.title, row.plugin = lib.version, lib.title, plugin or lib.plugin
    row.content_hash, row.loaded_at, row.loaded_by = lib.content_hash, utcnow(), actor
    await session.flush()
    if scheme is None:
        scheme = AssessmentScheme(code=lib.scheme, library_id=row.id, version=0)
        session.add(scheme)
    if lib.kind == SCHEME_KIND:
        assert lib.year is not None and lib.grade_default is not None
        scheme.year, scheme.title, scheme.method = lib.year, lib.title, lib.method
        scheme.grade_default = lib.grade_default
    scheme.version += 1
    await session.flush()
    await _targets(session, scheme, row.id, [categories[c] for c in lib.categories])
    sections = await _sections(session, scheme, lib)
    await _items(session, scheme, lib, row.id, sections, categories)
    if lib.kind == SCHEME_KIND:
        await _grades(session, scheme, lib)
    await session.flush()
    await audit.append(
        session=session,
        actor_id=actor_id,
        actor_username=actor,
        action="assessment_library.load",
        entity_type="AssessmentScheme",
        entity_id=lib.scheme,
        changes={
            "urn": lib.urn,
            "version": [previous, lib.version],
            "items": sorted(i.code for i in lib.items),
        },
    )
    return LoadResult(lib.path, lib.urn, lib.version, previous, status, lib.scheme, len(lib.items))


def core_library_files() -> list[Path]:
    """The core assessment files (core/assessment/data/*.yaml), in name order."""
    return sorted(CORE_DATA.glob("*.yaml"))


async def load_core_libraries(*, session: AsyncSession, actor: str | None) -> Sequence[LoadResult]:
    """Load (or upgrade) the core assessment schemes."""
    return [
        await load_library(session=session, path=path, actor=actor) for path in core_library_files()
    ]


async def absent_schemes(*, session: AsyncSession, path: Path) -> list[str]:
    """The scheme an items file extends, when it is not loaded yet."""
    lib = read(path)
    if lib.kind != "assessment_items":
        return []
    found = await session.scalar(
        select(AssessmentScheme.id).where(AssessmentScheme.code == lib.scheme)
    )
    return [] if found is not None else [lib.scheme]
