"""The full-process record of the demo's completed tasks: a zh-CN note for each, evidence
files (stored like uploads, by SHA-256) attached to some. Set-based: one INSERT … SELECT
for the records, one for the attachments.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, String, and_, case, exists, func, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.calendar.models import Attachment, Task, TaskRecord
from core.calendar.uploads import UploadSettings, store

ATTACH_EVERY = 6
"""One completion record in this many carries evidence."""

ON_TIME_NOTES = (
    ("", "：已按时完成，会议记录和签到表已归档。"),
    ("按计划完成", "，相关材料已报送上级党组织。"),
    ("已落实", "，全程纪实材料已上传。"),
    ("", "：按要求完成，无遗留问题。"),
    ("已组织开展", "，党员参与情况良好，记录已存档。"),
)
LATE_NOTES = (
    ("", "：因人员调整延后办理，现已补办完成。"),
    ("", "：逾期完成，已向上级党组织说明情况。"),
    ("补办", "，相关材料已归档。"),
)


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A small solid-colour PNG (a stand-in for an activity photo)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


FILES: tuple[tuple[str, str, bytes], ...] = (
    (
        "会议记录.txt",
        "text/plain; charset=utf-8",
        "会议记录\n时间：按计划召开\n参加人员：支部全体党员\n议题：传达学习上级精神，研究部署近期工作\n"
        "记录人：支部组织委员\n".encode(),
    ),
    (
        "签到表.csv",
        "text/csv; charset=utf-8",
        "姓名,职务,签到\n张伟,支部书记,已到\n李娜,组织委员,已到\n王芳,宣传委员,已到\n".encode(),
    ),
    ("活动照片.png", "image/png", _png(64, 48, (200, 16, 46))),
)


@dataclass(frozen=True)
class EvidenceFile:
    """A demo evidence file as stored."""

    filename: str
    content_type: str
    sha256: str
    size: int
    key: str


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def store_files(settings: UploadSettings) -> list[EvidenceFile]:
    """Write the demo's evidence files to the upload store (content-addressed, idempotent)."""
    stored = []
    for filename, content_type, data in FILES:
        found = await store(_once(data), settings)
        stored.append(EvidenceFile(filename, content_type, found.sha256, found.size, found.key))
    return stored


def _note(notes: tuple[tuple[str, str], ...]) -> Any:
    index = Task.id % len(notes)
    return case(
        *(
            (index == i, literal(before, String) + Task.title + literal(after, String))
            for i, (before, after) in enumerate(notes)
        ),
        else_=Task.title,
    )


async def write_records(conn: AsyncConnection, files: list[EvidenceFile]) -> tuple[int, int]:
    """A COMPLETE record for every done task without one, evidence on some; (records, files)."""
    recorded = exists(select(TaskRecord.id).where(TaskRecord.task_id == Task.id))
    rows = select(
        Task.id,
        literal("COMPLETE", String),
        case((Task.late.is_(True), _note(LATE_NOTES)), else_=_note(ON_TIME_NOTES)),
        Task.completed_by,
        Task.completed_at,
    ).where(Task.status == "DONE", Task.completed_at.is_not(None), ~recorded)
    before = await conn.scalar(select(func.coalesce(func.max(TaskRecord.id), 0))) or 0
    result = await conn.execute(
        TaskRecord.__table__.insert().from_select(  # type: ignore[attr-defined]
            ["task_id", "kind", "note", "author_id", "at"], rows
        )
    )
    records = max(int(result.rowcount or 0), 0)
    if not files or not records:
        return records, 0
    pick = TaskRecord.id % len(files)

    def column(attribute: str, kind: type = String) -> Any:
        return case(
            *((pick == i, literal(getattr(f, attribute), kind)) for i, f in enumerate(files)),
            else_=literal(getattr(files[0], attribute), kind),
        )

    evidence = select(
        TaskRecord.id,
        column("sha256"),
        column("size", Integer),
        column("content_type"),
        column("filename"),
        column("key"),
        TaskRecord.author_id,
        TaskRecord.at,
    ).where(
        and_(
            TaskRecord.id > before,
            TaskRecord.kind == "COMPLETE",
            TaskRecord.id % ATTACH_EVERY == 0,
        )
    )
    result = await conn.execute(
        Attachment.__table__.insert().from_select(  # type: ignore[attr-defined]
            [
                "record_id",
                "sha256",
                "size",
                "content_type",
                "filename",
                "storage_key",
                "uploaded_by",
                "uploaded_at",
            ],
            evidence,
        )
    )
    return records, max(int(result.rowcount or 0), 0)
