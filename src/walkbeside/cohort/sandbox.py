"""Confine a forked kernel before it runs a learner's code (used by zygote.py; imports nothing
from walkbeside).

Two steps, split around ipykernel's start-up:

``enter(policy)`` runs first, while the child is still single-threaded and privileged:
  - as root: new network namespace (no network at all: the kernel talks to its worker over
    unix sockets), new mount namespace with fresh private tmpfs on /tmp, /var/tmp, /dev/shm
    and /run/lock, every top-level folder outside the operating system's own (/home, /root,
    /srv, /opt, other checkouts ...) covered by an empty read-only folder, Python's own
    folders inside any of these mounted back read-only, then an empty
    read-only folder mounted over every hidden path (the cohort, the curriculum's
    assessments: gradebook, answer key, other learners); the kernel's working folder is a
    scratch copy in the private /tmp.
``drop(policy)`` runs after ipykernel has read its connection file and bound its sockets:
  - resource limits (address space, processes, file size, open files, CPU seconds, no core
    files), then the unprivileged user (root only).

Not root: the same namespaces and mounts inside an unprivileged user namespace (the grader
maps itself to "root" there), and ``drop`` then removes every capability, so learner code
keeps the grader's own file permissions but cannot undo a mount. Where the system forbids
user namespaces, only the resource limits apply and the caller says so.
"""

from __future__ import annotations

import ctypes
import os
import pwd
import resource
import sys

CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWUSER = 0x00020000, 0x40000000, 0x10000000
PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, LINUX_CAPABILITY_VERSION_3 = 24, 38, 0x20080522
_rootless = False  # set by enter(): isolated in a user namespace rather than as real root
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 32, 4096, 16384, 1 << 18
PRIVATE_TMP = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock")
# Top-level folders of the operating system itself; every other one (/home, /root, /srv, /opt,
# /work, other checkouts of the course ...) is covered with an empty read-only folder.
SYSTEM = {"bin", "boot", "dev", "etc", "lib", "lib32", "lib64", "libx32", "proc", "run", "sbin", "sys", "tmp", "usr", "var"}


def _covered() -> list[str]:
    return [f"/{name}" for name in sorted(os.listdir("/")) if name not in SYSTEM
            and os.path.isdir(f"/{name}") and not os.path.islink(f"/{name}")]
SCRATCH = "/tmp/work"  # inside the private /tmp
CONNECTION = "/tmp/.kernel-connection.json"  # root only: never chowned to the learner's user


def _libc():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
    return libc


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _python_paths_under(covers: list[str]) -> list[str]:
    """Folders the kernel imports from that live under a folder about to be covered (a pyenv
    under /root, a checkout or virtual environment under /tmp or /work): they are mounted back
    read-only. Only Python's own paths come back, never the checkout around them."""
    wanted = {os.path.realpath(p) for p in (sys.prefix, sys.exec_prefix, sys.base_prefix, *sys.path) if p and os.path.isdir(p)}
    inside = [p for p in wanted if any(p == t or p.startswith(t + os.sep) for t in covers)]
    return sorted(p for p in inside if not any(p != q and p.startswith(q + os.sep) for q in inside))


def user_namespaces_work() -> bool:
    """Whether an ordinary user may isolate kernels here (tried in a throwaway child)."""
    pid = os.fork()
    if pid == 0:
        os._exit(0 if _libc().unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET) == 0 else 1)
    return os.waitpid(pid, 0)[1] == 0


def _enter_user_namespace(libc) -> bool:
    uid, gid = os.geteuid(), os.getegid()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET) != 0:
        return False
    for name, text in (("setgroups", "deny"), ("uid_map", f"0 {uid} 1"), ("gid_map", f"0 {gid} 1")):
        with open(f"/proc/self/{name}", "w") as handle:
            handle.write(text)
    return True


def enter(policy: dict, cwd: str, argv: list[str]) -> tuple[str, list[str]]:
    """Isolate this (single-threaded, just forked) process; return the folder to work in and
    the kernel's arguments (its connection file moved to where only root can read it)."""
    global _rootless
    where = argv.index("-f") + 1  # the connection file may be in a folder about to be hidden
    with open(argv[where], "rb") as handle:
        connection = handle.read()
    libc = _libc()
    if os.geteuid() != 0:
        if not _enter_user_namespace(libc):
            return cwd, argv
        _rootless = True
    else:
        _check(libc.unshare(CLONE_NEWNS | CLONE_NEWNET), "unshare")
    _check(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "make mounts private")
    extra = [os.path.join(cwd, name) for name in os.listdir(cwd) if not name.endswith(".ipynb")]
    staged = {}
    for path in extra:  # files nbgrader copied beside the notebook (data a question may use)
        if os.path.isfile(path) and os.path.getsize(path) <= policy["file_bytes"]:
            with open(path, "rb") as handle:
                staged[os.path.basename(path)] = handle.read()
    covered = _covered()
    # Opened in the new namespace, before anything is covered, so they can be mounted back below.
    kept = {path: os.open(path, os.O_PATH | os.O_DIRECTORY) for path in _python_paths_under([*covered, *PRIVATE_TMP])}
    # Folders the kernel must write to outside its scratch space (its worker's sockets).
    writable = {path: os.open(path, os.O_PATH | os.O_DIRECTORY) for path in policy.get("writable", []) if os.path.isdir(path)}
    size = f"size={policy['scratch_bytes']},mode=1777".encode()
    for path in PRIVATE_TMP:
        if os.path.isdir(path) and not os.path.islink(path):
            _check(libc.mount(b"tmpfs", path.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, size), f"private {path}")
    for path in covered:  # writable only while root fills in the mount points below
        _check(libc.mount(b"tmpfs", path.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, b"size=64k,mode=0755"), f"cover {path}")
    for path, fd in kept.items():
        os.makedirs(path, mode=0o755, exist_ok=True)
        _check(libc.mount(f"/proc/self/fd/{fd}".encode(), path.encode(), None, MS_BIND | MS_REC, None), f"keep {path}")
        _check(libc.mount(None, path.encode(), None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, None), f"read-only {path}")
        os.close(fd)
    for path, fd in writable.items():
        os.makedirs(path, mode=0o700, exist_ok=True)
        _check(libc.mount(f"/proc/self/fd/{fd}".encode(), path.encode(), None, MS_BIND, None), f"keep {path}")
        os.close(fd)
    for path in covered:
        _check(libc.mount(None, path.encode(), None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, None), f"read-only {path}")
    for path in policy["hide"]:  # after the binds: a hidden folder inside a kept one stays hidden
        if os.path.isdir(path):
            _check(libc.mount(b"tmpfs", path.encode(), b"tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, b"size=4k,mode=0555"), f"hide {path}")
    os.mkdir(SCRATCH, 0o700)
    for name, data in staged.items():
        with open(os.path.join(SCRATCH, name), "wb") as handle:
            handle.write(data)
    fd = os.open(CONNECTION, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(connection)
    os.environ["HOME"] = SCRATCH
    return SCRATCH, [*argv[:where], CONNECTION, *argv[where + 1:]]


def drop(policy: dict) -> None:
    """Limits, then (as root) the unprivileged user; from here on nothing can be undone."""
    limits = {
        resource.RLIMIT_AS: policy["memory_bytes"],
        resource.RLIMIT_NPROC: policy["processes"],
        resource.RLIMIT_FSIZE: policy["file_bytes"],
        resource.RLIMIT_NOFILE: 256,
        resource.RLIMIT_CPU: policy["cpu_seconds"],
        resource.RLIMIT_CORE: 0,
    }
    if _rootless:
        # Processes are counted per real user, and here that is the grader, whose own programs
        # already count: leave room for them on top of the kernel's share.
        limits[resource.RLIMIT_NPROC] += _tasks_of_this_user()
    for kind, value in limits.items():
        soft, hard = resource.getrlimit(kind)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(kind, (value, value))
    if _rootless:
        _drop_capabilities()
    elif os.geteuid() == 0:
        user = pwd.getpwnam(policy["user"])
        for root, dirs, files in os.walk(SCRATCH):  # IPython made its folders here as root
            for name in [root, *(os.path.join(root, n) for n in dirs + files)]:
                os.chown(name, user.pw_uid, user.pw_gid)
        os.setgroups([])
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)
        os.environ.update(USER=user.pw_name, LOGNAME=user.pw_name)


def _tasks_of_this_user() -> int:
    uid, count = os.getuid(), 0
    for pid in os.listdir("/proc"):
        try:
            if pid.isdigit() and os.stat(f"/proc/{pid}").st_uid == uid:
                count += len(os.listdir(f"/proc/{pid}/task"))
        except OSError:
            continue
    return count


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _drop_capabilities() -> None:
    """Inside the user namespace this process is "root": take every capability away for good
    (bounding set, then effective/permitted/inheritable; no new privileges on exec), so learner
    code cannot unmount what covers the grader's files or reconfigure the network."""
    libc = _libc()
    cap = 0
    while libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0:
        cap += 1
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no new privileges")
    data = (_CapData * 2)()
    _check(libc.capset(ctypes.byref(_CapHeader(LINUX_CAPABILITY_VERSION_3, 0)), data), "drop capabilities")


def clear_environment_secrets() -> None:
    """The worker's environment may hold tokens; a kernel needs none of them."""
    for key in list(os.environ):
        if any(word in key.upper() for word in ("TOKEN", "SECRET", "PASSWORD", "KEY", "CREDENTIAL")):
            del os.environ[key]
