"""Atomic file writing: write to a temporary file beside the target, then rename.

A reader never sees a half-written file and a failed write leaves nothing behind: the
temporary ``.part`` file is removed on any error, and on SIGTERM or SIGHUP too when the
process turns them into an exception (the CLI does, see ``allyscope.cli.main``), with a
last sweep at interpreter exit. Files written together (:func:`atomic_paths`, e.g. a CSV
and its ``.csv.json`` sidecar) are all written before any is renamed, and a rename that
fails puts back those already renamed: both or neither.

A new file gets the mode any file the user creates gets (0666 less the umask; ``mkstemp``
made every output 0600); a file that is replaced keeps its mode.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from allyscope.errors import OutputError

#: Temporary files being written now (removed at exit if an interruption skipped cleanup).
_LIVE: set[Path] = set()
_NAME_MAX = 255  # bytes in one file name (Linux, macOS, Windows)


@atexit.register
def _sweep() -> None:
    for p in list(_LIVE):
        with contextlib.suppress(OSError):
            p.unlink()
    _LIVE.clear()


def _check_target(target: Path) -> Path:
    """The target's folder; an OutputError saying what to do if it cannot be written."""
    folder = target.parent if str(target.parent) else Path(".")
    try:
        if len(os.fsencode(target.name)) > _NAME_MAX:
            raise OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG))
        if not folder.is_dir():
            raise OutputError(
                f"cannot write {target}: folder {folder} does not exist; create it or choose "
                "another path"
            )
        if target.is_dir():
            raise OutputError(f"cannot write {target}: it is a folder; give a file name")
    except OSError as exc:  # e.g. a name too long for the file system
        raise OutputError(
            f"cannot write {str(target)[:80]}...: {exc.strerror or exc}; choose a shorter name"
            if exc.errno == errno.ENAMETOOLONG
            else f"cannot write {target}: {exc.strerror or exc}"
        ) from None
    return folder


def _temp_beside(target: Path, folder: Path) -> Path:
    """A new empty file ``.<name>.<random>.part`` in ``folder``, created with mode 0666 less
    the umask (the kernel applies it), or the target's own mode when it exists."""
    tail = f".{secrets.token_hex(4)}.part"
    room = _NAME_MAX - len(tail.encode()) - 1
    stem = os.fsencode(target.name)[:room].decode("utf-8", "ignore")
    for _ in range(100):
        tmp = folder / f".{stem}{tail}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            tail = f".{secrets.token_hex(4)}.part"
            continue
        except OSError as exc:
            raise OutputError(
                f"cannot write in {folder}: {exc.strerror or exc}; check permissions or choose "
                "another path"
            ) from None
        os.close(fd)
        _LIVE.add(tmp)
        with contextlib.suppress(OSError):
            st = target.stat()
            if stat.S_ISREG(st.st_mode):
                os.chmod(tmp, stat.S_IMODE(st.st_mode))
        return tmp
    raise OutputError(f"cannot find a free temporary name beside {target}")


def _replace_all(tmps: list[Path], targets: list[Path]) -> None:
    """Rename each temporary file onto its target; if one rename fails, undo the others."""
    if len(tmps) == 1:
        os.replace(tmps[0], targets[0])
        return
    backups: dict[Path, Path] = {}
    done: list[Path] = []
    try:
        for t in targets:
            if t.is_file():
                b = t.with_name(f".{t.name[:200]}.{secrets.token_hex(4)}.bak")
                os.link(t, b)  # a second name for the old file, to put back on failure
                _LIVE.add(b)
                backups[t] = b
        for tmp, t in zip(tmps, targets, strict=True):
            os.replace(tmp, t)
            done.append(t)
    except OSError:
        for t in done:
            with contextlib.suppress(OSError):
                if t in backups:
                    os.replace(backups.pop(t), t)
                else:
                    t.unlink()
        raise
    finally:
        for b in backups.values():
            with contextlib.suppress(OSError):
                b.unlink()
            _LIVE.discard(b)


@contextlib.contextmanager
def atomic_paths(*targets: str | os.PathLike[str]) -> Iterator[list[Path]]:
    """Yield temporary paths for ``targets``; rename all of them onto the targets on success
    (or none: a failure while writing any of them replaces nothing)."""
    paths = [Path(t) for t in targets]
    folders = [_check_target(t) for t in paths]
    tmps: list[Path] = []
    try:
        for t, folder in zip(paths, folders, strict=True):
            tmps.append(_temp_beside(t, folder))
        yield tmps
        _replace_all(tmps, paths)
    except OSError as exc:
        raise OutputError(f"cannot write {', '.join(map(str, paths))}: {exc.strerror or exc}") from exc
    finally:
        for tmp in tmps:
            with contextlib.suppress(OSError):
                tmp.unlink()
            _LIVE.discard(tmp)


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it onto ``target`` on success."""
    with atomic_paths(target) as (tmp,):
        yield tmp


def write_atomic(target: str | os.PathLike[str], writer: Callable[[Path], object]) -> Path:
    """Call ``writer(tmp_path)`` and move the result onto ``target`` atomically."""
    with atomic_path(target) as tmp:
        writer(tmp)
    return Path(target)


def write_text_atomic(target: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``target`` atomically."""
    return write_atomic(target, lambda p: p.write_text(text, encoding="utf-8"))
