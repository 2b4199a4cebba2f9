"""core.libraries.reader: typed values of a library file, each refusal with file:line."""

from __future__ import annotations

import pytest

from core.libraries.reader import LibraryError, YamlReader, compose, header

TEXT = """urn: "urn:dutygraph:library:test"
version: "2026.2"
kind: indicators
weight: 12.5
count: 7
bad_count: 7.5
flag: yes
bad_flag: maybe
unit: PERCENT
"""


def _fields() -> tuple[YamlReader, dict]:  # type: ignore[type-arg]
    reader = YamlReader("t.yaml")
    root = compose(TEXT, path="t.yaml")
    return reader, reader.mapping(root, "library")


def test_header() -> None:
    reader = YamlReader("t.yaml")
    root = compose(TEXT, path="t.yaml")
    head = header(reader, root, reader.mapping(root, "library"), TEXT)
    assert (head.urn, head.version, head.kind, head.title) == (
        "urn:dutygraph:library:test",
        "2026.2",
        "indicators",
        "urn:dutygraph:library:test",
    )
    assert len(head.content_hash) == 64


def test_typed_values() -> None:
    reader, fields = _fields()
    assert reader.number(fields, "weight", low=0, high=100) == 12.5
    assert reader.number(fields, "missing") is None
    assert reader.integer(fields, "count", low=0, high=10) == 7
    assert reader.flag(fields, "flag", default=False) is True
    assert reader.flag(fields, "missing", default=True) is True
    assert reader.choice(fields, "unit", None, "indicator", ("PERCENT", "COUNT")) == "PERCENT"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("call", "line"),
    [
        (lambda r, f: r.number(f, "weight", low=0, high=10), 4),
        (lambda r, f: r.integer(f, "bad_count", low=0, high=10), 6),
        (lambda r, f: r.flag(f, "bad_flag", default=False), 8),
        (lambda r, f: r.choice(f, "unit", None, "indicator", ("COUNT",)), 9),
        (lambda r, f: r.number(f, "unit"), 9),
    ],
)
def test_refusals_name_the_line(call, line: int) -> None:  # type: ignore[no-untyped-def]
    reader, fields = _fields()
    with pytest.raises(LibraryError) as caught:
        call(reader, fields)
    assert caught.value.line == line and caught.value.path == "t.yaml"


def test_syntax_error_and_empty_file() -> None:
    with pytest.raises(LibraryError, match=r"t.yaml:3: YAML"):
        compose("a: 1\nb: [\n", path="t.yaml")
    with pytest.raises(LibraryError, match="文件为空"):
        compose("", path="t.yaml")
