"""The document store: bytes under keys, on local disk by default.

Keys look like `packages/NVSI-2026-0042/gebruiksovereenkomst-schuldenradar.pdf`. Every `put`
returns the SHA-256 of what was stored, which the package records.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Protocol


class StoreError(Exception):
    """A document could not be stored or read."""


class DocumentStore(Protocol):
    def put(self, key: str, data: bytes) -> str: ...
    def get(self, key: str) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def check(self) -> None: ...


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class LocalStore:
    """Files under one folder; writes are atomic (temporary file, then rename)."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise StoreError(f"ongeldige sleutel: {key}")
        return path

    def put(self, key: str, data: bytes) -> str:
        """Store `data` under `key` (replacing what was there); return its SHA-256."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha256(data)

    def get(self, key: str) -> bytes:
        """Return the bytes under `key`; raise StoreError when there are none."""
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise StoreError(f"document ontbreekt: {key}") from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def check(self) -> None:
        """Raise StoreError when the folder cannot be written."""
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise StoreError(f"map niet schrijfbaar: {self.root}")
