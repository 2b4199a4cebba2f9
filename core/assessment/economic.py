"""Importing the economic-social scores (经济社会发展实绩分, 0–100) from CSV or xlsx.

The first row names the columns: `组织编码` (or `code`) and `经济社会发展实绩分` (or
`score`); other columns are ignored. Every row is checked (a known organisation assessed
by the scheme, a number 0–100, no code twice); one bad row refuses the whole file, and
the errors name each row. A good file replaces the scores of the organisations it lists.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.assessment.compute import scheme_by_code
from core.assessment.models import AssessmentTarget, EconomicScore
from core.audit import service as audit
from core.db import utcnow
from core.graphql.errors import ErrorCode, ServiceError
from core.orgs.models import Organization

CODE_COLUMNS = ("组织编码", "code", "organizationCode")
SCORE_COLUMNS = ("经济社会发展实绩分", "score", "economicScore")
MAX_ROWS = 100_000
MAX_ERRORS = 100
XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class RowError:
    """A refused row: its 1-based row number in the file (the header is row 1)."""

    row: int
    column: str
    message: str


class ImportRefused(Exception):
    """The file was refused; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} 行有误，未导入")
        self.errors = errors


def _cells(content: bytes) -> Iterator[list[str]]:
    if content.startswith(XLSX_MAGIC):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # any unreadable workbook is the uploader's problem
            raise ImportRefused(
                [RowError(0, "", f"无法读取 xlsx 文件：{type(exc).__name__}")]
            ) from None
        sheet = book.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield ["" if v is None else str(v).strip() for v in values]
        book.close()
        return
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("gb18030")
        except UnicodeDecodeError:
            raise ImportRefused([RowError(0, "", "文件不是 UTF-8 或 GB18030 编码的 CSV")]) from None
    for row in csv.reader(io.StringIO(text)):
        yield [cell.strip() for cell in row]


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    for index, cell in enumerate(header):
        if cell in names:
            return index
    return None


def parse(content: bytes) -> list[tuple[int, str, str]]:
    """(row number, code, score text) of each data row; ImportRefused for a bad header."""
    rows = _cells(content)
    header = next(rows, None)
    if header is None:
        raise ImportRefused([RowError(1, "", "文件为空")])
    code_at, score_at = _column(header, CODE_COLUMNS), _column(header, SCORE_COLUMNS)
    if code_at is None or score_at is None:
        wanted = f"{CODE_COLUMNS[0]} 和 {SCORE_COLUMNS[0]}"
        raise ImportRefused([RowError(1, "", f"表头应含 {wanted} 两列")])
    out: list[tuple[int, str, str]] = []
    for number, row in enumerate(rows, start=2):
        if not any(row):
            continue
        if len(out) >= MAX_ROWS:
            raise ImportRefused([RowError(number, "", f"最多 {MAX_ROWS} 行")])
        pad = row + [""] * (max(code_at, score_at) + 1 - len(row))
        out.append((number, pad[code_at], pad[score_at]))
    return out


async def import_scores(
    *,
    session: AsyncSession,
    scheme_code: str,
    content: bytes,
    filename: str,
    actor: str | None,
    actor_id: int | None,
) -> int:
    """Check every row, then store all scores; ImportRefused lists the bad rows."""
    scheme = await scheme_by_code(session, scheme_code, lock=True)
    if scheme.status == "PUBLISHED":
        raise ServiceError(ErrorCode.INVALID, f"方案 {scheme.code} 的结果已发布并锁定")
    rows = parse(content)
    codes = {code for _, code, _ in rows}
    known = (
        dict(
            (
                await session.execute(
                    select(Organization.code, Organization.id)
                    .join(
                        AssessmentTarget, AssessmentTarget.category_id == Organization.category_id
                    )
                    .where(
                        Organization.code.in_(codes),
                        AssessmentTarget.scheme_id == scheme.id,
                        AssessmentTarget.retired_at.is_(None),
                    )
                )
            ).all()
        )
        if codes
        else {}
    )
    errors: list[RowError] = []
    scores: dict[int, float] = {}
    seen: dict[str, int] = {}
    for number, code, raw in rows:
        if code not in known:
            errors.append(
                RowError(number, CODE_COLUMNS[0], f"组织编码 {code!r} 不在方案的考核对象中")
            )
        elif code in seen:
            errors.append(
                RowError(number, CODE_COLUMNS[0], f"组织编码 {code} 与第 {seen[code]} 行重复")
            )
        seen.setdefault(code, number)
        try:
            value = float(raw)
        except ValueError:
            errors.append(RowError(number, SCORE_COLUMNS[0], f"分数 {raw!r} 不是数字"))
            continue
        if not 0 <= value <= 100:
            errors.append(RowError(number, SCORE_COLUMNS[0], f"分数 {raw} 应在 0–100 之间"))
        elif code in known:
            scores[known[code]] = round(value, 2)
    if errors:
        raise ImportRefused(errors[:MAX_ERRORS])
    if not scores:
        raise ImportRefused([RowError(2, "", "文件没有数据行")])
    existing = {
        row.organization_id: row
        for row in await session.scalars(
            select(EconomicScore).where(
                EconomicScore.scheme_id == scheme.id,
                EconomicScore.organization_id.in_(list(scores)),
            )
        )
    }
    now = utcnow()
    for org_id, value in scores.items():
        row = existing.get(org_id)
        if row is None:
            row = EconomicScore(scheme_id=scheme.id, organization_id=org_id)
            session.add(row)
        row.score, row.source, row.imported_at, row.imported_by = value, filename[:255], now, actor
    await session.flush()
    await audit.append(
        session=session,
        actor_id=actor_id,
        actor_username=actor,
        action="assessment.economic_import",
        entity_type="AssessmentScheme",
        entity_id=scheme.code,
        changes={
            "file": filename[:255],
            "sha256": hashlib.sha256(content).hexdigest(),
            "rows": len(scores),
        },
    )
    return len(scores)
