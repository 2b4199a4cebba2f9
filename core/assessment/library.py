"""Assessment library files (YAML): a scheme (`kind: assessment_scheme`) or items that join
an existing scheme (`kind: assessment_items`, e.g. a sector plugin's). `file:line` for every
refusal; the format is documented in docs/libraries.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from core.assessment import inputs, scoring
from core.expressions import ExpressionError, compile_expression
from core.libraries.reader import (
    HEADER_KEYS,
    Fields,
    LibraryError,
    YamlReader,
    compose,
    header,
    read_text,
)

SCHEME_KIND, ITEMS_KIND = "assessment_scheme", "assessment_items"
DEPARTMENTS: dict[str, str] = {
    "DISCIPLINE": "纪委监委",
    "ORGANIZATION": "组织部",
    "PROPAGANDA": "宣传部",
    "UNITED_FRONT": "统战部",
    "OFFICE": "党建工作领导小组办公室",
}
"""Departments that assess areas in the combined visit (一次性综合考核)."""
MAX_ITEMS = 200
ITEM_KEYS = frozenset(
    {"code", "title", "max", "weight", "score", "entered", "department", "categories", "basis"}
)


@dataclass(frozen=True)
class ItemSpec:
    code: str
    title: str
    section: str
    max_score: float
    weight: float
    expression: str | None  # None: entered by assessors
    department: str | None
    categories: tuple[str, ...]
    basis: str
    line: int


@dataclass(frozen=True)
class SectionSpec:
    code: str
    title: str
    weight: float
    method: str
    max_points: float | None
    satisfaction: bool
    departments: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class GradeSpec:
    grade: str
    condition: str
    line: int


@dataclass(frozen=True)
class AssessmentFile:
    """A checked scheme file (`scheme` set) or items file (`extends` set)."""

    path: str
    kind: str
    urn: str
    version: str
    title: str
    content_hash: str
    plugin: str | None
    scheme: str
    year: int | None
    method: str
    categories: tuple[str, ...]
    sections: tuple[SectionSpec, ...]
    items: tuple[ItemSpec, ...]
    grades: tuple[GradeSpec, ...]
    grade_default: str | None
    line_of_categories: int


def _codes(reader: YamlReader, fields: Fields, key: str, what: str) -> tuple[str, ...]:
    if key not in fields:
        return ()
    out = []
    for node in reader.sequence(fields[key][1], f"{what} {key}"):
        if not isinstance(node, yaml.ScalarNode) or not node.value.strip():
            raise reader.fail(node, f"{key} 应为编码列表 (expected codes)")
        out.append(node.value.strip())
    return tuple(out)


def _departments(reader: YamlReader, fields: Fields, what: str) -> tuple[str, ...]:
    found = _codes(reader, fields, "departments", what)
    for code in found:
        if code not in DEPARTMENTS:
            known = ", ".join(DEPARTMENTS)
            raise reader.fail(
                fields["departments"][1], f"{what}: 未知的部门 {code!r}，可用 {known}"
            )
    return found


def _expression(
    reader: YamlReader, fields: Fields, key: str, names: frozenset[str], what: str
) -> str:
    source = reader.required(fields, key, fields[key][1], what, limit=2000)
    try:
        compile_expression(source, names=names)
    except ExpressionError as exc:
        raise reader.fail(fields[key][1], f"{what}: {exc}") from None
    return source


def _item(reader: YamlReader, node: yaml.Node, section: str | None) -> ItemSpec:
    fields = reader.mapping(node, "考核项目 (item)")
    reader.unknown(fields, ITEM_KEYS | ({"section"} if section is None else frozenset()))
    code = reader.code(fields, "code", node, "item")
    what = f"item {code!r}"
    owner = section or reader.code(fields, "section", node, what)
    maximum = reader.number(fields, "max", low=0.01, high=1000)
    if maximum is None:
        raise reader.fail(node, f"{what} 缺少 max (item lacks max)")
    entered = reader.flag(fields, "entered", default=False)
    if entered == ("score" in fields):
        raise reader.fail(
            node, f"{what}: 须且只能给出 score（由记录计分）或 entered: true（考核人员录入）"
        )
    expression = None if entered else _expression(reader, fields, "score", inputs.NAMES, what)
    return ItemSpec(
        code=code,
        title=reader.required(fields, "title", node, what, limit=300),
        section=owner,
        max_score=maximum,
        weight=reader.number(fields, "weight", low=0, high=1000) or 1.0,
        expression=expression,
        department=reader.text(fields, "department", limit=40),
        categories=_codes(reader, fields, "categories", what),
        basis=reader.text(fields, "basis", limit=1000) or "",
        line=node.start_mark.line + 1,
    )


def _section(reader: YamlReader, node: yaml.Node) -> tuple[SectionSpec, list[ItemSpec]]:
    fields = reader.mapping(node, "考核板块 (section)")
    keys = {"code", "title", "weight", "method", "max", "satisfaction", "departments", "items"}
    reader.unknown(fields, frozenset(keys))
    code = reader.code(fields, "code", node, "section")
    what = f"section {code!r}"
    weight = reader.number(fields, "weight", low=0, high=100)
    if weight is None:
        raise reader.fail(node, f"{what} 缺少 weight (section lacks weight)")
    method = reader.text(fields, "method", limit=20) or scoring.WEIGHTED
    if method not in scoring.METHODS:
        raise reader.fail(
            fields["method"][1],
            f"{what}: 计分方法 {method!r} 未知，可用 {', '.join(scoring.METHODS)}",
        )
    items = []
    if "items" in fields:
        items = [_item(reader, item, code) for item in reader.sequence(fields["items"][1], "items")]
    if method == scoring.ROLLUP and items:
        raise reader.fail(fields["items"][1], f"{what}: ROLLUP 板块由下级组织汇总，不能有 items")
    spec = SectionSpec(
        code=code,
        title=reader.required(fields, "title", node, what, limit=200),
        weight=weight,
        method=method,
        max_points=reader.number(fields, "max", low=0.01, high=10000),
        satisfaction=reader.flag(fields, "satisfaction", default=False),
        departments=_departments(reader, fields, what) or ("OFFICE",),
        line=node.start_mark.line + 1,
    )
    return spec, items


def _grades(reader: YamlReader, node: yaml.Node) -> tuple[tuple[GradeSpec, ...], str]:
    rules: list[GradeSpec] = []
    default: str | None = None
    for item in reader.sequence(node, "grades"):
        fields = reader.mapping(item, "等次 (grade)")
        reader.unknown(fields, frozenset({"when", "grade", "default"}))
        if default is not None:
            raise reader.fail(item, "default 必须是 grades 的最后一项 (default must come last)")
        if "default" in fields:
            if "when" in fields or "grade" in fields:
                raise reader.fail(item, "default 项只写 default: 等次名 (default stands alone)")
            default = reader.required(fields, "default", item, "grade", limit=40)
            continue
        grade = reader.required(fields, "grade", item, "grade", limit=40)
        condition = (
            _expression(reader, fields, "when", inputs.GRADE_NAMES, f"grade {grade!r}")
            if "when" in fields
            else None
        )
        if condition is None:
            raise reader.fail(item, f"grade {grade!r} 缺少 when 条件 (grade lacks when)")
        rules.append(GradeSpec(grade, condition, item.start_mark.line + 1))
    if default is None:
        raise reader.fail(node, "grades 缺少 default 等次 (a grade list needs a default)")
    return tuple(rules), default


def _check_sections(reader: YamlReader, node: yaml.Node, sections: list[SectionSpec]) -> None:
    if not sections:
        raise reader.fail(node, "sections 不能为空 (no sections)")
    total = sum(s.weight for s in sections)
    if abs(total - 100.0) > 1e-6:
        listed = " + ".join(f"{s.code} {s.weight:g}" for s in sections)
        raise reader.fail(
            node, f"板块权重合计应为 100，现为 {total:g}（{listed}）(weights must total 100)"
        )
    if sum(1 for s in sections if s.satisfaction) > 1:
        raise reader.fail(node, "至多一个满意度板块 (at most one satisfaction section)")
    codes = [s.code for s in sections]
    if len(set(codes)) != len(codes):
        raise reader.fail(node, "板块编码重复 (section code given twice)")


def _check_items(
    reader: YamlReader, items: list[ItemSpec], departments: dict[str, tuple[str, ...]]
) -> None:
    if len(items) > MAX_ITEMS:
        raise reader.fail(None, f"考核项目最多 {MAX_ITEMS} 项 (too many items)")
    seen: set[str] = set()
    for item in items:
        if item.code in seen:
            raise LibraryError(
                reader.path, item.line, f"考核项目编码 {item.code!r} 重复 (given twice)"
            )
        seen.add(item.code)
        allowed = departments.get(item.section)
        if allowed and item.department is not None and item.department not in allowed:
            raise LibraryError(
                reader.path,
                item.line,
                f"item {item.code!r}: 部门 {item.department} 不考核板块 {item.section}"
                f"（可用 {', '.join(allowed)}）(department does not assess that area)",
            )
        if item.department is not None and item.department not in DEPARTMENTS:
            raise LibraryError(
                reader.path, item.line, f"item {item.code!r}: 未知的部门 {item.department}"
            )


def parse(text: str, *, path: str) -> AssessmentFile:
    """A checked assessment file; LibraryError (`path:line: reason`) otherwise."""
    reader = YamlReader(path)
    root = compose(text, path=path)
    fields = reader.mapping(root, "库文件 (library)")
    head = header(reader, root, fields, text)
    kind = head.kind or SCHEME_KIND
    if kind == SCHEME_KIND:
        reader.unknown(fields, HEADER_KEYS | {"scheme", "sections", "grades"})
        if "scheme" not in fields or "sections" not in fields or "grades" not in fields:
            raise reader.fail(
                root, "方案文件需要 scheme、sections 和 grades (scheme file lacks a part)"
            )
        scheme_node = fields["scheme"][1]
        scheme = reader.mapping(scheme_node, "scheme")
        reader.unknown(scheme, frozenset({"code", "year", "categories", "method"}))
        code = reader.code(scheme, "code", scheme_node, "scheme")
        year = reader.integer(scheme, "year", low=2000, high=2100)
        if year is None:
            raise reader.fail(scheme_node, "scheme 缺少 year (scheme lacks year)")
        method = reader.text(scheme, "method", limit=20) or scoring.WEIGHTED
        if method not in (scoring.WEIGHTED, scoring.SUM):
            raise reader.fail(
                scheme["method"][1], f"方案计分方法 {method!r} 未知，可用 WEIGHTED, SUM"
            )
        categories = _codes(reader, scheme, "categories", "scheme")
        cat_line = (
            scheme["categories"][1] if "categories" in scheme else scheme_node
        ).start_mark.line + 1
        sections: list[SectionSpec] = []
        items: list[ItemSpec] = []
        for node in reader.sequence(fields["sections"][1], "sections"):
            section, found = _section(reader, node)
            sections.append(section)
            items.extend(found)
        _check_sections(reader, fields["sections"][1], sections)
        grades, default = _grades(reader, fields["grades"][1])
    elif kind == ITEMS_KIND:
        reader.unknown(fields, HEADER_KEYS | {"extends", "categories", "items"})
        code = reader.code(fields, "extends", root, "items file")
        year, method, sections, grades, default = None, scoring.WEIGHTED, [], (), None
        categories = _codes(reader, fields, "categories", "items file")
        cat_line = (fields["categories"][1] if "categories" in fields else root).start_mark.line + 1
        if "items" not in fields:
            raise reader.fail(root, "items 文件缺少 items (items file lacks items)")
        items = [_item(reader, node, None) for node in reader.sequence(fields["items"][1], "items")]
    else:
        raise reader.fail(fields["kind"][1], f"不是考核库文件 kind={kind!r}")
    if not categories and kind == SCHEME_KIND:
        raise reader.fail(
            root, "scheme 缺少 categories (which organisation categories it assesses)"
        )
    _check_items(reader, items, {s.code: s.departments for s in sections})
    return AssessmentFile(
        path=path,
        kind=kind,
        urn=head.urn,
        version=head.version,
        title=head.title,
        content_hash=head.content_hash,
        plugin=head.plugin,
        scheme=code,
        year=year,
        method=method,
        categories=categories,
        sections=tuple(sections),
        items=tuple(items),
        grades=tuple(grades),
        grade_default=default,
        line_of_categories=cat_line,
    )


def read(path: Path) -> AssessmentFile:
    """Read and check an assessment library file."""
    return parse(read_text(path), path=str(path))
