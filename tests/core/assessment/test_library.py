"""Assessment library files: refusals name file:line; versions, extensions and the lock."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from core.assessment.library import parse
from core.assessment.models import AssessmentItem, AssessmentScheme
from core.db import session_factory
from core.libraries.kinds import load_files
from core.libraries.reader import LibraryError
from gateway.app import Runtime
from tests.conftest import GQL

SCHEME = """\
urn: "urn:test:assessment:T-2026"
version: "1"
kind: assessment_scheme
title: 测试方案
scheme: {code: T-2026, year: 2026, categories: [TOWN, STREET]}
sections:
  - code: A
    title: 甲
    weight: 70
    departments: [ORGANIZATION]
    items:
      - {code: A1, title: 按期, max: 10, score: "10 * tasks.on_time_rate"}
      - {code: A2, title: 现场, max: 10, entered: true}
  - code: S
    title: 满意度
    weight: 30
    satisfaction: true
    items:
      - {code: S1, title: 群众, max: 100, score: "survey.public_score"}
grades:
  - {when: "acc >= 90 && econ >= 85", grade: 优秀}
  - default: 合格
"""


def _refused(text: str) -> LibraryError:
    with pytest.raises(LibraryError) as caught:
        parse(text, path="t.yaml")
    return caught.value


def test_a_good_scheme_parses() -> None:
    found = parse(SCHEME, path="t.yaml")
    assert [s.code for s in found.sections] == ["A", "S"] and found.grade_default == "合格"
    assert [i.code for i in found.items] == ["A1", "A2", "S1"]


@pytest.mark.parametrize(
    ("change", "line", "reason"),
    [
        (("weight: 70", "weight: 60"), 7, "合计应为 100"),
        (("10 * tasks.on_time_rate", "10 * tasks.nope"), 12, "未知的输入"),
        (("10 * tasks.on_time_rate", "10 * (tasks.on_time_rate"), 12, "语法错误"),
        (("  - default: 合格\n", ""), 21, "default"),
        (("departments: [ORGANIZATION]", "departments: [NOBODY]"), 10, "未知的部门"),
        (
            ("max: 10, entered: true", "max: 10, entered: true, department: PROPAGANDA"),
            13,
            "不考核",
        ),
        (("econ >= 85", "econ >= 85 && tasks.total > 0"), 21, "未知的输入"),
    ],
)
def test_bad_schemes_are_refused_with_their_line(
    change: tuple[str, str], line: int, reason: str
) -> None:
    error = _refused(SCHEME.replace(*change))
    assert error.line == line and reason in error.reason, str(error)


async def _load(runtime: Runtime, tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    async with session_factory(runtime.engine).begin() as session:
        await load_files(session=session, paths=[path], actor="test")


async def test_versions_extensions_and_the_lock(fresh: tuple[Runtime, GQL], tmp_path: Path) -> None:
    runtime, gql = fresh
    await _load(runtime, tmp_path, "t.yaml", SCHEME)
    extension = (
        'urn: "urn:test:assessment:T-2026:plugin"\nversion: "1"\nkind: assessment_items\n'
        "extends: T-2026\ncategories: [COMMUNITY]\nitems:\n"
        "  - {section: A, code: P1, title: 插件项, max: 5, score: '5 * tasks.completion_rate',"
        " categories: [COMMUNITY]}\n"
    )
    await _load(runtime, tmp_path, "p.yaml", extension)
    with pytest.raises(LibraryError, match="没有板块"):
        await _load(
            runtime,
            tmp_path,
            "q.yaml",
            extension.replace("section: A", "section: Z").replace(":plugin", ":other"),
        )
    upgraded = SCHEME.replace('version: "1"', 'version: "2"').replace(
        "      - {code: A2, title: 现场, max: 10, entered: true}\n", ""
    )
    await _load(runtime, tmp_path, "t2.yaml", upgraded)
    async with runtime.engine.connect() as conn:
        items = dict(
            (
                await conn.execute(
                    select(AssessmentItem.code, AssessmentItem.retired_at)
                    .join(AssessmentScheme, AssessmentScheme.id == AssessmentItem.scheme_id)
                    .where(AssessmentScheme.code == "T-2026")
                )
            ).all()
        )
    assert set(items) == {"A1", "A2", "S1", "P1"} and items["A2"] is not None
    computed = await gql(
        'mutation { computeAssessment(input: {schemeCode: "T-2026"}) { organizations scheme { version } errors { code } } }'
    )
    payload = computed["data"]["computeAssessment"]
    assert payload["errors"] == [] and payload["organizations"] > 1000
    version = payload["scheme"]["version"]
    await gql(
        f'mutation {{ publishAssessment(input: {{schemeCode: "T-2026", expectedVersion: {version}}}) {{ errors {{ code }} }} }}'
    )
    with pytest.raises(LibraryError, match="锁定"):
        await _load(runtime, tmp_path, "t3.yaml", upgraded.replace('version: "2"', 'version: "3"'))
