"""core.libraries: a file goes to the loader of its kind; versions decide what loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.libraries import kinds, versions
from core.libraries.reader import LibraryError


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "lib.yaml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(("line", "kind"), [("", "duties"), ("kind: duty_list\n", "duties")])
def test_kind_of_defaults_to_duties(tmp_path: Path, line: str, kind: str) -> None:
    path = _write(tmp_path, f'urn: "urn:x:y"\nversion: "1"\n{line}')
    assert kinds.kind_of(path) == kind
    assert kinds.loader(kind).__name__ == "load_library"


def test_an_unknown_kind_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, 'urn: "urn:x:y"\nversion: "1"\nkind: recipes\n')
    with pytest.raises(LibraryError) as caught:
        kinds.kind_of(path)
    assert (caught.value.path, caught.value.line) == (str(path), 3)
    assert "recipes" in caught.value.reason


def test_a_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match=r":1: .*映射"):
        kinds.kind_of(_write(tmp_path, "- a\n- b\n"))


@pytest.mark.parametrize(
    ("loaded", "version", "same_hash", "status"),
    [
        (None, "2026.1", True, versions.LOADED),
        ("2026.1", "2026.10", False, versions.UPGRADED),
        ("2026.10", "2026.9", False, versions.OLDER),
        ("2026.1", "2026.1", True, versions.UNCHANGED),
    ],
)
def test_decide(loaded: str | None, version: str, same_hash: bool, status: str) -> None:
    got = versions.decide(
        path="f.yaml",
        version=version,
        content_hash="h",
        loaded_version=loaded,
        loaded_hash="h" if same_hash else "other",
    )
    assert got == status


def test_same_version_other_content_is_refused() -> None:
    with pytest.raises(LibraryError, match="请提高 version"):
        versions.decide(
            path="f.yaml", version="1", content_hash="a", loaded_version="1", loaded_hash="b"
        )
