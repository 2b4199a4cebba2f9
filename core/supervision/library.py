"""Reading procedure and checklist library files (kinds `procedure`, `inspection_checklist`).

The format is documented in docs/libraries.md; every refusal names `file:line`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from core.libraries.reader import (
    HEADER_KEYS,
    Fields,
    YamlReader,
    compose,
    header,
    line_of,
    read_text,
)

PROCEDURE_KIND = "procedure"
CHECKLIST_KIND = "inspection_checklist"
LIST_KEY = {PROCEDURE_KIND: "procedures", CHECKLIST_KIND: "checklists"}
STORED_KIND = {PROCEDURE_KIND: "PROCEDURE", CHECKLIST_KIND: "CHECKLIST"}
ALIASES = {"operating_procedure": PROCEDURE_KIND, "checklist": CHECKLIST_KIND}
SEVERITIES = ("LOW", "MEDIUM", "HIGH")
MAX_STEPS = 100
MAX_EVIDENCE = 20
MAX_QUESTION_GROUPS = 20
MAX_QUESTIONS = 30
ENTRY_KEYS = frozenset(
    {"code", "title", "title_en", "source", "summary", "categories", "duties", "steps"}
)
STEP_KEYS = frozenset({"code", "title", "guidance", "evidence", "severity", "questions"})


@dataclass(frozen=True)
class StepSpec:
    code: str
    title: str
    guidance: str
    evidence: list[str]
    severity: str
    questions: list[dict[str, Any]]


@dataclass(frozen=True)
class ProcedureSpec:
    code: str
    title: str
    title_en: str
    source: str
    summary: str
    categories: list[str]
    duties: list[str]
    steps: list[StepSpec]
    line: int
    categories_line: int


@dataclass(frozen=True)
class ProcedureFile:
    path: str
    urn: str
    version: str
    title: str
    kind: str
    plugin: str | None
    content_hash: str
    procedures: list[ProcedureSpec] = field(default_factory=list)


def _texts(
    reader: YamlReader, fields: Fields, key: str, *, limit: int, most: int, what: str
) -> list[str]:
    if key not in fields:
        return []
    items = reader.sequence(fields[key][1], f"{what} 的 {key}")
    if len(items) > most:
        raise reader.fail(fields[key][1], f"{what}: {key} 至多 {most} 项 (too many)")
    out = []
    for item in items:
        if not isinstance(item, yaml.ScalarNode) or not item.value.strip():
            raise reader.fail(item, f"{what}: {key} 的每一项应为非空文本 (expected text)")
        text = " ".join(item.value.split())
        if len(text) > limit:
            raise reader.fail(item, f"{what}: {key} 的一项超过 {limit} 个字符 (too long)")
        out.append(text)
    return out


def _questions(reader: YamlReader, fields: Fields, what: str) -> list[dict[str, Any]]:
    if "questions" not in fields:
        return []
    groups = reader.sequence(fields["questions"][1], f"{what} 的 questions")
    if len(groups) > MAX_QUESTION_GROUPS:
        raise reader.fail(
            fields["questions"][1], f"{what}: questions 至多 {MAX_QUESTION_GROUPS} 组"
        )
    out = []
    for group in groups:
        entry = reader.mapping(group, f"{what} 的提问组 (question group)")
        reader.unknown(entry, frozenset({"interviewee", "items"}))
        who = reader.required(entry, "interviewee", group, "提问组 question group", limit=60)
        items = _texts(reader, entry, "items", limit=300, most=MAX_QUESTIONS, what=who)
        if not items:
            raise reader.fail(group, f"{what}: 对「{who}」的提问缺少 items (no questions)")
        out.append({"interviewee": who, "items": items})
    return out


def _step(reader: YamlReader, node: yaml.Node, what: str) -> StepSpec:
    fields = reader.mapping(node, f"{what} 的步骤 (step)")
    reader.unknown(fields, STEP_KEYS)
    code = reader.code(fields, "code", node, "step")
    label = f"{what} 步骤 {code}"
    severity = reader.text(fields, "severity", limit=10) or "MEDIUM"
    if severity not in SEVERITIES:
        raise reader.fail(
            fields["severity"][1], f"{label}: severity {severity!r} 未知，可用 LOW, MEDIUM, HIGH"
        )
    return StepSpec(
        code=code,
        title=reader.required(fields, "title", node, "step", limit=300),
        guidance=reader.required(fields, "guidance", node, "step", limit=4000),
        evidence=_texts(reader, fields, "evidence", limit=200, most=MAX_EVIDENCE, what=label),
        severity=severity,
        questions=_questions(reader, fields, label),
    )


def _codes(reader: YamlReader, fields: Fields, key: str, what: str) -> list[str]:
    found = _texts(reader, fields, key, limit=80, most=200, what=what)
    return list(dict.fromkeys(found))


def _procedure(reader: YamlReader, node: yaml.Node) -> ProcedureSpec:
    fields = reader.mapping(node, "规程 (procedure)")
    reader.unknown(fields, ENTRY_KEYS)
    code = reader.code(fields, "code", node, "procedure")
    what = f"规程 {code}"
    source = reader.required(fields, "source", node, "procedure", limit=300)
    if "《" not in source:
        raise reader.fail(fields["source"][1], f"{what}: source 应写明文件名，如《…》第…条")
    if "steps" not in fields:
        raise reader.fail(node, f"{what} 缺少 steps (procedure lacks steps)")
    nodes = reader.sequence(fields["steps"][1], f"{what} 的 steps")
    if not 1 <= len(nodes) <= MAX_STEPS:
        raise reader.fail(fields["steps"][1], f"{what}: steps 应有 1–{MAX_STEPS} 项")
    steps: list[StepSpec] = []
    seen: set[str] = set()
    for step_node in nodes:
        step = _step(reader, step_node, what)
        if step.code in seen:
            raise reader.fail(step_node, f"{what}: 步骤编码 {step.code} 重复 (step code twice)")
        seen.add(step.code)
        steps.append(step)
    return ProcedureSpec(
        code=code,
        title=reader.required(fields, "title", node, "procedure", limit=200),
        title_en=reader.text(fields, "title_en", limit=200) or "",
        source=source,
        summary=reader.text(fields, "summary", limit=2000) or "",
        categories=_codes(reader, fields, "categories", what),
        duties=_codes(reader, fields, "duties", what),
        steps=steps,
        line=line_of(node),
        categories_line=line_of(fields["categories"][1])
        if "categories" in fields
        else line_of(node),
    )


def parse(text: str, *, path: str) -> ProcedureFile:
    """A checked procedure or checklist file; LibraryError (`path:line: reason`) otherwise."""
    reader = YamlReader(path)
    root = compose(text, path=path)
    fields = reader.mapping(root, "库文件 (library)")
    head = header(reader, root, fields, text)
    kind = ALIASES.get(head.kind or PROCEDURE_KIND, head.kind or PROCEDURE_KIND)
    if kind not in LIST_KEY:
        raise reader.fail(
            fields["kind"][1] if "kind" in fields else root, f"未知的规程库类型 {kind}"
        )
    key = LIST_KEY[kind]
    reader.unknown(fields, HEADER_KEYS | {key})
    if key not in fields:
        raise reader.fail(root, f"kind: {kind} 的文件需要 {key}: 列表 (file lacks {key})")
    procedures: list[ProcedureSpec] = []
    seen: dict[str, int] = {}
    for node in reader.sequence(fields[key][1], key):
        spec = _procedure(reader, node)
        if spec.code in seen:
            raise reader.fail(
                node, f"规程编码 {spec.code} 在第 {seen[spec.code]} 行已出现 (code twice)"
            )
        seen[spec.code] = spec.line
        procedures.append(spec)
    return ProcedureFile(
        path=path,
        urn=head.urn,
        version=head.version,
        title=head.title,
        kind=kind,
        plugin=head.plugin,
        content_hash=head.content_hash,
        procedures=procedures,
    )


def read(path: Path) -> ProcedureFile:
    """Read and check a procedure or checklist library file."""
    return parse(read_text(path), path=str(path))
