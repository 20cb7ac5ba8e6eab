"""Folders to files: the supported, non-hidden files under a folder, in a stable order.

Takes a folder and include/exclude globs (fnmatch, on paths relative to the folder) and gives
the files to read, sorted by relative path, with the errors met while walking the folder.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Sequence
from pathlib import Path

from kg.text.registry import SUPPORTED_SUFFIXES


def walk(
    folder: Path, include: Sequence[str] = (), exclude: Sequence[str] = ()
) -> tuple[list[Path], list[OSError]]:
    """Supported, non-hidden files under `folder` sorted by relative path, and walk errors."""
    found: list[tuple[str, Path]] = []
    errors: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=errors.append):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        for name in files:
            if name.startswith(".") or not name.lower().endswith(SUPPORTED_SUFFIXES):
                continue
            path = Path(root, name)
            rel = path.relative_to(folder).as_posix()
            if include and not any(fnmatch.fnmatch(rel, pat) for pat in include):
                continue
            if any(fnmatch.fnmatch(rel, pat) for pat in exclude):
                continue
            found.append((rel, path))
    errors.sort(key=lambda error: str(error.filename))
    return [path for _, path in sorted(found)], errors
