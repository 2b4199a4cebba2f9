"""core.duties.library and core.duties.rrule: the file format, its checks and the core content."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import pytest

from core.duties import library, rrule
from core.duties.service import core_library_files
from core.orgs import catalogue_data as cat

GOOD = """\
urn: urn:dutygraph:library:test:duties
version: "2026.1"
title: 测试库
descriptions:
  - category: TOWN
    title: 乡镇党委主要职责描述书
    duties:
      - code: T-01
        title: 召开支部委员会会议
        detail: 每月召开1次。
        source: 《中国共产党支部工作条例（试行）》第十九条
        frequency: MONTHLY
        rrule: FREQ=MONTHLY;BYMONTHDAY=25
        lead_days: 5
manuals:
  - position: TOWN_SECRETARY
    title: 镇（乡）党委书记党建履职说明书
    duties:
      - code: T-02
        title: 抓基层党建工作述职
        detail: 年底向上级党委述职。
        source: 《中国共产党章程》第三十二条
        frequency: YEARLY
        rrule: FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=20
"""


def parse(text: str) -> library.Library:
    return library.parse(text, path="lib.yaml")


def test_good_file_parses_with_lines_and_defaults() -> None:
    lib = parse(GOOD)
    assert (lib.urn, lib.version, lib.title) == (
        "urn:dutygraph:library:test:duties",
        "2026.1",
        "测试库",
    )
    (town, secretary) = lib.owners
    assert (town.kind, town.code, town.line) == ("category", "TOWN", 5)
    assert (secretary.kind, secretary.code) == ("position", "TOWN_SECRETARY")
    first = town.duties[0]
    assert (first.code, first.frequency, first.rrule, first.lead_days, first.line) == (
        "T-01",
        "MONTHLY",
        "FREQ=MONTHLY;BYMONTHDAY=25",
        5,
        8,
    )
    assert secretary.duties[0].lead_days == library.DEFAULT_LEAD_DAYS["YEARLY"]
    assert len(lib.content_hash) == 64


def test_unquoted_version_stays_text() -> None:
    lib = parse(GOOD.replace('version: "2026.1"', "version: 2026.10"))
    assert lib.version == "2026.10"


@pytest.mark.parametrize(
    ("older", "newer"),
    [("2026.1", "2026.2"), ("2026.9", "2026.10"), ("2026.1", "2026.1.1"), ("2026.12", "2027.1")],
)
def test_versions_compare_piece_by_piece(older: str, newer: str) -> None:
    assert library.version_key(older) < library.version_key(newer)


Edit = Callable[[str], str]


@pytest.mark.parametrize(
    ("edit", "line", "reason"),
    [
        (
            lambda t: t.replace("        source: 《中国共产党支部工作条例（试行）》第十九条\n", ""),
            8,
            "lacks source",
        ),
        (
            lambda t: t.replace("frequency: MONTHLY", "frequency: SOMETIMES"),
            12,
            "unknown frequency",
        ),
        (lambda t: t.replace("BYMONTHDAY=25", "BYMONTHDAY=40"), 13, "bad rrule"),
        (lambda t: t.replace("FREQ=MONTHLY;", "FREQ=HOURLY;"), 13, "bad rrule"),
        (lambda t: t.replace("code: T-02", "code: T-01"), 19, "given twice"),
        (
            lambda t: t.replace(
                "        lead_days: 5\n", "        lead_days: 5\n        lead_days: 6\n"
            ),
            15,
            "key given twice",
        ),
        (lambda t: t.replace("lead_days: 5", "lead_dayz: 5"), 14, "unknown key"),
        (lambda t: t.replace("lead_days: 5", "lead_days: soon"), 14, "lead_days"),
        (lambda t: t.replace("title: 测试库", "title: [测试库"), 4, "YAML syntax"),
        (lambda t: t.replace("frequency: MONTHLY", "frequency: ON_DEMAND"), 13, "no rrule"),
        (lambda t: t.replace("《中国共产党章程》第三十二条", "党章"), 22, "《"),
        (lambda t: t.replace("urn: urn:dutygraph:library:test:duties", "urn: library"), 1, "urn"),
        (
            lambda t: t.replace(
                "    duties:\n      - code: T-01", "    dutiez:\n      - code: T-01"
            ),
            7,
            "unknown key",
        ),
        (lambda t: t + "extra: 1\n", 25, "unknown key"),
    ],
)
def test_malformed_file_names_file_line_and_reason(edit: Edit, line: int, reason: str) -> None:
    with pytest.raises(library.LibraryError) as caught:
        parse(edit(GOOD))
    assert caught.value.line == line, str(caught.value)
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"lib.yaml:{line}: ")


def test_flat_form_with_owner_and_parts() -> None:
    text = """\
urn: urn:dutygraph:library:flat:duties
version: "1"
parts: [{code: A, title: 甲清单}]
duties:
  - {code: F-1, part: A, owner: TOWN, title: 甲, detail: 甲, source: 《党章》第一条, frequency: YEARLY}
  - {code: F-2, part: B, owner: TOWN, title: 乙, detail: 乙, source: 《党章》第二条, frequency: YEARLY}
"""
    with pytest.raises(library.LibraryError, match=r"lib.yaml:6: .*unknown part"):
        parse(text)
    lib = parse(text.replace("part: B", "part: A"))
    assert [(o.kind, o.code, len(o.duties)) for o in lib.owners] == [("owner", "TOWN", 2)]
    assert lib.title == "urn:dutygraph:library:flat:duties"


def test_too_many_duties_are_refused() -> None:
    item = "      - {{code: X-{0}, title: t, detail: d, source: 《党章》, frequency: ONCE}}\n"
    body = GOOD.split("manuals:")[0].split("    duties:\n")[0] + "    duties:\n"
    text = body + "".join(item.format(i) for i in range(library.MAX_DUTIES + 1))
    with pytest.raises(library.LibraryError, match="too many duties"):
        parse(text)


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(library.LibraryError, match=r"missing.yaml:1: "):
        library.read(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("FREQ=MONTHLY;BYMONTHDAY=25", "FREQ=MONTHLY;BYMONTHDAY=25"),
        ("RRULE:bymonthday=-1;freq=monthly", "FREQ=MONTHLY;BYMONTHDAY=-1"),
        (
            "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=25",
            "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=25",
        ),
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR;COUNT=10",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR;COUNT=10",
        ),
        ("FREQ=MONTHLY;BYDAY=1FR;UNTIL=20271231", "FREQ=MONTHLY;BYDAY=1FR;UNTIL=20271231"),
    ],
)
def test_rrule_subset_normalises(text: str, expected: str) -> None:
    assert rrule.normalise(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "BYMONTHDAY=25",
        "FREQ=SECONDLY",
        "FREQ=MONTHLY;BYMONTH=13",
        "FREQ=MONTHLY;BYDAY=XX",
        "FREQ=MONTHLY;COUNT=2;UNTIL=20270101",
        "FREQ=MONTHLY;UNTIL=20270230",
        "FREQ=MONTHLY;FREQ=YEARLY",
        "FREQ=MONTHLY;BYSETPOS=1",
        "FREQ=MONTHLY;INTERVAL=0",
        "FREQ",
    ],
)
def test_rrule_outside_the_subset_is_refused(text: str) -> None:
    with pytest.raises(rrule.RRuleError):
        rrule.parse(text)


# --------------------------------------------------------------------------- core content


@functools.cache
def core_libraries() -> list[library.Library]:
    return [library.read(path) for path in core_library_files()]


def test_core_libraries_describe_every_category_and_forty_positions() -> None:
    owners = [owner for lib in core_libraries() for owner in lib.owners]
    categories = {o.code for o in owners if o.kind == "category"}
    positions = {o.code for o in owners if o.kind == "position"}
    assert categories == {c.code for c in cat.CATEGORIES}
    assert len(positions) >= 40
    assert positions <= {p.code for p in cat.POSITIONS}
    assert all(len(o.duties) >= 3 for o in owners)


def test_core_duties_cite_sources_and_recurring_ones_have_rrules() -> None:
    duties = [duty for lib in core_libraries() for _owner, duty in lib.duties()]
    assert len(duties) >= 400
    assert all(d.source.startswith("《") for d in duties)
    assert sum("支部工作条例" in d.source for d in duties) >= 50
    scheduled = {"YEARLY", "HALF_YEARLY", "QUARTERLY", "MONTHLY", "WEEKLY", "DAILY"}
    assert all(d.rrule for d in duties if d.frequency in scheduled)


@pytest.mark.parametrize(
    ("title", "frequency", "rrule_part"),
    [
        ("召开支部党员大会", "QUARTERLY", "BYMONTH=3,6,9,12"),
        ("召开支部委员会会议", "MONTHLY", "FREQ=MONTHLY"),
        ("召开党小组会", "MONTHLY", "FREQ=MONTHLY"),
        ("上党课", "QUARTERLY", "BYMONTH=3,6,9,12"),
        ("开展主题党日", "MONTHLY", "FREQ=MONTHLY"),
        ("召开年度组织生活会", "YEARLY", "BYMONTH=3"),
        ("开展民主评议党员", "YEARLY", "FREQ=YEARLY"),
        ("党费收缴和公示", "MONTHLY", "FREQ=MONTHLY"),
        ("召开领导班子民主生活会", "YEARLY", "FREQ=YEARLY"),
        ("抓基层党建工作述职", "YEARLY", "BYMONTH=12"),
    ],
)
def test_standard_frequencies(title: str, frequency: str, rrule_part: str) -> None:
    found = [d for lib in core_libraries() for _o, d in lib.duties() if d.title == title]
    assert found, title
    assert {d.frequency for d in found} == {frequency}
    assert all(d.rrule is not None and rrule_part in d.rrule for d in found)
