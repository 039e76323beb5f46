"""Walk Beside on JupyterHub: many volunteers at once, with nbgrader's exchange (docs/jupyterhub.md).

The design, in one paragraph: every learner and trainer is a hub user *and* a Unix user, and
JupyterHub's LocalProcessSpawner runs each person's Jupyter server as their own Unix user, so the
kernel's file permissions (home folders 0700) keep learners' workspaces, reflections and
submissions apart. A learner's server first builds their workspace with the same
:func:`walkbeside.workspace.sync` as ``walkbeside lab`` (never overwriting their changes), then
becomes ``jupyterhub-singleuser`` (:func:`singleuser_main`). Grading happens in one hub-managed
*service* that runs as a dedicated Unix user (the "grader") owning the cohort folder made by
``walkbeside cohort init``; only the hub group ``trainers`` may open it (``/services/<name>/``),
so formgrader and the gradebook are never reachable by learners. nbgrader's exchange (a
world-writable, sticky folder) carries releases and submissions between the two, and
:class:`OwnerCheckedCollect` refuses a submission whose files belong to someone other than the
learner it claims to be from.

``deploy/jupyterhub/jupyterhub_config.py`` calls :func:`configure`; ``walkbeside hub`` starts a
pilot with it on 127.0.0.1. Settings come from ``WALKBESIDE_HUB_*`` environment variables
(:meth:`HubSettings.from_env`).
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .problems import UserError

WORKSPACE = "~/WalkBeside"  # each learner's workspace, inside their own home folder
LEARNERS_GROUP = "learners"
TRAINERS_GROUP = "trainers"
TRAINER_ROLE = "walkbeside-trainers"
# nbgrader's JupyterLab plugins for course staff: hidden from learners' menus. (The servers they
# talk to are off in learners' servers anyway; the hub is what actually keeps learners out.)
STAFF_LAB_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:course-list")
STAFF_SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list")
SAFE_NAME = re.compile(r"[a-z_][a-z0-9_-]{0,31}")  # what useradd accepts and JupyterHub keeps as is


def _env_list(name: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, "").replace("\n", ",").split(",") if part.strip()]


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise UserError(f"{name}={raw!r} is not a port number") from None


@dataclass
class HubSettings:
    """Everything an organization chooses. Defaults suit one server running one cohort."""

    data: Path = Path("/srv/walkbeside-hub")  # hub database, cookie secret, exchange, generated config
    grader: str = "walkbeside-grader"  # Unix user that owns the cohort folder and runs formgrader
    cohort: Path | None = None  # default: ~grader/cohort (made with `walkbeside cohort init`)
    trainers: list[str] = field(default_factory=list)
    learners: list[str] | None = None  # default: the ids in the cohort's roster.csv
    admins: list[str] = field(default_factory=list)  # hub admins can open anyone's server: keep this short
    ip: str = "127.0.0.1"  # the public (proxy) address; put TLS in front before opening it wider
    port: int = 8000
    proxy_api_port: int = 8001
    hub_port: int = 8081
    course_port: int = 8100
    python: str = sys.executable  # the Python with walkbeside, jupyterlab, nbgrader, jupyterhub

    @classmethod
    def from_env(cls) -> "HubSettings":
        env = os.environ.get
        learners = _env_list("WALKBESIDE_HUB_LEARNERS")
        return cls(
            data=Path(env("WALKBESIDE_HUB_DATA") or cls.data),
            grader=env("WALKBESIDE_HUB_GRADER") or cls.grader,
            cohort=Path(env("WALKBESIDE_HUB_COHORT")) if env("WALKBESIDE_HUB_COHORT") else None,
            trainers=_env_list("WALKBESIDE_HUB_TRAINERS"),
            learners=learners or None,
            admins=_env_list("WALKBESIDE_HUB_ADMINS"),
            ip=env("WALKBESIDE_HUB_IP") or cls.ip,
            port=_env_int("WALKBESIDE_HUB_PORT", cls.port),
            proxy_api_port=_env_int("WALKBESIDE_HUB_PROXY_API_PORT", cls.proxy_api_port),
            hub_port=_env_int("WALKBESIDE_HUB_INTERNAL_PORT", cls.hub_port),
            course_port=_env_int("WALKBESIDE_HUB_COURSE_PORT", cls.course_port),
            python=env("WALKBESIDE_HUB_PYTHON") or sys.executable,
        )

    def to_env(self) -> dict[str, str]:
        env = {
            "WALKBESIDE_HUB_DATA": str(self.data), "WALKBESIDE_HUB_GRADER": self.grader,
            "WALKBESIDE_HUB_TRAINERS": ",".join(self.trainers), "WALKBESIDE_HUB_ADMINS": ",".join(self.admins),
            "WALKBESIDE_HUB_IP": self.ip, "WALKBESIDE_HUB_PORT": str(self.port),
            "WALKBESIDE_HUB_PROXY_API_PORT": str(self.proxy_api_port), "WALKBESIDE_HUB_INTERNAL_PORT": str(self.hub_port),
            "WALKBESIDE_HUB_COURSE_PORT": str(self.course_port), "WALKBESIDE_HUB_PYTHON": self.python,
        }
        if self.cohort:
            env["WALKBESIDE_HUB_COHORT"] = str(self.cohort)
        if self.learners:
            env["WALKBESIDE_HUB_LEARNERS"] = ",".join(self.learners)
        return env

    # ----------------------------------------------------------------- derived

    def cohort_dir(self) -> Path:
        if self.cohort:
            return self.cohort
        try:
            return Path(pwd.getpwnam(self.grader).pw_dir) / "cohort"
        except KeyError:
            raise UserError(f"there is no Unix user {self.grader!r} to own the cohort — create it "
                            f"(useradd --create-home {self.grader}) or set WALKBESIDE_HUB_GRADER") from None

    def cohort_meta(self) -> dict:
        path = self.cohort_dir() / "cohort.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UserError(f"{path.parent} is not a cohort folder — make it as the grader: "
                            f"sudo -u {self.grader} walkbeside cohort init {path.parent} --roster roster.csv") from None
        except (OSError, ValueError) as exc:
            raise UserError(f"{path}:1: cannot read it ({exc})") from None

    def course_id(self) -> str:
        return str(self.cohort_meta().get("course_id") or "walkbeside")

    def service_name(self) -> str:
        """The grading service's name: its address is /services/<name>/formgrader."""
        return "course-" + re.sub(r"[^a-z0-9-]+", "-", self.course_id().lower()).strip("-")

    def learner_ids(self) -> list[str]:
        if self.learners is not None:
            return list(self.learners)
        from .cohort.roster import read_roster

        # The roster (a plain CSV), not the gradebook: opening the grader's SQLite file as root
        # could leave root-owned journal files the grader can no longer write.
        learners, problems = read_roster(self.cohort_dir() / "roster.csv")
        if problems:
            raise UserError("the cohort's roster has problems:\n" + "\n".join(map(str, problems)))
        return [learner.id for learner in learners]

    @property
    def exchange(self) -> Path:
        return self.data / "exchange"

    def config_dir(self, kind: str) -> Path:
        return self.data / "jupyter" / kind

    @property
    def state(self) -> Path:
        return self.data / "hub"


# --------------------------------------------------------------------------- files on disk

NBGRADER_CONFIG = '''# Written by walkbeside.hub at hub start: nbgrader's exchange for this hub's course.
c = get_config()  # noqa: F821
c.Exchange.root = {exchange!r}
c.CourseDirectory.course_id = {course_id!r}
# A submission whose files belong to someone else than the learner it names is not collected.
c.ExchangeFactory.collect = "walkbeside.hub.OwnerCheckedCollect"
'''


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.chmod(0o644)
    tmp.replace(path)


def prepare(settings: HubSettings) -> None:
    """Make the hub's folders with the right owners and modes, and the Jupyter configuration
    each kind of server reads (through JUPYTER_CONFIG_PATH). Runs as root when the hub starts."""
    settings.data.mkdir(parents=True, exist_ok=True)
    settings.data.chmod(0o755)  # learners must reach exchange/ and jupyter/ below it
    settings.state.mkdir(exist_ok=True)
    settings.state.chmod(0o700)  # the hub's database and cookie secret
    # nbgrader's exchange: anyone may create inside, nobody may delete another's files (sticky).
    settings.exchange.mkdir(exist_ok=True)
    settings.exchange.chmod(0o777 | stat.S_ISVTX)
    (settings.data / "jupyter").mkdir(exist_ok=True)
    (settings.data / "jupyter").chmod(0o755)
    # The cohort folder holds the answer keys, the gradebook and every submission: the grader only.
    cohort = settings.cohort_dir()
    if cohort.is_dir():
        cohort.chmod(0o700)
    nbgrader = NBGRADER_CONFIG.format(exchange=str(settings.exchange), course_id=settings.course_id())
    for kind in ("learner", "grader"):
        folder = settings.config_dir(kind)
        folder.mkdir(exist_ok=True)
        folder.chmod(0o755)
        _write(folder / "nbgrader_config.py", nbgrader)
    off = {name: False for name in STAFF_SERVER_EXTENSIONS}
    _write(settings.config_dir("learner") / "jupyter_server_config.json",
           json.dumps({"ServerApp": {"jpserver_extensions": off}}, indent=1) + "\n")
    _write(settings.config_dir("learner") / "labconfig" / "page_config.json",
           json.dumps({"disabledExtensions": {name: True for name in STAFF_LAB_PLUGINS}}, indent=1) + "\n")
    (settings.config_dir("learner") / "labconfig").chmod(0o755)


def _server_env(settings: HubSettings, kind: str) -> dict[str, str]:
    bindir = str(Path(settings.python).parent)
    return {
        "JUPYTER_CONFIG_PATH": str(settings.config_dir(kind)),
        "PATH": os.pathsep.join([bindir, "/usr/local/bin", "/usr/bin", "/bin"]),
        "WALKBESIDE_WORKSPACE": WORKSPACE,
        # The hub's own environment (tests, CI) must not decide where learner data goes.
        "WALKBESIDE_ROOT": os.environ.get("WALKBESIDE_ROOT", ""),
    }


# --------------------------------------------------------------------------- the hub's config

def configure(c, settings: HubSettings | None = None) -> HubSettings:
    """Fill JupyterHub's config object ``c`` (see deploy/jupyterhub/jupyterhub_config.py)."""
    from .workspace import OFFLINE_LAB_ARGS

    settings = settings or HubSettings.from_env()
    learners, trainers = settings.learner_ids(), list(settings.trainers)
    bad = [name for name in [*learners, *trainers, *settings.admins, settings.grader] if not SAFE_NAME.fullmatch(name)]
    if bad:
        raise UserError(f"these names cannot be both hub users and Unix users: {', '.join(bad)} — use lower-case "
                        "letters, digits, '-' and '_', starting with a letter (also as ids in the roster)")
    both = sorted(set(learners) & set(trainers))
    if both:
        raise UserError(f"{', '.join(both)} cannot be a learner and a trainer at once")
    prepare(settings)
    cohort, service = settings.cohort_dir(), settings.service_name()

    # Network: the proxy faces people; the hub, the servers and the grading service stay on loopback.
    c.JupyterHub.bind_url = f"http://{settings.ip}:{settings.port}"
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = settings.hub_port
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.proxy_api_port}"
    c.ConfigurableHTTPProxy.pid_file = str(settings.state / "jupyterhub-proxy.pid")
    c.JupyterHub.db_url = f"sqlite:///{settings.state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(settings.state / "jupyterhub_cookie_secret")
    c.JupyterHub.cleanup_servers = True  # stopping the hub stops every server it started

    # People: Unix accounts log in with their own password (PAM) unless the organization
    # chooses another authenticator after calling configure().
    c.JupyterHub.authenticator_class = "pam"
    c.PAMAuthenticator.open_sessions = False
    c.Authenticator.allowed_users = set(learners) | set(trainers) | set(settings.admins)
    c.Authenticator.admin_users = set(settings.admins)
    c.JupyterHub.load_groups = {
        LEARNERS_GROUP: {"users": learners},
        TRAINERS_GROUP: {"users": trainers},
    }
    c.JupyterHub.load_roles = [{
        "name": TRAINER_ROLE,
        "description": "Walk Beside trainers: open the cohort's grading service (formgrader)",
        "groups": [TRAINERS_GROUP],
        "scopes": [f"access:services!service={service}", "read:services", "list:services"],
    }]

    # Each person's server runs as their own Unix user and starts in their workspace.
    c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
    c.Spawner.cmd = [settings.python, "-m", "walkbeside.hub"]
    c.Spawner.ip = "127.0.0.1"
    c.Spawner.default_url = "/lab/tree/start-here.ipynb"
    c.Spawner.environment = _server_env(settings, "learner")
    c.Spawner.start_timeout = 120
    c.Spawner.http_timeout = 90

    # Grading: Jupyter as the grader user, on the cohort folder; formgrader at /services/<name>/formgrader.
    c.JupyterHub.services = [{
        "name": service,
        "url": f"http://127.0.0.1:{settings.course_port}",
        "command": [settings.python, "-m", "jupyterhub.singleuser", f"--ServerApp.root_dir={cohort}",
                    "--ServerApp.default_url=/formgrader", *OFFLINE_LAB_ARGS],
        "user": settings.grader,
        "cwd": str(cohort),  # nbgrader reads the cohort's nbgrader_config.py from here
        "environment": {**_server_env(settings, "grader"), "WALKBESIDE_WORKSPACE": str(cohort / ".walkbeside" / "workspace")},
        "oauth_no_confirm": True,
        "display": True,
    }]
    return settings


# --------------------------------------------------------------------------- in each server

def singleuser_main(argv: list[str] | None = None) -> None:
    """Run as the learner (LocalProcessSpawner's command): create or update their workspace
    exactly as `walkbeside lab` does, make it private, then become jupyterhub-singleuser on it."""
    from . import workspace

    argv = list(sys.argv[1:] if argv is None else argv)
    ws = Path(os.path.expanduser(os.environ.get("WALKBESIDE_WORKSPACE") or WORKSPACE)).resolve()
    for key in ("WALKBESIDE_ROOT",):
        if not os.environ.get(key):
            os.environ.pop(key, None)
    changes = workspace.sync(ws)
    # Private to this person, whatever the organization's useradd defaults: the workspace holds
    # reflections, and ~/.local/share/jupyter/nbgrader_cache a copy of every submission.
    ws.chmod(0o700)
    home = Path.home()
    try:
        if home.stat().st_uid == os.getuid() and home.stat().st_mode & 0o077:
            home.chmod(0o700)
    except OSError:
        pass
    for change in changes:
        if change.action != "unchanged":
            print(f"walkbeside: {change}", file=sys.stderr, flush=True)
    os.environ["WALKBESIDE_WORKSPACE"] = str(ws)  # kernels inherit it
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    os.chdir(ws)
    cmd = [sys.executable, "-m", "jupyterhub.singleuser", f"--ServerApp.root_dir={ws}", *workspace.lab_args(ws), *argv]
    os.execv(cmd[0], cmd)


# --------------------------------------------------------------------------- nbgrader's exchange

def _owner_checked_collect():
    from nbgrader.exchange.default.collect import ExchangeCollect

    class OwnerCheckedCollect(ExchangeCollect):
        """nbgrader's collect, but a submission folder in the exchange must be owned by the Unix
        user it is named after. (nbgrader only warns; a learner could otherwise drop in a folder
        named ``otherlearner+assignment+<later time>+x`` and replace someone else's work.)"""

        def _path_to_record(self, path):
            record = super()._path_to_record(path)
            try:
                owner = pwd.getpwuid(os.lstat(path).st_uid).pw_name
            except (KeyError, OSError):
                owner = None
            record["owner"] = owner
            return record

        def _sort_by_timestamp(self, records):
            mine = [r for r in records if r.get("owner") == r["username"]]
            for record in records:
                if record.get("owner") != record["username"]:
                    self.log.error("Not collected: %s names %s but belongs to %s", record["filename"], record["username"], record.get("owner"))
            # nbgrader takes item [0]; a learner whose every folder is forged gets a placeholder
            # that copy_files skips (see below).
            return sorted(mine, key=lambda item: item["timestamp"], reverse=True) or [{**records[0], "forged": True}]

        def copy_files(self):
            self.src_records = [r for r in self.src_records if not r.get("forged")]
            return super().copy_files()

    return OwnerCheckedCollect


def __getattr__(name: str):
    # nbgrader imports "walkbeside.hub.OwnerCheckedCollect" by name; build it only then.
    if name == "OwnerCheckedCollect":
        return _owner_checked_collect()
    raise AttributeError(name)


# --------------------------------------------------------------------------- checks for a pilot

def missing_programs() -> list[str]:
    """What a hub needs besides this package, as install hints."""
    missing = []
    if shutil.which("configurable-http-proxy") is None:
        missing.append("configurable-http-proxy (npm install -g configurable-http-proxy)")
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        missing.append(f"jupyterhub ({sys.executable} -m pip install jupyterhub)")
    return missing


def python_problem(python: str, user: str) -> str | None:
    """Why ``user`` cannot run ``python`` with Walk Beside (e.g. it lives under /root), or None."""
    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        return f"there is no Unix user {user!r}"
    try:
        # Locating (not importing) the packages is enough to prove the files are readable, and fast.
        code = ("import importlib.util as u, walkbeside; missing = [m for m in ('jupyterhub', 'nbgrader', 'jupyterlab') "
                "if u.find_spec(m) is None]; assert not missing, 'missing ' + ', '.join(missing)")
        result = subprocess.run([python, "-c", code],
                                user=entry.pw_uid, group=entry.pw_gid, extra_groups=[], cwd="/",
                                env={"HOME": entry.pw_dir, "PATH": "/usr/bin:/bin"},
                                capture_output=True, text=True, timeout=60)
    except PermissionError as exc:
        return (f"{user} cannot run {python} ({exc.strerror}): every person's server runs this Python as them. Install "
                "Walk Beside where every user can read it (e.g. a venv in /opt/walkbeside); on a throwaway test machine "
                "whose Python lives under a private /root, `chmod o+x /root` is enough")
    if result.returncode:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return (f"{user} cannot run {python} with Walk Beside ({last}); install it where every user can read it "
                "(e.g. python3 -m venv /opt/walkbeside && /opt/walkbeside/bin/pip install walkbeside jupyterhub)")
    return None


def pilot_problems(settings: HubSettings) -> list[str]:
    problems = [f"missing {m}" for m in missing_programs()]
    if os.name != "posix" or os.geteuid() != 0:
        problems.append("the hub must run as root to start each person's server as their own Unix user (sudo walkbeside hub ...)")
        return problems
    if settings.ip not in ("127.0.0.1", "localhost", "::1"):
        problems.append(f"a pilot listens on 127.0.0.1 only (got {settings.ip}); see docs/jupyterhub.md to open a hub to a network")
    try:
        names = [*settings.learner_ids(), *settings.trainers, *settings.admins, settings.grader]
    except UserError as exc:
        return problems + [str(exc)]
    missing = [n for n in dict.fromkeys(names) if not _user_exists(n)]
    if missing:
        problems.append("these people have no Unix account yet: " + ", ".join(missing) + " — create each with "
                        "`useradd --create-home NAME` and set a password with `passwd NAME`")
    elif not settings.trainers:
        problems.append("no trainers: give at least one with --trainers NAME")
    else:
        problem = python_problem(settings.python, settings.grader)
        if problem:
            problems.append(problem)
    return problems


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


if __name__ == "__main__":
    singleuser_main()
