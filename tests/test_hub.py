"""Walk Beside on a real JupyterHub (issue 13): configurable-http-proxy and JupyterHub on
127.0.0.1, two learners and a trainer who are real Unix users (created here, removed after),
servers started through the hub's REST API with API tokens, and the whole nbgrader exchange
flow: release, fetch, answer, submit, collect, `walkbeside cohort grade`, scores.

Needs root (to create Unix users and run servers as them), jupyterhub and
configurable-http-proxy. Without them it skips, or fails when CI=true or
WALKBESIDE_REQUIRE_BROWSER=1 (the suite's "never skip in CI" switch).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from conftest import REPO, free_port

pytestmark = pytest.mark.server

REQUIRED = os.environ.get("WALKBESIDE_REQUIRE_BROWSER") == "1" or os.environ.get("CI", "").lower() == "true"
ANSWER = re.compile(r'^\s*(answer_\d+)\s*=\s*("[^"\\]*"|\'[^\'\\]*\')\s*(?:#.*)?$')


def _unavailable() -> str | None:
    from walkbeside.hub import missing_programs

    missing = missing_programs()
    if missing:
        return "JupyterHub tests need " + " and ".join(missing)
    if os.geteuid() != 0:
        return "JupyterHub tests create Unix users and run servers as them: run pytest as root (sudo -E)"
    for tool in ("useradd", "userdel"):
        if not shutil.which(tool):
            return f"JupyterHub tests need {tool} (apt-get install passwd)"
    return None


def _require_or_skip(reason: str | None) -> None:
    if reason:
        if REQUIRED:
            pytest.fail(f"{reason} (required because CI=true or WALKBESIDE_REQUIRE_BROWSER=1)", pytrace=False)
        pytest.skip(reason)


# --------------------------------------------------------------------------- the hub fixture

def _useradd(name: str, homes: Path) -> pwd.struct_passwd:
    subprocess.run(["useradd", "--create-home", "--home-dir", str(homes / name), "--shell", "/bin/bash", "--user-group", name],
                   check=True, capture_output=True, text=True)
    entry = pwd.getpwnam(name)
    os.chmod(entry.pw_dir, 0o700)  # what docs/jupyterhub.md asks of every organization (HOME_MODE 0700)
    return entry


def _as_user(entry: pwd.struct_passwd, cmd: list[str], **kw) -> subprocess.CompletedProcess:
    env = {"HOME": entry.pw_dir, "USER": entry.pw_name, "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
           "WALKBESIDE_ROOT": os.environ.get("WALKBESIDE_ROOT", str(REPO))}
    return subprocess.run(cmd, user=entry.pw_uid, group=entry.pw_gid, extra_groups=[], env=env,
                          capture_output=True, text=True, timeout=180, **kw)


def _kill_uid_processes(uids: set[int]) -> None:
    """Last resort: end whatever still runs as the users this test created (servers, kernels)."""
    for _ in range(2):
        pids = []
        for proc in Path("/proc").iterdir():
            if proc.name.isdigit():
                try:
                    if proc.stat().st_uid in uids:
                        pids.append(int(proc.name))
                except OSError:
                    pass
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.5)


class Hub:
    def __init__(self, url: str, admin_token: str, service: str, course_id: str, data: Path, users: dict, log: Path):
        import requests

        self.url, self.service, self.course_id, self.data, self.users, self.log = url, service, course_id, data, users, log
        self.admin = requests.Session()
        self.admin.headers["Authorization"] = f"token {admin_token}"
        self.sessions: dict[str, "requests.Session"] = {}

    def api(self, method: str, path: str, **kw):
        kw.setdefault("timeout", 60)
        return self.admin.request(method, f"{self.url}/hub/api{path}", **kw)

    def as_user(self, name: str):
        """A requests session carrying an API token of ``name`` (made through the hub's REST API)."""
        import requests

        if name not in self.sessions:
            r = self.api("POST", f"/users/{name}/tokens", json={"note": "walkbeside test", "expires_in": 3600})
            assert r.status_code in (200, 201), r.text
            session = requests.Session()
            session.headers["Authorization"] = f"token {r.json()['token']}"
            self.sessions[name] = session
        return self.sessions[name]

    def get(self, user: str, path: str, **kw):
        return self.as_user(user).get(self.url + path, timeout=120, **kw)

    def post(self, user: str, path: str, **kw):
        return self.as_user(user).post(self.url + path, timeout=300, **kw)

    def put(self, user: str, path: str, **kw):
        return self.as_user(user).put(self.url + path, timeout=120, **kw)

    def log_tail(self) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-60:])
        except OSError:
            return ""

    def start_servers(self, names: list[str], timeout: float = 150) -> None:
        from concurrent.futures import ThreadPoolExecutor

        # The hub answers a start request only when the server is up (or after 10 s): ask for all at once.
        with ThreadPoolExecutor(len(names)) as pool:
            for r in pool.map(lambda name: self.api("POST", f"/users/{name}/server", timeout=180), names):
                assert r.status_code in (201, 202), r.text
        deadline = time.monotonic() + timeout
        waiting = set(names)
        while waiting and time.monotonic() < deadline:
            for name in sorted(waiting):
                server = self.api("GET", f"/users/{name}").json().get("servers", {}).get("")
                if server and server.get("ready"):
                    waiting.discard(name)
            time.sleep(0.5)
        assert not waiting, f"servers of {sorted(waiting)} did not start:\n{self.log_tail()}"
        deadline = time.monotonic() + timeout  # the grading service starts with the hub
        trainer = next(n for n, u in self.users.items() if u["role"] == "trainer")
        while time.monotonic() < deadline:
            if self.get(trainer, f"/services/{self.service}/api/status").status_code == 200:
                return
            time.sleep(0.5)
        raise AssertionError(f"the grading service did not start:\n{self.log_tail()}")

    def run_in_kernel(self, user: str, prefix: str, code: str, timeout: float = 240) -> str:
        """Run ``code`` in a new kernel of ``user``'s server (or the service at ``prefix``),
        through the hub and its proxy; return what it printed."""
        r = self.post(user, f"{prefix}/api/kernels", json={"name": "python3"})
        assert r.status_code == 201, r.text
        kernel = r.json()["id"]
        try:
            # Its own thread: Playwright's sync API (a session fixture other tests in this worker
            # may have started) keeps an event loop running in the main thread.
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                return pool.submit(asyncio.run, self._execute(user, f"{prefix}/api/kernels/{kernel}/channels", code, timeout)).result()
        finally:
            self.as_user(user).delete(f"{self.url}{prefix}/api/kernels/{kernel}", timeout=60)

    async def _execute(self, user: str, path: str, code: str, timeout: float) -> str:
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        token = self.as_user(user).headers["Authorization"]
        ws = await websocket_connect(HTTPRequest("ws" + self.url[4:] + path, headers={"Authorization": token}))
        msg_id = uuid.uuid4().hex
        ws.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": user, "session": uuid.uuid4().hex,
                       "version": "5.3", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {}, "allow_stdin": False},
        }))
        out, idle, reply = [], False, None
        deadline = time.monotonic() + timeout
        while not (idle and reply):
            raw = await asyncio.wait_for(ws.read_message(), max(1, deadline - time.monotonic()))
            assert raw is not None, "the kernel's websocket closed"
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "stream":
                out.append(msg["content"]["text"])
            elif kind == "error":
                out.append("\n".join(msg["content"]["traceback"]))
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
            elif kind == "execute_reply":
                reply = msg["content"]
        ws.close()
        text = "".join(out)
        assert reply["status"] == "ok", text
        return text


@pytest.fixture(scope="module")
def hub():
    _require_or_skip(_unavailable())
    from walkbeside.hub import python_problem

    try:  # before creating anyone: can an ordinary user run this Python at all?
        _require_or_skip(python_problem(sys.executable, pwd.getpwnam("nobody").pw_name))
    except KeyError:
        pass
    tag = secrets.token_hex(2)
    names = {f"wb{tag}-ana": "learner", f"wb{tag}-ben": "learner", f"wb{tag}-tia": "trainer", f"wb{tag}-grader": "grader"}
    data = Path(tempfile.mkdtemp(prefix="walkbeside-hub-"))
    data.chmod(0o755)
    homes = data / "home"
    homes.mkdir(mode=0o755)
    created: dict[str, pwd.struct_passwd] = {}
    proc = None
    hub_obj = None
    log = data / "hub.log"
    try:
        for name in names:
            created[name] = _useradd(name, homes)
        grader = created[f"wb{tag}-grader"]
        _require_or_skip(python_problem(sys.executable, grader.pw_name))

        # The cohort folder, made by the grader with the real command, from a roster of the learners.
        roster = homes / "roster.csv"
        learners = [n for n, role in names.items() if role == "learner"]
        roster.write_text("id,first_name,last_name,email\n" + "".join(f"{n},{n[-3:].title()},Test,\n" for n in learners))
        roster.chmod(0o644)
        cohort = Path(grader.pw_dir) / "cohort"
        made = _as_user(grader, [sys.executable, "-m", "walkbeside.cli", "cohort", "init", str(cohort), "--roster", str(roster)], cwd=grader.pw_dir)
        assert made.returncode == 0, made.stdout + made.stderr
        course_id = json.loads((cohort / "cohort.json").read_text())["course_id"]

        port, admin_token, password = free_port(), secrets.token_hex(32), secrets.token_urlsafe(16)
        trainers = [n for n, role in names.items() if role == "trainer"]
        config = data / "test_jupyterhub_config.py"
        config.write_text(f"""
load_subconfig({str(REPO / 'deploy' / 'jupyterhub' / 'jupyterhub_config.py')!r})
# Test only: a shared password instead of Unix passwords, and an admin token for the test.
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.JupyterHub.services.append({{"name": "walkbeside-test", "api_token": {admin_token!r}}})
c.JupyterHub.load_roles.append({{"name": "walkbeside-test", "services": ["walkbeside-test"],
    "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users", "access:servers", "access:services"]}})
""")
        env = {**os.environ,
               "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}",
               "WALKBESIDE_ROOT": os.environ.get("WALKBESIDE_ROOT", str(REPO)),
               "WALKBESIDE_HUB_DATA": str(data / "srv"), "WALKBESIDE_HUB_GRADER": grader.pw_name,
               "WALKBESIDE_HUB_COHORT": str(cohort), "WALKBESIDE_HUB_TRAINERS": ",".join(trainers),
               "WALKBESIDE_HUB_IP": "127.0.0.1", "WALKBESIDE_HUB_PORT": str(port),
               "WALKBESIDE_HUB_PROXY_API_PORT": str(free_port()), "WALKBESIDE_HUB_INTERNAL_PORT": str(free_port()),
               "WALKBESIDE_HUB_COURSE_PORT": str(free_port())}
        (data / "srv").mkdir()
        with open(log, "wb") as out:
            proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=data, env=env,
                                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        from walkbeside.hub import HubSettings

        service = HubSettings(cohort=cohort).service_name()
        hub_obj = Hub(f"http://127.0.0.1:{port}", admin_token, service, course_id, data,
                      {n: {"role": r, "home": created[n].pw_dir} for n, r in names.items()}, log)
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, f"JupyterHub stopped:\n{hub_obj.log_tail()}"
            try:
                if hub_obj.api("GET", "/").status_code == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"JupyterHub did not answer in 60 s:\n{hub_obj.log_tail()}"
            time.sleep(0.3)
        hub_obj.start_servers([n for n, role in names.items() if role != "grader"])
        yield hub_obj
    finally:
        if hub_obj is not None and proc is not None and proc.poll() is None:
            from concurrent.futures import ThreadPoolExecutor

            def stop(name):
                try:
                    hub_obj.api("DELETE", f"/users/{name}/server", timeout=30)
                except Exception:
                    pass
            with ThreadPoolExecutor(4) as pool:
                list(pool.map(stop, [n for n, role in names.items() if role != "grader"]))
        if proc is not None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)  # the hub stops the proxy, the servers and the service
                proc.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        pidfile = data / "srv" / "hub" / "jupyterhub-proxy.pid"
        if pidfile.is_file():  # the proxy runs in its own session
            try:
                os.kill(int(pidfile.read_text().strip()), signal.SIGKILL)
            except (ValueError, ProcessLookupError):
                pass
        _kill_uid_processes({entry.pw_uid for entry in created.values()})
        for name in created:
            subprocess.run(["userdel", "--remove", name], capture_output=True)
        if os.environ.get("WALKBESIDE_HUB_KEEP_LOG"):
            shutil.copy(log, os.environ["WALKBESIDE_HUB_KEEP_LOG"])
        shutil.rmtree(data, ignore_errors=True)


# --------------------------------------------------------------------------- helpers

def answer_key(source: Path) -> dict[str, str]:
    """answer_N -> the solution's literal, from the trainer's source notebook."""
    key = {}
    for cell in json.loads(source.read_text())["cells"]:
        text = "".join(cell["source"])
        if "### BEGIN SOLUTION" in text and cell["cell_type"] == "code":
            inside = text.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0]
            for line in inside.splitlines():
                m = ANSWER.match(line)
                if m:
                    key[m.group(1)] = m.group(2)
    return key


def points_per_answer(source: Path) -> dict[str, float]:
    """answer_N -> points of the autograded test cell that checks it."""
    points = {}
    for cell in json.loads(source.read_text())["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "code" and meta.get("grade") and not meta.get("solution"):
            found = re.findall(r"\b(answer_\d+)\b", "".join(cell["source"]))
            if found:
                points[found[0]] = points.get(found[0], 0) + float(meta.get("points", 0))
    return points


def fill_answers(nb: dict, answers: dict[str, str]) -> int:
    """Type the answers into the learner's notebook as a learner would; how many were typed."""
    typed = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        lines = "".join(cell["source"]).split("\n")
        for i, line in enumerate(lines):
            m = re.match(r'^(answer_\d+)\s*=\s*""\s*$', line)
            if m and m.group(1) in answers:
                lines[i] = f"{m.group(1)} = {answers[m.group(1)]}"
                typed += 1
        cell["source"] = "\n".join(lines)
    return typed


# --------------------------------------------------------------------------- tests

def test_cohort_runs_on_the_hub(hub):
    users = hub.users
    ana, ben = sorted(n for n, u in users.items() if u["role"] == "learner")
    tia = next(n for n, u in users.items() if u["role"] == "trainer")
    grader_home = next(u["home"] for u in users.values() if u["role"] == "grader")
    svc = f"/services/{hub.service}"

    # Each learner's workspace was built by workspace.sync when their server started.
    listing = hub.get(ana, f"/user/{ana}/api/contents/").json()
    assert "start-here.ipynb" in {item["name"] for item in listing["content"]}, listing

    # The trainer makes the learner version and releases it to nbgrader's exchange (formgrader's buttons).
    assignments = hub.get(tia, f"{svc}/formgrader/api/assignments")
    assert assignments.status_code == 200, assignments.text
    assignment = sorted(a["name"] for a in assignments.json())[0]
    source = next((Path(grader_home) / "cohort" / "source" / assignment).glob("*.ipynb"))
    key, points = answer_key(source), points_per_answer(source)
    assert key and set(points) <= set(key), (key, points)
    for action in ("assign", "release"):
        r = hub.post(tia, f"{svc}/formgrader/api/assignment/{assignment}/{action}")
        assert r.status_code == 200 and r.json()["success"], f"{action}: {r.text[:2000]}"

    # Each learner fetches it, answers and submits. Ana answers everything right; Ben only the first question.
    first = sorted(key, key=lambda a: int(a.split("_")[1]))[0]
    choices = {ana: dict(key), ben: {a: (v if a == first else '"Z"') for a, v in key.items()}}
    for learner, answers in choices.items():
        r = hub.post(learner, f"/user/{learner}/assignments/fetch", json={"course_id": hub.course_id, "assignment_id": assignment})
        assert r.status_code == 200, r.text
        folder = hub.get(learner, f"/user/{learner}/api/contents/{assignment}").json()
        notebooks = [item["path"] for item in folder.get("content", []) if item["name"].endswith(".ipynb")]
        assert notebooks, f"{learner} has no fetched notebook: {folder}"
        for path in notebooks:
            nb = hub.get(learner, f"/user/{learner}/api/contents/{path}").json()["content"]
            assert fill_answers(nb, answers) == len(key)
            r = hub.put(learner, f"/user/{learner}/api/contents/{path}", json={"type": "notebook", "format": "json", "content": nb})
            assert r.status_code == 200, r.text
        r = hub.post(learner, f"/user/{learner}/assignments/submit", json={"course_id": hub.course_id, "assignment_id": assignment})
        assert r.status_code == 200 and r.json()["success"], r.text
        assert any(a.get("status") == "submitted" and a.get("student_id") == learner for a in r.json()["value"]), r.text

    # Inside her own server, Ana cannot read Ben's files, and a forged "Ben" submission is refused.
    ben_home = users[ben]["home"]
    exchange = hub.data / "srv" / "exchange"
    printed = hub.run_in_kernel(ana, f"/user/{ana}", f"""
import json, os, shutil
seen = {{}}
for what, path in (("home", {ben_home!r}), ("workspace", {ben_home + '/WalkBeside'!r}), ("inbound", {str(exchange / hub.course_id / 'inbound')!r})):
    try:
        os.listdir(path); seen[what] = "listed"
    except PermissionError:
        seen[what] = "denied"
forged = {str(exchange / hub.course_id / 'inbound')!r} + "/{ben}+{assignment}+2099-01-01 00:00:00.000000 UTC+forged"
shutil.copytree({assignment!r}, forged)  # her own right answers, under Ben's name, "later"
print(json.dumps(seen))
""")
    assert json.loads(printed.strip().splitlines()[-1]) == {"home": "denied", "workspace": "denied", "inbound": "denied"}, printed

    # The trainer collects from the exchange and grades with `walkbeside cohort grade` in the grading service.
    r = hub.post(tia, f"{svc}/formgrader/api/assignment/{assignment}/collect")
    assert r.status_code == 200 and r.json()["success"], r.text[:2000]
    assert "forged" in r.json().get("log", "") or "Not collected" in r.json().get("log", ""), r.json().get("log")
    printed = hub.run_in_kernel(tia, svc, """
import subprocess, sys
done = subprocess.run([sys.executable, "-m", "walkbeside.cli", "cohort", "grade", "."], capture_output=True, text=True)
print(done.stdout, done.stderr, "rc=%d" % done.returncode)
""")
    assert "rc=0" in printed and "graded 2" in printed, printed

    expected = {ana: sum(points.values()), ben: points.get(first, 0)}
    assert expected[ana] > expected[ben] > 0
    subs = hub.get(tia, f"{svc}/formgrader/api/submissions/{assignment}").json()
    scores = {s["student"]: s["code_score"] for s in subs}
    assert scores == pytest.approx(expected), subs


def test_learners_cannot_reach_each_other_or_grading(hub):
    users = hub.users
    ana, ben = sorted(n for n, u in users.items() if u["role"] == "learner")
    tia = next(n for n, u in users.items() if u["role"] == "trainer")
    svc = f"/services/{hub.service}"

    # Ana's own server works; Ben's workspace and files are refused to her token, and to the trainer's.
    assert hub.get(ana, f"/user/{ana}/api/contents/start-here.ipynb").status_code == 200
    for who in (ana, tia):
        for path in (f"/user/{ben}/api/contents/", f"/user/{ben}/api/contents/start-here.ipynb",
                     f"/user/{ben}/api/contents/.walkbeside/installed.json", f"/user/{ben}/lab"):
            r = hub.get(who, path, allow_redirects=False)
            assert r.status_code in (403, 404), f"{who} got {r.status_code} for {path}"
    # Nor through her own server's file API.
    # (encoded, so that the HTTP client does not resolve the dots itself)
    for path in ("%2E%2E", f"%2E%2E/{ben}", f"%2E%2E%2F{ben}%2FWalkBeside", f"%2E%2E/%2E%2E/{ben}/WalkBeside/start-here.ipynb"):
        r = hub.get(ana, f"/user/{ana}/api/contents/{path}")
        # Some proxies resolve "%2E%2E" to "..", landing on /user/<ana>/api/ (her server's version): also fine.
        assert r.status_code in (400, 403, 404) or set(r.json()) == {"version"}, f"{path}: {r.status_code} {r.text[:300]}"

    # A learner cannot open formgrader: not the course's (the hub refuses), nor one in her own server.
    for path in (f"{svc}/formgrader", f"{svc}/formgrader/api/submissions/00-foundations", f"{svc}/api/contents/gradebook.db",
                 f"{svc}/api/contents/submitted"):
        r = hub.get(ana, path, allow_redirects=False)
        assert r.status_code == 403, f"{path}: {r.status_code}"
    assert hub.get(ana, f"/user/{ana}/formgrader", allow_redirects=False).status_code == 404
    assert hub.get(ana, f"/user/{ana}/formgrader/api/assignments", allow_redirects=False).status_code == 404
    # The trainer can.
    assert hub.get(tia, f"{svc}/formgrader/api/assignments").status_code == 200
    # Everything listens on loopback only.
    assert hub.url.startswith("http://127.0.0.1:")
    servers = [hub.api("GET", f"/users/{n}").json()["servers"][""]["url"] for n, u in users.items() if u["role"] != "grader"]
    assert servers and all(url.startswith("/user/") for url in servers)


# `walkbeside hub` whether or not cli.COMMANDS lists "hub" yet.
SHIM = "import sys; from walkbeside import cli; 'hub' in cli.COMMANDS or cli.COMMANDS.append('hub'); sys.exit(cli.main(sys.argv[1:]))"


def test_pilot_command_explains_what_is_missing(tmp_path):
    result = subprocess.run([sys.executable, "-c", SHIM, "hub", "--cohort", str(tmp_path / "no-such-cohort"), "--trainers", "tia",
                             "--data", str(tmp_path / "data"), "--check"], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "cannot start yet" in result.stderr
