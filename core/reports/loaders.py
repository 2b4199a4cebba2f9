"""Per-request DataLoaders of the reports (one SQL statement per batch)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from core.auth.models import Account
from core.graphql.loaders import ContextLoader
from core.reports.catalog import INDICATOR_COLUMNS, shown_indicator
from core.reports.models import ReportFollowUp, ReportIndicator, ReportRule
from core.reports.rows import FollowUpRow, IndicatorRow, RuleRow


class IndicatorByCodeLoader(ContextLoader[str, IndicatorRow | None]):
    """Indicators by code (retired ones too: old flags and sheets still name them)."""

    async def fetch(self, keys: list[str]) -> Sequence[IndicatorRow | None]:
        rows = await self.ctx.rows(select(*INDICATOR_COLUMNS).where(ReportIndicator.code.in_(keys)))
        found = {row.code: IndicatorRow.of(row) for row in rows}
        return [found.get(key) for key in keys]


class RuleByCodeLoader(ContextLoader[str, RuleRow | None]):
    """Rules by code; `TEMPLATE:indicator` is a template applied to one indicator."""

    async def fetch(self, keys: list[str]) -> Sequence[RuleRow | None]:
        heads = {key.partition(":")[0] for key in keys}
        rows = await self.ctx.rows(
            select(
                ReportRule.code,
                ReportRule.kind,
                ReportRule.name,
                ReportRule.importance,
                ReportRule.operator,
                ReportRule.left,
                ReportRule.right,
                ReportRule.indicator_code,
            ).where(ReportRule.code.in_(heads))
        )
        found = {row.code: row for row in rows}
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
            select(
                ReportFollowUp.sheet_id,
                ReportFollowUp.indicator_code,
                ReportFollowUp.comment,
                ReportFollowUp.marked_at,
                ReportFollowUp.resolved_at,
                ReportFollowUp.resolution,
                ReportFollowUp.version,
                Account.username,
            )
            .outerjoin(Account, Account.id == ReportFollowUp.marked_by)
            .where(ReportFollowUp.sheet_id.in_(sheets))
        )
        found = {(r.sheet_id, r.indicator_code): FollowUpRow.of(r, r.username) for r in rows}
        return [found.get(key) for key in keys]


class HiddenIndicatorCodesLoader(ContextLoader[str, frozenset[str]]):
    """The codes of disabled plugins' indicators (one key: ""), whose values are hidden."""

    async def fetch(self, keys: list[str]) -> Sequence[frozenset[str]]:
        rows = await self.ctx.rows(select(ReportIndicator.code).where(~shown_indicator()))
        hidden = frozenset(row.code for row in rows)
        return [hidden for _key in keys]
