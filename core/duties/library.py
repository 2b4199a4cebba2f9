"""Duty library files (YAML): parsing and checking, with `file:line` for every refusal.

The file is read as a YAML node tree (not plain Python values) so that every error names
the line it is on, duplicate mapping keys are caught and `version: 2026.10` stays a string.
The format is documented in docs/libraries.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from core.duties import rrule
from core.libraries.reader import (
    CODE,
    HEADER_KEYS,
    LibraryError,
    YamlReader,
    compose,
    header,
    read_text,
    version_key,
)

__all__ = ["LibraryError", "version_key"]

FREQUENCIES = (
    "YEARLY",
    "HALF_YEARLY",
    "QUARTERLY",
    "MONTHLY",
    "WEEKLY",
    "DAILY",
    "ONCE",
    "ON_DEMAND",
    "TERM",
    "CONTINUOUS",
)
"""Standard frequencies; TERM = once per term of office, CONTINUOUS = a standing duty."""

UNSCHEDULED = frozenset({"ON_DEMAND", "CONTINUOUS"})
"""Frequencies without a calendar: such duties may not carry an rrule."""

DEFAULT_LEAD_DAYS = {
    "YEARLY": 30,
    "HALF_YEARLY": 30,
    "QUARTERLY": 15,
    "MONTHLY": 7,
    "WEEKLY": 2,
    "DAILY": 0,
    "ONCE": 30,
    "ON_DEMAND": 0,
    "TERM": 90,
    "CONTINUOUS": 0,
}
MAX_DUTIES = 200
"""At most this many duties per description or manual (GraphQL lists them unpaged)."""

META_KEYS = HEADER_KEYS
SECTION_KEYS = frozenset({"parts", "descriptions", "manuals", "duties"})
DUTY_KEYS = frozenset(
    {"code", "title", "detail", "source", "frequency", "rrule", "lead_days", "part", "owner"}
)
_CODE = CODE


@dataclass(frozen=True)
class DutySpec:
    """One duty as written in the file."""

    code: str
    title: str
    detail: str
    source: str
    frequency: str
    rrule: str | None
    lead_days: int
    part: str | None
    line: int


@dataclass(frozen=True)
class OwnerSpec:
    """A description (kind "category"), a manual ("position"), or a flat `owner` group
    ("owner": a category or position code, decided against the catalogue)."""

    kind: str
    code: str
    title: str | None
    line: int
    duties: tuple[DutySpec, ...]


@dataclass(frozen=True)
class PartSpec:
    """A named list within a library (e.g. one of the SOE "five lists")."""

    code: str
    title: str
    title_en: str


@dataclass(frozen=True)
class Library:
    """A checked library file."""

    path: str
    urn: str
    version: str
    title: str
    content_hash: str
    parts: tuple[PartSpec, ...]
    owners: tuple[OwnerSpec, ...]
    plugin: str | None = None

    def duties(self) -> Iterator[tuple[OwnerSpec, DutySpec]]:
        """Every duty with its owner, in file order."""
        for owner in self.owners:
            for duty in owner.duties:
                yield owner, duty


_Reader = YamlReader


def _lead_days(
    reader: _Reader, fields: dict[str, tuple[yaml.Node, yaml.Node]], frequency: str
) -> int:
    raw = reader.text(fields, "lead_days", limit=10)
    if raw is None:
        return DEFAULT_LEAD_DAYS[frequency]
    if not raw.isdigit() or int(raw) > 366:
        raise reader.fail(fields["lead_days"][1], f"lead_days={raw}: 应为 0–366 的整数")
    return int(raw)


def _rrule(
    reader: _Reader, fields: dict[str, tuple[yaml.Node, yaml.Node]], frequency: str
) -> str | None:
    raw = reader.text(fields, "rrule", limit=200)
    if raw is None:
        return None
    node = fields["rrule"][1]
    if frequency in UNSCHEDULED:
        raise reader.fail(node, f"频次 {frequency} 不排入行事历，不能有 rrule (no rrule for it)")
    try:
        return rrule.normalise(raw)
    except rrule.RRuleError as exc:
        raise reader.fail(node, f"rrule 无效: {exc} (bad rrule)") from None


def _duty(
    reader: _Reader, node: yaml.Node, *, flat: bool, parts: set[str]
) -> tuple[DutySpec, str | None]:
    fields = reader.mapping(node, "职责 (duty)")
    reader.unknown(fields, DUTY_KEYS if flat else DUTY_KEYS - {"owner"})
    code = reader.required(fields, "code", node, "duty", limit=80)
    if _CODE.match(code) is None:
        raise reader.fail(
            fields["code"][1], f"职责编码 {code!r} 只能含字母、数字和 _.:- (bad code)"
        )
    what = f"duty {code!r}"
    title = reader.required(fields, "title", node, what, limit=300)
    detail = reader.required(fields, "detail", node, what, limit=4000)
    source = reader.required(fields, "source", node, what, limit=300)
    if "《" not in source:
        raise reader.fail(fields["source"][1], f"{what}: source 应写明文件名和条款，如《…》第…条")
    frequency = reader.required(fields, "frequency", node, what, limit=20)
    if frequency not in FREQUENCIES:
        raise reader.fail(
            fields["frequency"][1],
            f"{what}: 频次 {frequency!r} 未知，可用 {', '.join(FREQUENCIES)} (unknown frequency)",
        )
    part = reader.text(fields, "part", limit=40)
    if part is not None and part not in parts:
        raise reader.fail(
            fields["part"][1], f"{what}: 清单 {part!r} 未在 parts 中声明 (unknown part)"
        )
    owner = reader.required(fields, "owner", node, what, limit=60) if flat else None
    spec = DutySpec(
        code=code,
        title=title,
        detail=detail,
        source=source,
        frequency=frequency,
        rrule=_rrule(reader, fields, frequency),
        lead_days=_lead_days(reader, fields, frequency),
        part=part,
        line=node.start_mark.line + 1,
    )
    return spec, owner


def _duties(reader: _Reader, node: yaml.Node, parts: set[str]) -> tuple[DutySpec, ...]:
    items = reader.sequence(node, "duties")
    if len(items) > MAX_DUTIES:
        raise reader.fail(node, f"一份描述书或说明书最多 {MAX_DUTIES} 项职责 (too many duties)")
    return tuple(_duty(reader, item, flat=False, parts=parts)[0] for item in items)


def _owners(reader: _Reader, node: yaml.Node, kind: str, parts: set[str]) -> list[OwnerSpec]:
    key = "category" if kind == "category" else "position"
    section = "descriptions" if kind == "category" else "manuals"
    owners = []
    for item in reader.sequence(node, section):
        fields = reader.mapping(item, section)
        reader.unknown(fields, frozenset({key, "title", "duties"}))
        code = reader.required(fields, key, item, section, limit=60)
        title = reader.required(fields, "title", item, f"{section} {code!r}", limit=200)
        if "duties" not in fields:
            raise reader.fail(item, f"{section} {code!r} 缺少 duties ({section} lacks duties)")
        duties = _duties(reader, fields["duties"][1], parts)
        owners.append(OwnerSpec(kind, code, title, item.start_mark.line + 1, duties))
    return owners


def _flat(reader: _Reader, node: yaml.Node, parts: set[str]) -> list[OwnerSpec]:
    grouped: dict[str, list[DutySpec]] = {}
    lines: dict[str, int] = {}
    for item in reader.sequence(node, "duties"):
        duty, owner = _duty(reader, item, flat=True, parts=parts)
        assert owner is not None
        grouped.setdefault(owner, []).append(duty)
        lines.setdefault(owner, duty.line)
        if len(grouped[owner]) > MAX_DUTIES:
            raise reader.fail(item, f"{owner} 最多 {MAX_DUTIES} 项职责 (too many duties)")
    return [OwnerSpec("owner", code, None, lines[code], tuple(d)) for code, d in grouped.items()]


def _parts(reader: _Reader, node: yaml.Node) -> tuple[PartSpec, ...]:
    parts = []
    for item in reader.sequence(node, "parts"):
        fields = reader.mapping(item, "parts")
        reader.unknown(fields, frozenset({"code", "title", "title_en"}))
        code = reader.required(fields, "code", item, "part", limit=40)
        title = reader.required(fields, "title", item, f"part {code!r}", limit=200)
        parts.append(PartSpec(code, title, reader.text(fields, "title_en", limit=200) or ""))
    return tuple(parts)


def _check_unique(reader: _Reader, owners: list[OwnerSpec]) -> None:
    seen_owner: set[tuple[str, str]] = set()
    seen_duty: set[str] = set()
    for owner in owners:
        if (owner.kind, owner.code) in seen_owner:
            raise LibraryError(reader.path, owner.line, f"{owner.code} 重复出现 (given twice)")
        seen_owner.add((owner.kind, owner.code))
        for duty in owner.duties:
            if duty.code in seen_duty:
                raise LibraryError(
                    reader.path, duty.line, f"职责编码 {duty.code!r} 重复 (duty code given twice)"
                )
            seen_duty.add(duty.code)


def parse(text: str, *, path: str) -> Library:
    """A checked library from the file's text; LibraryError (`path:line: reason`) otherwise."""
    reader = _Reader(path)
    root = compose(text, path=path)
    fields = reader.mapping(root, "库文件 (library)")
    reader.unknown(fields, META_KEYS | SECTION_KEYS)
    head = header(reader, root, fields, text)
    parts = _parts(reader, fields["parts"][1]) if "parts" in fields else ()
    part_codes = {part.code for part in parts}
    owners: list[OwnerSpec] = []
    for section, kind in (("descriptions", "category"), ("manuals", "position")):
        if section in fields:
            owners += _owners(reader, fields[section][1], kind, part_codes)
    if "duties" in fields:
        owners += _flat(reader, fields["duties"][1], part_codes)
    _check_unique(reader, owners)
    return Library(
        path,
        head.urn,
        head.version,
        head.title,
        head.content_hash,
        parts,
        tuple(owners),
        head.plugin,
    )


def read(path: Path) -> Library:
    """Read and check a library file."""
    return parse(read_text(path), path=str(path))
