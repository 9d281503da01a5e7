"""Where uploaded bytes live: one small interface, a local folder by default (under instance/), so a
deployment can put files in object storage later without touching the views."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app


class Storage(Protocol):
    def save(self, data: bytes) -> str:
        """Store the bytes under a new random key, which is returned."""

    def open(self, key: str) -> BinaryIO: ...

    def read(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


class LocalFolder:
    """Files in a folder, named by their random key only (two levels of subfolders keep folders small)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not key.isalnum():  # keys are ours: never a path
            raise ValueError("bad storage key")
        return self.root / key[:2] / key[2:4] / key

    def save(self, data: bytes) -> str:
        key = secrets.token_hex(20)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        return key

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def read(self, key: str) -> bytes:
        with self.open(key) as f:
            return f.read()

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            pass


def storage() -> Storage:
    root = current_app.config.get("MATCHMAKER_UPLOAD_FOLDER") or os.path.join(current_app.instance_path, "uploads")
    return LocalFolder(Path(root))
