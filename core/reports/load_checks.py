"""The checks a report library passes before anything of it is written: its categories
exist, its codes belong to no other library, and its rules compile over known indicators
(a malformed expression is refused with file:line)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.expressions import ExpressionError
from core.libraries.reader import LibraryError
from core.orgs.models import OrgCategory
from core.reports import rules as rule_engine
from core.reports.library import ReportLibraryFile
from core.reports.models import ReportForm, ReportIndicator, ReportLibrary, ReportRule
from core.reports.rule_reader import RuleSpec


async def check_library(session: AsyncSession, lib: ReportLibraryFile, library_id: int) -> None:
    """Refuse (LibraryError, file:line) a library that cannot be loaded as it is."""
    await _check_categories(session, lib)
    await _check_owners(session, lib, library_id)
    codes = await _known_indicators(session, lib, library_id)
    for spec in lib.rules:
        _check_rule(lib, spec, codes)


async def _check_categories(session: AsyncSession, lib: ReportLibraryFile) -> None:
    known = set((await session.scalars(select(OrgCategory.code))).all())
    for spec in lib.indicators:
        for code in (*spec.categories, *spec.bounds):
            if code not in known:
                raise LibraryError(
                    lib.path, spec.line, f"未知的组织类别 {code!r} (unknown category)"
                )
    if lib.form is not None:
        for code in lib.form.reporter_categories:
            if code not in known:
                raise LibraryError(
                    lib.path, lib.form.line, f"未知的组织类别 {code!r} (unknown category)"
                )


async def _owned(
    session: AsyncSession, model: Any, codes: Iterable[str], library_id: int
) -> dict[str, str]:
    wanted = list(codes)
    if not wanted:
        return {}
    rows = await session.execute(
        select(model.code, ReportLibrary.urn)
        .join(ReportLibrary, ReportLibrary.id == model.library_id)
        .where(model.code.in_(wanted), model.library_id != library_id, model.retired_at.is_(None))
    )
    return {code: urn for code, urn in rows}


async def _check_owners(session: AsyncSession, lib: ReportLibraryFile, library_id: int) -> None:
    for model, items, what in (
        (ReportIndicator, lib.indicators, "指标"),
        (ReportRule, lib.rules, "规则"),
        (ReportForm, [lib.form] if lib.form else [], "表单"),
    ):
        owned = await _owned(session, model, [i.code for i in items], library_id)
        for item in items:
            if item.code in owned:
                reason = f"{what}编码 {item.code!r} 已属于库 {owned[item.code]} (code taken)"
                raise LibraryError(lib.path, item.line, reason)


async def _known_indicators(
    session: AsyncSession, lib: ReportLibraryFile, library_id: int
) -> set[str]:
    rows = await session.scalars(
        select(ReportIndicator.code).where(
            ReportIndicator.retired_at.is_(None), ReportIndicator.library_id != library_id
        )
    )
    return set(rows.all()) | {spec.code for spec in lib.indicators}


def _check_rule(lib: ReportLibraryFile, spec: RuleSpec, codes: set[str]) -> None:
    try:
        if spec.kind == "TEMPLATE":
            rule_engine.template(
                code=spec.code,
                name=spec.name,
                left=spec.left,
                operator=spec.operator,
                right=spec.right,
                importance=spec.importance,
                missing=spec.missing,
                phases=spec.phases,
            )
            unknown = [c for c in spec.selector.get("codes", []) if c not in codes]
            if unknown:
                raise LibraryError(lib.path, spec.line, f"模板选择了未知的指标 {unknown[0]!r}")
            return
        rule_engine.compile_side(spec.left, rule_engine.allowed_names(codes))
    except ExpressionError as exc:
        raise LibraryError(
            lib.path, spec.left_line, f"规则 {spec.code} 的 left 无效: {exc}"
        ) from None
    try:
        if spec.right:
            rule_engine.compile_side(spec.right, rule_engine.allowed_names(codes))
    except ExpressionError as exc:
        raise LibraryError(
            lib.path, spec.right_line, f"规则 {spec.code} 的 right 无效: {exc}"
        ) from None
    if spec.indicator is not None and spec.indicator not in codes:
        raise LibraryError(lib.path, spec.line, f"规则 {spec.code}: 未知的指标 {spec.indicator!r}")
