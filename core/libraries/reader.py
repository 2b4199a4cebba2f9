"""Reading a library file as a YAML node tree, so that every refusal names `file:line`.

The file is read as nodes (not plain Python values) so that every error names the line it
is on, duplicate mapping keys are caught and `version: 2026.10` stays a string. Every
library kind starts with the same header (`urn`, `version`, `title`, `kind`, `plugin`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

Fields = dict[str, tuple[yaml.Node, yaml.Node]]
"""A mapping node's entries by key: (key node, value node)."""

HEADER_KEYS = frozenset(
    {"urn", "version", "title", "title_en", "name", "name_en", "kind", "plugin", "sector"}
    | {"published", "note"}
)
"""Keys every library file may carry at its top level besides its kind's sections."""

NULL_TAG = "tag:yaml.org,2002:null"
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$")
_URN = re.compile(r"^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:\S{1,160}$")
_VERSION = re.compile(r"^[0-9][0-9A-Za-z.-]{0,39}$")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same marks


class LibraryError(ValueError):
    """A refused library file: `path:line: reason`."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class Header:
    """What every library file says about itself."""

    urn: str
    version: str
    title: str
    kind: str | None
    plugin: str | None
    content_hash: str


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key comparing versions piece by piece, numbers as numbers: 2026.1 < 2026.10."""
    pieces = re.split(r"[.-]", version)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in pieces if p)


def line_of(node: yaml.Node | None) -> int:
    """The 1-based line a node starts on (1 for the whole file)."""
    return 1 if node is None else node.start_mark.line + 1


class YamlReader:
    """Walks the node tree of one file; every refusal carries the file and the line."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, node: yaml.Node | None, reason: str) -> LibraryError:
        return LibraryError(self.path, line_of(node), reason)

    def mapping(self, node: yaml.Node, what: str) -> Fields:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} 应为映射 (expected a mapping)")
        out: Fields = {}
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

    def text(self, fields: Fields, key: str, *, limit: int) -> str | None:
        """A scalar's text (None when absent, null or blank); folded lines are joined."""
        if key not in fields:
            return None
        value = fields[key][1]
        if not isinstance(value, yaml.ScalarNode):
            raise self.fail(value, f"{key} 应为文本 (expected text)")
        if value.tag == NULL_TAG or not value.value.strip():
            return None
        result = " ".join(value.value.split()) if "\n" in value.value else value.value.strip()
        if len(result) > limit:
            raise self.fail(value, f"{key} 超过 {limit} 个字符 (too long)")
        return result

    def required(self, fields: Fields, key: str, node: yaml.Node, what: str, *, limit: int) -> str:
        found = self.text(fields, key, limit=limit)
        if found is None:
            where = fields[key][1] if key in fields else node
            raise self.fail(where, f"{what} 缺少 {key} ({what.split()[0]} lacks {key})")
        return found

    def code(self, fields: Fields, key: str, node: yaml.Node, what: str) -> str:
        """A required code: letters, digits and `_ . : -`, at most 80 characters."""
        found = self.required(fields, key, node, what, limit=80)
        if CODE.match(found) is None:
            raise self.fail(fields[key][1], f"编码 {found!r} 只能含字母、数字和 _.:- (bad code)")
        return found

    def number(
        self, fields: Fields, key: str, *, low: float | None = None, high: float | None = None
    ) -> float | None:
        """An optional number within [low, high]."""
        raw = self.text(fields, key, limit=40)
        if raw is None:
            return None
        try:
            value = float(raw)
        except ValueError:
            raise self.fail(fields[key][1], f"{key}={raw}: 应为数字 (expected a number)") from None
        too_low = low is not None and value < low
        if value != value or too_low or (high is not None and value > high):
            span = f"{'' if low is None else low}–{'' if high is None else high}"
            raise self.fail(fields[key][1], f"{key}={raw}: 应在 {span} 之间 (out of range)")
        return value

    def integer(self, fields: Fields, key: str, *, low: int, high: int) -> int | None:
        """An optional integer within [low, high]."""
        raw = self.text(fields, key, limit=20)
        if raw is None:
            return None
        if not raw.lstrip("-").isdigit() or not low <= int(raw) <= high:
            raise self.fail(fields[key][1], f"{key}={raw}: 应为 {low}–{high} 的整数 (bad integer)")
        return int(raw)

    def flag(self, fields: Fields, key: str, *, default: bool) -> bool:
        """An optional yes/no (true/false)."""
        raw = self.text(fields, key, limit=10)
        if raw is None:
            return default
        if raw.lower() not in {"true", "false", "yes", "no"}:
            raise self.fail(fields[key][1], f"{key}={raw}: 应为 true 或 false (expected a flag)")
        return raw.lower() in {"true", "yes"}

    def choice(
        self, fields: Fields, key: str, node: yaml.Node, what: str, options: tuple[str, ...]
    ) -> str:
        """A required value out of a fixed list."""
        found = self.required(fields, key, node, what, limit=40)
        if found not in options:
            raise self.fail(
                fields[key][1], f"{what}: {key} {found!r} 未知，可用 {', '.join(options)} (unknown)"
            )
        return found

    def unknown(self, fields: Fields, allowed: frozenset[str]) -> None:
        for name, (key, _value) in fields.items():
            if name not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.fail(key, f"未知的字段 {name!r}，可用: {known} (unknown key)")


def compose(text: str, *, path: str) -> yaml.Node:
    """The file's root node; LibraryError for a syntax error or an empty file."""
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
    return root


def header(reader: YamlReader, root: yaml.Node, fields: Fields, text: str) -> Header:
    """The checked header of a file (its top-level mapping's `fields`)."""
    urn = reader.required(fields, "urn", root, "library", limit=200)
    if _URN.match(urn) is None:
        raise reader.fail(fields["urn"][1], f"urn {urn!r} 应形如 urn:dutygraph:library:…")
    version = reader.required(fields, "version", root, "library", limit=40)
    if _VERSION.match(version) is None:
        raise reader.fail(fields["version"][1], f"version {version!r} 应以数字开头，如 2026.1")
    title = reader.text(fields, "title", limit=200) or reader.text(fields, "name", limit=200)
    return Header(
        urn=urn,
        version=version,
        title=title or urn,
        kind=reader.text(fields, "kind", limit=40),
        plugin=reader.text(fields, "plugin", limit=60),
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def read_text(path: Path) -> str:
    """A library file's text; LibraryError when it cannot be read as UTF-8."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LibraryError(str(path), 1, f"无法读取文件: {exc} (unreadable)") from None
