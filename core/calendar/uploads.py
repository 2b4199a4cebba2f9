"""Evidence files: stored once by SHA-256 under the upload directory, recorded as attachments."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import anyio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from core.audit import service as audit
from core.auth.principal import Principal
from core.calendar.access import task_visible
from core.calendar.models import Attachment, Task, TaskRecord
from core.clock import city_today

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_FILENAME = 255


@dataclass(frozen=True)
class UploadSettings:
    """Where uploads go and how large one may be (DUTYGRAPH_UPLOAD_DIR / _MAX_BYTES)."""

    directory: Path
    max_bytes: int


def upload_settings(environ: dict[str, str] | None = None) -> UploadSettings:
    """The upload settings from the environment."""
    env = os.environ if environ is None else environ
    return UploadSettings(
        directory=Path(env.get("DUTYGRAPH_UPLOAD_DIR", "./uploads")),
        max_bytes=int(env.get("DUTYGRAPH_UPLOAD_MAX_BYTES", str(DEFAULT_MAX_BYTES))),
    )


class TooLarge(Exception):
    """The body is larger than the limit."""


@dataclass(frozen=True)
class Stored:
    """A file written to the store."""

    sha256: str
    size: int
    key: str


async def store(chunks: AsyncIterator[bytes], settings: UploadSettings) -> Stored:
    """Stream a body to disk, hashing it; TooLarge (nothing kept) beyond the limit."""
    directory = anyio.Path(settings.directory)
    await directory.mkdir(parents=True, exist_ok=True)
    partial = directory / f".partial-{uuid.uuid4().hex}"
    digest, size = hashlib.sha256(), 0
    try:
        async with await anyio.open_file(partial, "wb") as out:
            async for chunk in chunks:
                size += len(chunk)
                if size > settings.max_bytes:
                    raise TooLarge
                digest.update(chunk)
                await out.write(chunk)
        sha = digest.hexdigest()
        key = f"{sha[:2]}/{sha}"
        final = directory / key
        await final.parent.mkdir(parents=True, exist_ok=True)
        await partial.replace(final)  # same content, same name: replacing is harmless
    finally:
        await partial.unlink(missing_ok=True)
    return Stored(sha256=sha, size=size, key=key)


def clean_filename(raw: str) -> str:
    """A file name without directories, control characters, lone surrogates or leading
    and trailing dots and spaces ("." and ".." become the default), at most 255 characters."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and not "\ud800" <= ch <= "\udfff").strip(
        " ."
    )
    return (name or "upload.bin")[:MAX_FILENAME]


class Download(NamedTuple):
    """What serving a stored attachment needs."""

    storage_key: str
    content_type: str
    filename: str


async def readable(
    *, conn: AsyncConnection, principal: Principal, attachment_id: int
) -> Download | None:
    """An attachment the principal uploaded, or one of a task record it may see."""
    columns = select(Attachment.storage_key, Attachment.content_type, Attachment.filename)
    uploaded = columns.where(
        Attachment.id == attachment_id, Attachment.uploaded_by == principal.account_id
    )
    row = (await conn.execute(uploaded)).first()
    if row is None:
        linked = (
            columns.join(TaskRecord, TaskRecord.id == Attachment.record_id)
            .join(Task, Task.id == TaskRecord.task_id)
            .where(Attachment.id == attachment_id, task_visible(principal, city_today()))
        )
        row = (await conn.execute(linked)).first()
    return None if row is None else Download._make(row)


async def record(
    *,
    session: AsyncSession,
    principal: Principal,
    stored: Stored,
    filename: str,
    content_type: str,
) -> Attachment:
    """Record an uploaded file as an attachment of the uploader, not yet linked to a record."""
    attachment = Attachment(
        sha256=stored.sha256,
        size=stored.size,
        content_type=content_type[:100] or "application/octet-stream",
        filename=clean_filename(filename),
        storage_key=stored.key,
        uploaded_by=principal.account_id,
    )
    session.add(attachment)
    await session.flush()
    await audit.append(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        action="attachment.upload",
        entity_type="Attachment",
        entity_id=str(attachment.id),
        changes={"sha256": stored.sha256, "size": stored.size, "filename": attachment.filename},
    )
    return attachment
