"""Loading report libraries: versioned, whole or not at all, audited; retired, never deleted."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.db import utcnow
from core.libraries import versions
from core.libraries.reader import LibraryError
from core.reports import load_checks
from core.reports.library import KIND_FORM, ReportLibraryFile, read
from core.reports.models import (
    ReportForm,
    ReportFormIndicator,
    ReportIndicator,
    ReportLibrary,
    ReportRule,
)

CORE_DATA = Path(__file__).resolve().parent / "data"
INDICATOR_FIELDS = (
    "name",
    "name_en",
    "unit",
    "value_type",
    "aggregation",
    "group_code",
    "group_name",
    "categories",
    "phases",
    "min_value",
    "max_value",
    "bounds",
    "description",
)
RULE_FIELDS = (
    "kind",
    "name",
    "left",
    "operator",
    "right",
    "importance",
    "missing",
    "phases",
    "indicator_code",
    "selector",
)


@dataclass(frozen=True)
class LoadResult:
    """What loading one report library did."""

    path: str
    urn: str
    version: str
    previous: str | None
    status: str
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line for the operator."""
        head = f"{self.path}: {self.urn} {self.version}"
        if self.status == versions.UNCHANGED:
            return f"{head} already loaded, nothing to do"
        if self.status == versions.OLDER:
            return f"{head} is older than the loaded {self.previous}, skipped"
        verb = "loaded" if self.status == versions.LOADED else f"upgraded from {self.previous}"
        counts = (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.retired)} retired"
        )
        return f"{head} {verb}: {counts}"


async def _forms_by_code(session: AsyncSession, codes: Iterable[str]) -> dict[str, int]:
    wanted = list(codes)
    if not wanted:
        return {}
    rows = await session.execute(
        select(ReportForm.code, ReportForm.id).where(
            ReportForm.code.in_(wanted), ReportForm.retired_at.is_(None)
        )
    )
    return {code: form_id for code, form_id in rows}


def _upsert(
    existing: dict[str, Any],
    code: str,
    values: dict[str, Any],
    make: Any,
    added: list[str],
    updated: list[str],
) -> Any:
    row = existing.get(code)
    if row is None:
        row = make(code=code, version=1, **values)
        added.append(code)
        return row
    changed = any(getattr(row, k) != v for k, v in values.items())
    if changed or row.retired_at is not None:
        for key, value in values.items():
            setattr(row, key, value)
        row.version += 1
        row.retired_at = None
        updated.append(code)
    return row


async def _write(
    session: AsyncSession, lib: ReportLibraryFile, library_id: int
) -> tuple[list[str], list[str], list[str]]:
    added: list[str] = []
    updated: list[str] = []
    retired: list[str] = []
    now = utcnow()
    indicators = {
        r.code: r
        for r in await session.scalars(
            select(ReportIndicator).where(ReportIndicator.library_id == library_id)
        )
    }
    for order, spec in enumerate(lib.indicators, start=1):
        values = {name: getattr(spec, name) for name in INDICATOR_FIELDS}
        values["categories"], values["phases"] = list(spec.categories), list(spec.phases)
        values.update(library_id=library_id, sort_order=order * 10)
        row = _upsert(indicators, spec.code, values, ReportIndicator, added, updated)
        session.add(row)
    for code, row in indicators.items():
        if code not in {s.code for s in lib.indicators} and row.retired_at is None:
            row.retired_at = now
            retired.append(code)
    form_id = None
    if lib.form is not None:
        form_spec = lib.form
        forms = {
            r.code: r
            for r in await session.scalars(
                select(ReportForm).where(ReportForm.code == form_spec.code)
            )
        }
        values = {
            "library_id": library_id,
            "title": form_spec.title,
            "title_en": form_spec.title_en,
            "period_type": form_spec.period_type,
            "within_code": form_spec.within_code,
            "reporter_categories": list(form_spec.reporter_categories),
            "phases": form_spec.phases,
            "min_group": form_spec.min_group,
            "history_periods": form_spec.history_periods,
        }
        form = _upsert(forms, form_spec.code, values, ReportForm, added, updated)
        session.add(form)
        await session.flush()
        form_id = form.id
    await session.flush()
    await _write_members(session, lib, library_id, form_id)
    await _write_rules(session, lib, library_id, form_id, added, updated, retired)
    return added, updated, retired


async def _write_members(
    session: AsyncSession, lib: ReportLibraryFile, library_id: int, form_id: int | None
) -> None:
    ids = {
        code: i
        for code, i in await session.execute(
            select(ReportIndicator.code, ReportIndicator.id).where(
                ReportIndicator.retired_at.is_(None)
            )
        )
    }
    wanted: dict[tuple[int, int], tuple[str, int]] = {}
    if lib.form is not None and form_id is not None:
        order = 0
        for title, codes in lib.form.sections:
            for code, line in codes:
                if code not in ids:
                    raise LibraryError(
                        lib.path, line, f"表单引用了未知的指标 {code!r} (unknown indicator)"
                    )
                order += 10
                wanted[(form_id, ids[code])] = (title, order)
    joins = {c for spec in lib.indicators for c in spec.forms}
    forms = await _forms_by_code(session, joins)
    for spec in lib.indicators:
        for code in spec.forms:
            if code not in forms:
                raise LibraryError(
                    lib.path, spec.line, f"指标要加入的表单 {code!r} 不存在 (unknown form)"
                )
            wanted.setdefault(
                (forms[code], ids[spec.code]),
                (spec.group_name, 10_000 + spec_order(lib, spec.code)),
            )
    existing = {
        (m.form_id, m.indicator_id): m
        for m in await session.scalars(
            select(ReportFormIndicator).where(ReportFormIndicator.library_id == library_id)
        )
    }
    taken = {
        (m.form_id, m.indicator_id): m
        for m in await session.scalars(
            select(ReportFormIndicator).where(
                ReportFormIndicator.form_id.in_({k[0] for k in wanted})
            )
        )
    }
    for key, (section, order) in wanted.items():
        row = existing.get(key) or taken.get(key)
        if row is None:
            row = ReportFormIndicator(form_id=key[0], indicator_id=key[1], library_id=library_id)
            session.add(row)
        row.section, row.sort_order, row.retired_at, row.library_id = (
            section,
            order,
            None,
            library_id,
        )
    for key, row in existing.items():
        if key not in wanted and row.retired_at is None:
            row.retired_at = utcnow()
    await session.flush()


def spec_order(lib: ReportLibraryFile, code: str) -> int:
    """The position of an indicator in its file."""
    return next(i for i, spec in enumerate(lib.indicators) if spec.code == code)


async def _write_rules(
    session: AsyncSession,
    lib: ReportLibraryFile,
    library_id: int,
    form_id: int | None,
    added: list[str],
    updated: list[str],
    retired: list[str],
) -> None:
    existing = {
        r.code: r
        for r in await session.scalars(
            select(ReportRule).where(ReportRule.library_id == library_id)
        )
    }
    for order, spec in enumerate(lib.rules, start=1):
        values = {name: getattr(spec, name, None) for name in RULE_FIELDS}
        values.update(
            indicator_code=spec.indicator,
            phases=list(spec.phases),
            selector=spec.selector,
            library_id=library_id,
            form_id=form_id if lib.kind == KIND_FORM else None,
            sort_order=order * 10,
        )
        session.add(_upsert(existing, spec.code, values, ReportRule, added, updated))
    for code, row in existing.items():
        if code not in {s.code for s in lib.rules} and row.retired_at is None:
            row.retired_at = utcnow()
            retired.append(code)
    await session.flush()


async def load_library(
    *,
    session: AsyncSession,
    path: Path,
    actor: str | None,
    plugin: str | None = None,
    actor_id: int | None = None,
) -> LoadResult:
    """Load a report library if it is newer than the loaded one; LibraryError names file:line."""
    lib = read(path)
    row = await session.scalar(select(ReportLibrary).where(ReportLibrary.urn == lib.urn))
    library_id = 0 if row is None else row.id
    await load_checks.check_library(session, lib, library_id)
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
        row = ReportLibrary(urn=lib.urn)
        session.add(row)
    row.kind, row.version, row.title = lib.kind, lib.version, lib.title
    row.plugin, row.content_hash = plugin or lib.plugin, lib.content_hash
    row.loaded_at, row.loaded_by = utcnow(), actor
    await session.flush()
    added, updated, retired = await _write(session, lib, row.id)
    from core.reports.validation import revalidate_library

    revalidated = await revalidate_library(
        session=session, library_id=row.id, first_load=previous is None
    )
    await audit.append(
        session=session,
        actor_id=actor_id,
        actor_username=actor,
        action="report_library.load",
        entity_type="ReportLibrary",
        entity_id=lib.urn,
        changes={
            "version": [previous, lib.version],
            "added": added,
            "updated": updated,
            "retired": retired,
            "sheets_revalidated": revalidated,
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


def core_library_files() -> list[Path]:
    """The core report libraries (indicators first, then forms), in name order."""
    return sorted(CORE_DATA.glob("*.yaml"))


async def load_core_reports(*, session: AsyncSession, actor: str | None) -> Sequence[LoadResult]:
    """Load (or upgrade) the core indicator libraries and report forms."""
    return [await load_library(session=session, path=p, actor=actor) for p in core_library_files()]


async def absent_forms(*, session: AsyncSession, path: Path) -> list[str]:
    """The forms an indicator file joins (`forms:`) that are not loaded yet."""
    lib = read(path)
    wanted = sorted({form for spec in lib.indicators for form in spec.forms})
    present = await _forms_by_code(session, wanted) if wanted else {}
    return [code for code in wanted if code not in present]
