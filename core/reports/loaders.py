"""Per-request DataLoaders of the reports (one SQL statement per batch)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from core.auth.models import Account
from core.graphql.loaders import ContextLoader
from core.reports.models import ReportFollowUp, ReportIndicator, ReportRule
from core.reports.rows import FollowUpRow, IndicatorRow, RuleRow


class IndicatorByCodeLoader(ContextLoader[str, IndicatorRow | None]):
    """Indicators by code (retired ones too: old flags and sheets still name them)."""

    async def fetch(self, keys: list[str]) -> Sequence[IndicatorRow | None]:
        rows = await self.ctx.rows(select(ReportIndicator).where(ReportIndicator.code.in_(keys)))
        found = {row[0].code: IndicatorRow.of(row[0]) for row in rows}
        return [found.get(key) for key in keys]


class RuleByCodeLoader(ContextLoader[str, RuleRow | None]):
    """Rules by code; `TEMPLATE:indicator` is a template applied to one indicator."""

    async def fetch(self, keys: list[str]) -> Sequence[RuleRow | None]:
        heads = {key.partition(":")[0] for key in keys}
        rows = await self.ctx.rows(select(ReportRule).where(ReportRule.code.in_(heads)))
        found = {row[0].code: row[0] for row in rows}
        out: list[RuleRow | None] = []
        for key in keys:
            head, _, indicator = key.partition(":")
            rule = found.get(head)
            out.append(None if rule is None else RuleRow.of(rule, key, indicator or None))
        return out


class FollowUpBySheetLoader(ContextLoader[tuple[int, str], FollowUpRow | None]):
    """The follow-up mark of a value (sheet, indicator), with who marked it."""

    async def fetch(self, keys: list[tuple[int, str]]) -> Sequence[FollowUpRow | None]:
        sheets = sorted({key[0] for key in keys})
        rows = await self.ctx.rows(
            select(ReportFollowUp, Account.username)
            .outerjoin(Account, Account.id == ReportFollowUp.marked_by)
            .where(ReportFollowUp.sheet_id.in_(sheets))
        )
        found = {(r[0].sheet_id, r[0].indicator_code): FollowUpRow.of(r[0], r[1]) for r in rows}
        return [found.get(key) for key in keys]
