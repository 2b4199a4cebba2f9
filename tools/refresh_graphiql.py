"""Refresh GraphiQL's assets in gateway/static/graphiql from pinned npm tarballs.

    python tools/refresh_graphiql.py        (or: make graphiql-assets)

`npm pack NAME@VERSION` downloads each pinned tarball from the npm registry (npm checks it
against the registry's integrity); this script checks it again against the SHA-512 pinned
below, copies the files GraphiQL needs, named with their versions, and writes
manifest.json: package, version, tarball integrity and each file's SHA-384 subresource
integrity (the page's `integrity` attributes; tests/gateway/test_graphiql.py checks that
the files match). To upgrade: change a version, run with --repin to print the new tarball
integrity, review, paste it here, run again, commit the files and the manifest.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "gateway" / "static" / "graphiql"
OWN = "dutygraph-graphiql.js"  # the page's own script, kept

# package -> (version, tarball SHA-512 integrity, {file in the package: served name})
PINS: dict[str, tuple[str, str, dict[str, str]]] = {
    "react": (
        "18.3.1",
        "sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ==",
        {"umd/react.production.min.js": "react-18.3.1.production.min.js"},
    ),
    "react-dom": (
        "18.3.1",
        "sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw==",
        {"umd/react-dom.production.min.js": "react-dom-18.3.1.production.min.js"},
    ),
    "graphiql": (
        "3.8.3",
        "sha512-cuPDYtXVKV86Pu5PHBX642Odi/uVEE2y1Jxq5rGO/Qy1G2lRp7ZZ7a/T30RzxhuLSWo9zUbzq0P3U49//H0Ugw==",
        {
            "graphiql.min.js": "graphiql-3.8.3.min.js",
            "graphiql.min.css": "graphiql-3.8.3.min.css",
        },
    ),
}


def sri(data: bytes, algorithm: str = "sha384") -> str:
    """A subresource-integrity value: "sha384-<base64 digest>"."""
    digest = hashlib.new(algorithm, data).digest()
    return f"{algorithm}-{base64.b64encode(digest).decode()}"


def pack(name: str, version: str, into: Path) -> Path:
    """`npm pack NAME@VERSION` into a folder; the tarball's path."""
    result = subprocess.run(
        ["npm", "pack", f"{name}@{version}", "--json", "--pack-destination", str(into)],
        check=True,
        capture_output=True,
        text=True,
    )
    return into / json.loads(result.stdout)[0]["filename"]


def refresh(repin: bool) -> int:
    """Download, check, extract; write the files and the manifest."""
    manifest: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, (version, integrity, files) in PINS.items():
            tarball = pack(name, version, Path(tmp))
            found = sri(tarball.read_bytes(), "sha512")
            if repin:
                print(f"{name}@{version}: {found}")
                continue
            if found != integrity:
                print(f"{name}@{version}: tarball is {found}, pinned {integrity}", file=sys.stderr)
                return 1
            with tarfile.open(tarball) as archive:
                for inner, served in files.items():
                    member = archive.extractfile(f"package/{inner}")
                    if member is None:
                        print(f"{name}@{version}: no {inner}", file=sys.stderr)
                        return 1
                    data = member.read()
                    (TARGET / served).write_bytes(data)
                    manifest[served] = {
                        "package": name,
                        "version": version,
                        "file": inner,
                        "tarball": integrity,
                        "integrity": sri(data),
                    }
    if repin:
        return 0
    (TARGET / "manifest.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    for stale in TARGET.iterdir():
        if stale.name not in manifest and stale.name not in (
            "manifest.json",
            "dutygraph-graphiql.js",
        ):
            stale.unlink() if stale.is_file() else shutil.rmtree(stale)
    print(f"{len(manifest)} files written to {TARGET.relative_to(ROOT)}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repin", action="store_true", help="print the tarballs' integrity, write nothing"
    )
    return refresh(parser.parse_args().repin)


if __name__ == "__main__":
    sys.exit(main())
