"""Read the files in a folder or zip of submissions, refusing anything unsafe.

A zip is never extracted: each member is read into memory after its name and size are checked,
so absolute paths, ``..``, symlinks and zip bombs cannot write or exhaust anything.
"""

from __future__ import annotations

import os
import stat
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator

MAX_FILE = 20 * 1024 * 1024  # a notebook of multiple-choice answers is a few kB
MAX_TOTAL = 1024 * 1024 * 1024
MAX_RATIO = 200  # compressed JSON reaches ~10x; hundreds means a bomb
SKIP_DIRS = {"__MACOSX", ".ipynb_checkpoints", "__pycache__"}


@dataclass
class Entry:
    name: str  # path inside the source, with /
    mtime: datetime  # UTC
    read: Callable[[], bytes]


@dataclass
class Rejected:
    name: str
    reason: str


def _safe_parts(name: str) -> tuple[str, ...] | None:
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = PurePosixPath(name).parts
    if any(p in ("..", "") for p in parts):
        return None
    return parts


def read_source(source: Path) -> Iterator[Entry | Rejected]:
    if source.is_dir():
        yield from _folder(source)
    elif zipfile.is_zipfile(source):
        yield from _zip(source)
    else:
        yield Rejected(source.name, "neither a folder nor a zip file")


def _folder(root: Path) -> Iterator[Entry | Rejected]:
    for folder, dirs, files in os.walk(root):  # does not follow symlinked folders
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            path = here / name
            rel = path.relative_to(root).as_posix()
            if name.startswith("."):
                continue
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode):
                yield Rejected(rel, "a link or special file, not a regular file: skipped")
            elif info.st_size > MAX_FILE:
                yield Rejected(rel, f"larger than {MAX_FILE // 2**20} MB: skipped")
            else:
                yield Entry(rel, datetime.fromtimestamp(info.st_mtime, timezone.utc), path.read_bytes)


def _zip(path: Path) -> Iterator[Entry | Rejected]:
    total = 0
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            parts = _safe_parts(info.filename)
            if parts is None:
                yield Rejected(info.filename, "an absolute path or '..' in the zip (could write outside the folder): refused")
                continue
            if any(p in SKIP_DIRS or p.startswith(".") for p in parts):
                continue
            if stat.S_ISLNK(info.external_attr >> 16):
                yield Rejected(info.filename, "a symbolic link in the zip: refused")
                continue
            if info.file_size > MAX_FILE or (info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
                yield Rejected(info.filename, "unpacks to far more than a notebook (a zip bomb?): refused")
                continue
            total += info.file_size
            if total > MAX_TOTAL:
                yield Rejected(info.filename, f"the zip unpacks to more than {MAX_TOTAL // 2**30} GB: stopped here")
                return
            when = datetime(*info.date_time).astimezone(timezone.utc)  # zip times are local

            def read(info=info) -> bytes:
                with zf.open(info) as member:  # the size in the header may lie: cap the read
                    data = member.read(MAX_FILE + 1)
                if len(data) > MAX_FILE:
                    raise ValueError("larger than declared")
                return data

            yield Entry("/".join(parts), when, read)
