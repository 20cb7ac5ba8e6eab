"""The output folder of a build: checked before any work, locked while a build writes it.

`guard_outdir` wraps a function that writes OUTDIR (`build`, `remove_articles`). Before the
function runs, OUTDIR is created and a file is written in it, so a read-only or full folder
is refused at once with one clear message, before any input is read or extracted. While it
runs, OUTDIR/.kg.lock is locked (`flock`, released by the kernel when the process ends,
even by SIGKILL): a second build into the same folder exits at once and names the first one.
Holding the lock, the build removes what killed builds left behind (work folders, parked old
stores, temporary files). A disk that fills up during the work (ENOSPC, EDQUOT) ends the
build with one line; every output is written beside its old version and renamed in at the
end, so the previous outputs stay as they were.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import inspect
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from kg.errors import KgError

F = TypeVar("F", bound=Callable[..., Any])

LOCK_NAME = ".kg.lock"
#: Below this much free space on OUTDIR's device a build does not start.
MIN_FREE_BYTES = 16 * 1024 * 1024
#: Names (globs) of the temporary files interrupted builds leave in OUTDIR and OUTDIR/articles
#: (their `.kg-*` work folders and `.store-tmp-*` stores go in the assembly and store modules).
LEFTOVERS = (".*.tmp",)
_FULL = (errno.ENOSPC, errno.EDQUOT)
_READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM)

_held: dict[Path, int] = {}  # OUTDIRs this process holds the lock of, and how deeply


class OutdirError(KgError):
    """OUTDIR cannot be written: read-only, full, or being written by another build."""


def guard_outdir(func: F) -> F:
    """Run `func` (whose argument `outdir` is the output folder) checked, locked and cleaned; see above."""
    signature = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        outdir = Path(signature.bind(*args, **kwargs).arguments["outdir"])
        with locked_outdir(outdir), disk_errors(outdir):
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@contextlib.contextmanager
def locked_outdir(outdir: Path) -> Iterator[Path]:
    """OUTDIR created, checked writable, locked for this process and cleaned of leftovers."""
    key = outdir.resolve() if outdir.exists() else outdir.absolute()
    if key in _held:  # `build` calls `assemble`, which may be guarded too: one lock per process
        _held[key] += 1
        try:
            yield outdir
        finally:
            _held[key] -= 1
        return
    check_writable(outdir)
    with _lock(outdir):
        _held[key] = 1
        try:
            remove_leftovers(outdir)
            yield outdir
        finally:
            del _held[key]


def check_writable(outdir: Path) -> None:
    """Create OUTDIR and write a file in it; OutdirError naming the folder and the fix if that fails."""
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        probe = outdir / f".kg-write-test-{os.getpid()}"
        with probe.open("wb") as handle:
            handle.write(b"x" * 4096)
            handle.flush()
            os.fsync(handle.fileno())
        probe.unlink()
    except OSError as exc:
        with contextlib.suppress(OSError):
            (outdir / f".kg-write-test-{os.getpid()}").unlink()
        raise _os_error(outdir, exc, before=True) from exc
    free = shutil.disk_usage(outdir).free
    if free < MIN_FREE_BYTES:
        raise OutdirError(
            f"{outdir}: only {free // 1024} KiB free on its disk (a build needs at least "
            f"{MIN_FREE_BYTES // (1024 * 1024)} MiB); free some space or build into another folder "
            "(-o). Nothing was read or changed."
        )


@contextlib.contextmanager
def _lock(outdir: Path) -> Iterator[None]:
    path = outdir / LOCK_NAME
    try:
        handle = path.open("a+", encoding="utf-8")
    except OSError as exc:
        raise _os_error(outdir, exc, before=True) from exc
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise OutdirError(
                f"{outdir} is being written by another build ({holder}); wait for it to finish, "
                "or build into another folder (-o). Nothing was read or changed."
            ) from None
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"kg build, pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
            handle.flush()
            yield
        finally:
            with contextlib.suppress(OSError):
                handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_leftovers(outdir: Path) -> list[Path]:
    """Delete what interrupted builds left in OUTDIR and OUTDIR/articles; returns what went.

    Called only with the lock held, so no other build is using any of it. A parked old store
    (`.store-old-*`) goes only when `store/` is in place (otherwise the store module puts the
    parked one back first).
    """
    from kg.graph.store import STORE_DIRNAME, has_store

    folders = (outdir, outdir / "articles")
    found = [path for folder in folders for pattern in LEFTOVERS for path in folder.glob(pattern)]
    if has_store(outdir) and (outdir / STORE_DIRNAME).is_dir():
        found += outdir.glob(".store-old-*")
    removed = []
    for path in sorted(set(found)):
        if path.name == LOCK_NAME:
            continue
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
    return removed


@contextlib.contextmanager
def disk_errors(outdir: Path) -> Iterator[None]:
    """A full disk or a folder that turned read-only, met while writing, as one clear OutdirError."""
    try:
        yield
    except OSError as exc:
        if exc.errno in _FULL or exc.errno in _READ_ONLY:
            raise _os_error(outdir, exc, before=False) from exc
        if _says_full(exc):  # Oxigraph's own I/O errors carry no errno, only "(os error 28)"
            raise _full_store(outdir, exc) from exc
        raise
    except KgError as exc:  # the store module wraps Oxigraph's I/O errors in a StoreError
        if _says_full(exc):
            raise _full_store(outdir, exc) from exc
        raise


def _says_full(exc: Exception) -> bool:
    text = str(exc)
    return any(words in text for words in ("No space left on device", "Disk quota exceeded"))


def _full_store(outdir: Path, exc: Exception) -> OutdirError:
    return OutdirError(
        f"the disk holding {outdir} is full ({exc}); the previous outputs are intact. "
        "Free some space and run the build again: it continues where it stopped."
    )


def _os_error(outdir: Path, exc: OSError, *, before: bool) -> OutdirError:
    what = exc.strerror or str(exc)
    where = exc.filename or outdir
    if exc.errno in _FULL:
        if before:
            return OutdirError(
                f"{outdir}: {what}; free some space or build into another folder (-o). "
                "Nothing was read or changed."
            )
        return OutdirError(
            f"the disk holding {outdir} is full ({what} while writing {where}); the previous outputs "
            "are intact. Free some space and run the build again: it continues where it stopped."
        )
    if before:
        return OutdirError(
            f"cannot write in {outdir} ({what}); choose a writable output folder with -o, or make "
            "this one writable. Nothing was read or extracted."
        )
    return OutdirError(
        f"cannot write {where} ({what}); the previous outputs are intact. Make {outdir} writable "
        "and run the build again."
    )
