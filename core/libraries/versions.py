"""Whether a library file replaces the loaded version of its URN."""

from __future__ import annotations

from core.libraries.reader import LibraryError, version_key

LOADED, UPGRADED, UNCHANGED, OLDER = "LOADED", "UPGRADED", "UNCHANGED", "OLDER"


def decide(
    *,
    path: str,
    version: str,
    content_hash: str,
    loaded_version: str | None,
    loaded_hash: str | None,
) -> str:
    """LOADED (first time), UPGRADED (newer), UNCHANGED (same file) or OLDER (skipped).

    The same version with different content is refused: a changed file needs a new version.
    """
    if loaded_version is None:
        return LOADED
    if version_key(version) < version_key(loaded_version):
        return OLDER
    if version_key(version) == version_key(loaded_version):
        if loaded_hash != content_hash:
            raise LibraryError(
                path, 1, f"版本 {version} 已加载但内容不同：请提高 version (same version)"
            )
        return UNCHANGED
    return UPGRADED
