"""Duty library files (YAML): parsing and checking, with `file:line` for every refusal.

The file is read as a YAML node tree (not plain Python values) so that every error names
the line it is on, duplicate mapping keys are caught and `version: 2026.10` stays a string.
The format is documented in docs/libraries.md.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from core.duties import rrule

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

META_KEYS = frozenset(
    {"title", "title_en", "name", "name_en", "kind", "plugin", "sector", "published", "note"}
)
SECTION_KEYS = frozenset({"parts", "descriptions", "manuals", "duties"})
DUTY_KEYS = frozenset(
    {"code", "title", "detail", "source", "frequency", "rrule", "lead_days", "part", "owner"}
)
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$")
_URN = re.compile(r"^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:\S{1,160}$")
_VERSION = re.compile(r"^[0-9][0-9A-Za-z.-]{0,39}$")
_NULL = "tag:yaml.org,2002:null"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same marks


class LibraryError(ValueError):
    """A refused library file: `path:line: reason`."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


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


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key comparing versions piece by piece, numbers as numbers: 2026.1 < 2026.10."""
    pieces = re.split(r"[.-]", version)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in pieces if p)


class _Reader:
    """Walks the node tree of one file; every refusal carries the file and the line."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, node: yaml.Node | None, reason: str) -> LibraryError:
        line = 1 if node is None else node.start_mark.line + 1
        return LibraryError(self.path, line, reason)

    def mapping(self, node: yaml.Node, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} 应为映射 (expected a mapping)")
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise self.fail(key, f"{what} 的键应为文本 (keys must be scalars)")
            if key.value in out:
                raise self.fail(key, f"{what} 的键 {key.value!r} 重复 (key given twice)")
            out[key.value] = (key, value)
        return out

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"{what} 应为列表 (expected a list)")
        return list(node.value)

    def text(
        self, fields: dict[str, tuple[yaml.Node, yaml.Node]], key: str, *, limit: int
    ) -> str | None:
        if key not in fields:
            return None
        value = fields[key][1]
        if not isinstance(value, yaml.ScalarNode):
            raise self.fail(value, f"{key} 应为文本 (expected text)")
        if value.tag == _NULL or not value.value.strip():
            return None
        result = " ".join(value.value.split()) if "\n" in value.value else value.value.strip()
        if len(result) > limit:
            raise self.fail(value, f"{key} 超过 {limit} 个字符 (too long)")
        return result

    def required(
        self,
        fields: dict[str, tuple[yaml.Node, yaml.Node]],
        key: str,
        node: yaml.Node,
        what: str,
        *,
        limit: int,
    ) -> str:
        found = self.text(fields, key, limit=limit)
        if found is None:
            where = fields[key][1] if key in fields else node
            raise self.fail(where, f"{what} 缺少 {key} ({what.split()[0]} lacks {key})")
        return found

    def unknown(
        self, fields: dict[str, tuple[yaml.Node, yaml.Node]], allowed: frozenset[str]
    ) -> None:
        for name, (key, _value) in fields.items():
            if name not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.fail(key, f"未知的字段 {name!r}，可用: {known} (unknown key)")


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
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = 1 if mark is None else mark.line + 1
        raise LibraryError(
            path, line, f"YAML 语法错误: {exc.problem or exc} (YAML syntax)"
        ) from None
    if root is None:
        raise LibraryError(path, 1, "文件为空 (empty file)")
    fields = reader.mapping(root, "库文件 (library)")
    reader.unknown(fields, META_KEYS | SECTION_KEYS | {"urn", "version"})
    urn = reader.required(fields, "urn", root, "library", limit=200)
    if _URN.match(urn) is None:
        raise reader.fail(fields["urn"][1], f"urn {urn!r} 应形如 urn:dutygraph:library:…")
    version = reader.required(fields, "version", root, "library", limit=40)
    if _VERSION.match(version) is None:
        raise reader.fail(fields["version"][1], f"version {version!r} 应以数字开头，如 2026.1")
    title = reader.text(fields, "title", limit=200) or reader.text(fields, "name", limit=200)
    parts = _parts(reader, fields["parts"][1]) if "parts" in fields else ()
    part_codes = {part.code for part in parts}
    owners: list[OwnerSpec] = []
    for section, kind in (("descriptions", "category"), ("manuals", "position")):
        if section in fields:
            owners += _owners(reader, fields[section][1], kind, part_codes)
    if "duties" in fields:
        owners += _flat(reader, fields["duties"][1], part_codes)
    _check_unique(reader, owners)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    plugin = reader.text(fields, "plugin", limit=60)
    return Library(path, urn, version, title or urn, digest, parts, tuple(owners), plugin)


def read(path: Path) -> Library:
    """Read and check a library file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LibraryError(str(path), 1, f"无法读取文件: {exc} (unreadable)") from None
    return parse(text, path=str(path))
