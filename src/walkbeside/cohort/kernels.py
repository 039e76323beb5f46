"""Kernels forked from a zygote (see zygote.py), plugged into jupyter_client.

nbgrader's Execute preprocessor builds its kernel manager from the configurable
``kernel_manager_class``; grading workers set it to :class:`ForkedKernelManager`. Everything
else (messages, timeouts, interrupts, shutdown) is jupyter_client's own code: only the launch
of the process differs (forked, and sandboxed when ``Zygote.policy`` is set), so grades are
the same as with ``nbgrader autograde``.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

ZYGOTE = Path(__file__).with_name("zygote.py")


class Zygote:
    """The per-worker zygote process, started on first use."""

    _proc: subprocess.Popen | None = None
    # What sandbox.py applies to each kernel (None: no sandbox); set by the grading worker.
    policy: dict | None = None

    @classmethod
    def fork(cls, argv: list[str], cwd: str, env: dict[str, str]) -> int:
        if cls._proc is None or cls._proc.poll() is not None:
            cls._proc = subprocess.Popen(
                [sys.executable, str(ZYGOTE)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                cwd="/", text=True, bufsize=1,
                # as jupyter_client does for kernels: no debugpy start-up warning on the screen
                env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
            )
            atexit.register(cls.close)
        assert cls._proc.stdin and cls._proc.stdout
        cls._proc.stdin.write(json.dumps({"argv": argv, "cwd": cwd, "env": env, "sandbox": cls.policy}) + "\n")
        reply = json.loads(cls._proc.stdout.readline() or '{"error": "the kernel zygote stopped"}')
        if "pid" not in reply:
            raise RuntimeError(f"could not start a kernel: {reply['error']}")
        return reply["pid"]

    @classmethod
    def close(cls) -> None:
        if cls._proc is not None and cls._proc.poll() is None:
            assert cls._proc.stdin
            cls._proc.stdin.close()
            cls._proc.wait(timeout=10)
        cls._proc = None


class ForkedProcess:
    """The bit of ``subprocess.Popen`` that LocalProvisioner uses, for a process we did not
    fork ourselves. A pidfd tells us when it ends and signals it without pid-reuse races."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        self._fd = os.pidfd_open(pid)

    def poll(self) -> int | None:
        if self.returncode is None:
            if select.select([self._fd], [], [], 0)[0]:
                self.returncode = 0  # the zygote reaps it, so the real status is not ours to read
                os.close(self._fd)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not select.select([self._fd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
        return self.poll() or 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            signal.pidfd_send_signal(self._fd, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _is_plain_ipykernel(cmd: list[str]) -> bool:
    return len(cmd) >= 3 and cmd[1:3] == ["-m", "ipykernel_launcher"] and os.path.realpath(cmd[0]) == os.path.realpath(sys.executable)


class ForkedProvisioner(LocalProvisioner):
    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        if not _is_plain_ipykernel(cmd):  # another language or Python: start it the usual way
            return await super().launch_kernel(cmd, **kwargs)
        env = kwargs.get("env") or dict(os.environ)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        pid = Zygote.fork(cmd[3:], cwd, {str(k): str(v) for k, v in env.items()})
        self.process = ForkedProcess(pid)
        self.pid = self.pgid = pid  # the child calls setsid(): its pid is its process group
        self.cwd = cwd
        return self.connection_info


class ForkedKernelManager(AsyncKernelManager):
    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = ForkedProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)
