"""The production topology on loopback: HAProxy in front of two gunicorn nodes, two Celery workers, one beat, on
one PostgreSQL and one Redis (broker, cache, sessions), uploads in one directory both nodes share.

    python scripts/topology.py up       start it against DATABASE_URL and the Redis of CELERY_BROKER_URL; Ctrl-C
    python scripts/topology.py bench    (scripts/bench.sh) the mixed load through the balancer, two nodes and one

Used by tests/test_topology.py (the kill under load) and scripts/bench.sh. Every process runs in a process group
of its own, so kill(name) is a SIGKILL of a whole node (gunicorn's master and workers at once), as when a
machine is lost. HAProxy checks /healthz on each node every second and takes a node out after two failed checks
or at the first refused connection; a request whose connection to a node fails is sent to the other (retry-on conn-failure, redispatch), and
each node takes at most as many requests as it has workers (maxconn), so a node that dies can only take the
requests it was serving with it.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess  # nosec B404  # starts the topology's own servers (HAProxy, gunicorn, Celery) with argument lists, no shell
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
WEB_WORKERS = 2  # sync workers per node, and HAProxy's maxconn per node
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


HAPROXY_CFG = """\
global
    maxconn 512
    stats socket {stats} mode 600 level admin
    log stdout format raw local0 info

defaults
    mode http
    log global
    # Failed requests only, with HAProxy's termination state (SH: the node died while serving, sQ: queued ...).
    option httplog
    option dontlog-normal
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout queue 30s
    # A busy node answers its health check behind the requests it is serving (sync workers): give it time. A dead
    # node refuses the connection at once, and the first refused request marks it down (observe layer4).
    timeout check 5s
    option http-server-close
    # A request whose connection to a node failed never reached it: it goes to another node. A GET or HEAD that
    # a node died serving (empty response) goes to another node too; nothing else that reached a node is retried,
    # so a form post never runs twice.
    retries 3
    retry-on conn-failure empty-response
    option redispatch 1

frontend portal
    bind 127.0.0.1:{port}
    http-request disable-l7-retry unless {{ method GET HEAD }}
    default_backend nodes

backend nodes
    balance leastconn
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    default-server inter 1s fastinter 250ms downinter 500ms fall 2 rise 2 maxconn {maxconn} observe layer4 error-limit 1 on-error mark-down
{servers}
"""


@dataclass
class Topology:
    """The processes of the topology, started and stopped by name ("web-a", "web-b", "worker-1", ...)."""

    state: Path
    env: dict[str, str]
    web_nodes: tuple[str, ...] = ("web-a", "web-b")
    workers: tuple[str, ...] = ("worker-1", "worker-2")
    port: int = field(default_factory=free_port)
    node_ports: dict[str, int] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    @classmethod
    def from_environment(cls, state: Path, **overrides: str) -> Topology:
        """Production settings on the database of DATABASE_URL and the Redis of CELERY_BROKER_URL: the broker
        on its database, the cache (CACHE_URL) and the sessions (SESSION_ENGINE=cache) on database 3."""
        redis = urlparse(os.environ["CELERY_BROKER_URL"])
        base = f"redis://{redis.hostname}:{redis.port}"
        state.mkdir(parents=True, exist_ok=True)
        (state / "media").mkdir(exist_ok=True)
        env = {
            **os.environ,
            "DEBUG": "off",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "topology-" + secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "off",
            "CACHE_URL": os.environ.get("CACHE_URL", f"{base}/2"),
            "SESSION_ENGINE": "cache",
            "SESSION_CACHE_URL": f"{base}/3",
            "MEDIA_ROOT": str(state / "media"),  # the storage both nodes share (S3 in production, see README)
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_BEAT_SCHEDULE_FILENAME": str(state / "celerybeat-schedule"),
            **overrides,
        }
        return cls(state=state, env=env)

    # --- processes ------------------------------------------------------------------------------------------

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen:
        log_path = self.state / f"{name}.log"
        offset = log_path.stat().st_size if log_path.exists() else 0
        with open(log_path, "ab") as log:  # the child keeps its own copy of the descriptor
            proc = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,  # nosec B603  # argv built here from fixed programs and ports, no shell
                                    start_new_session=True)  # fmt: skip
        proc.log_path, proc.log_offset = log_path, offset  # a restart appends to the same log
        self.procs[name] = proc
        return proc

    def start_web(self, name: str) -> None:
        port = self.node_ports.setdefault(name, free_port())
        self._spawn(name, [str(VENV / "gunicorn"), "asfportal.wsgi", "-b", f"127.0.0.1:{port}", "-w",
                           str(WEB_WORKERS), "--preload", "--graceful-timeout", "5", "--log-level", "warning"])  # fmt: skip

    def start_worker(self, name: str) -> None:
        self._spawn(name, [sys.executable, "-m", "celery", "-A", "asfportal", "worker", "--pool=solo", "-l",
                           "INFO", "-n", f"{name}-{os.getpid()}@%h", "--without-gossip", "--without-mingle"])  # fmt: skip

    def start_beat(self, name: str = "beat") -> None:
        self._spawn(name, [sys.executable, "-m", "celery", "-A", "asfportal", "beat", "-l", "INFO", "-s",
                           str(self.state / f"{name}-schedule")])  # fmt: skip

    @property
    def stats_socket(self) -> Path:
        """HAProxy refuses a socket path longer than 97 characters (it binds a temporary name beside it first),
        and a test's state directory under a deep checkout is longer than that: the socket lives in the temporary
        directory, named by the balancer's port, which no other topology on this machine holds while it runs."""
        return Path(tempfile.gettempdir()) / f"asf-haproxy-{self.port}.sock"

    def write_balancer_config(self) -> Path:
        """The configuration for the nodes started so far, checked by HAProxy itself; its complaint is raised."""
        servers = "\n".join(
            f"    server {name} 127.0.0.1:{self.node_ports[name]} check" for name in self.web_nodes
        )
        cfg = self.state / "haproxy.cfg"
        cfg.write_text(HAPROXY_CFG.format(stats=self.stats_socket, port=self.port,
                                          maxconn=WEB_WORKERS, servers=servers))  # fmt: skip
        check = subprocess.run([HAPROXY, "-c", "-f", str(cfg)], capture_output=True, text=True)  # nosec B603  # haproxy's own config check on the file written above, no shell
        if check.returncode:
            raise RuntimeError(f"HAProxy refuses {cfg}:\n{check.stdout}{check.stderr}")
        return cfg

    def start_balancer(self) -> None:
        cfg = self.write_balancer_config()
        self._spawn("haproxy", [HAPROXY, "-db", "-f", str(cfg)])

    def start(self, *, beat: bool = True) -> Topology:
        for name in self.web_nodes:
            self.start_web(name)
        for name in self.workers:
            self.start_worker(name)
        if beat:
            self.start_beat()
        self.start_balancer()
        for name in self.web_nodes:
            self.wait_for(name, "UP")
        for name in self.workers:
            self.wait_for_worker(name)
        return self

    def kill(self, name: str) -> None:
        """SIGKILL to the whole process group: no clean-up, as when the machine is lost."""
        proc = self.procs[name]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def restart(self, name: str) -> None:
        if name in self.web_nodes:
            self.start_web(name)
        elif name in self.workers:
            self.start_worker(name)
        else:
            self.start_beat(name)

    def stop(self) -> None:
        for name, proc in reversed(list(self.procs.items())):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                    proc.wait(timeout=15)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    with_kill = proc.poll() is None
                    if with_kill:
                        os.killpg(proc.pid, signal.SIGKILL)
                        proc.wait()
            self.procs.pop(name, None)
        self.stats_socket.unlink(missing_ok=True)

    # --- state ----------------------------------------------------------------------------------------------

    def stats(self) -> dict[str, dict[str, str]]:
        """HAProxy's `show stat` per server of the backend: status, scur (requests on it now), stot ..."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(self.stats_socket))
            sock.sendall(b"show stat\n")
            raw = b""
            while chunk := sock.recv(65536):
                raw += chunk
        lines = raw.decode().strip().splitlines()
        header = lines[0].lstrip("# ").split(",")
        rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:]]
        return {row["svname"]: row for row in rows if row["pxname"] == "nodes"}

    def wait_for(self, name: str, status: str, timeout: float = 60) -> float:
        """Wait until HAProxy reports the node UP or DOWN; returns the seconds it took."""
        begun = time.monotonic()
        while True:
            try:
                if self.stats()[name]["status"].startswith(status):
                    return time.monotonic() - begun
            except (OSError, KeyError, IndexError):
                pass
            proc = self.procs.get(name)
            if status == "UP" and proc is not None and proc.poll() is not None:
                raise RuntimeError(f"{name} exited:\n{proc.log_path.read_text()[-3000:]}")
            if time.monotonic() - begun > timeout:
                raise TimeoutError(f"{name} not {status} after {timeout} s: {self.stats().get(name)}")
            time.sleep(0.1)

    def wait_for_worker(self, name: str, timeout: float = 60) -> None:
        begun, proc = time.monotonic(), self.procs[name]
        while b" ready." not in proc.log_path.read_bytes()[proc.log_offset :]:
            if proc.poll() is not None or time.monotonic() - begun > timeout:
                raise RuntimeError(f"{name} did not start:\n{proc.log_path.read_text()[-3000:]}")
            time.sleep(0.1)

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def manage(self, code: str) -> str:
        """Run Python with Django set up in the nodes' environment (their session store, say); returns stdout."""
        script = f"import django; django.setup()\n{code}"
        env = {"DJANGO_SETTINGS_MODULE": "asfportal.settings", **self.env}
        result = subprocess.run(  # nosec B603  # fixed program and arguments, no shell
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage() failed:\n{result.stderr[-3000:]}")
        return result.stdout.strip()

    def session_cookie(self, email: str) -> str:
        """A signed-in session, second factor given, in the nodes' session store (scripts/bench_pages.py)."""
        return self.manage(
            "import sys; sys.path.insert(0, 'scripts'); import bench_pages\n"
            "from asfportal.accounts.models import User\n"
            f"print(bench_pages.session_cookie(User.objects.get(email={email!r})))"
        )


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["up", "bench"])
    args = parser.parse_args()
    state = Path(os.environ.get("TOPOLOGY_DIR", ROOT / "var" / "topology"))
    topology = Topology.from_environment(state)
    try:
        if args.command == "up":
            topology.start()
            print(
                f"Balancer on {topology.url('/')}; nodes {topology.node_ports}; logs in {state}. Ctrl-C stops."
            )
            signal.sigwait({signal.SIGINT, signal.SIGTERM})
            return 0
        from loadgen import bench_two_nodes

        return bench_two_nodes(topology)
    finally:
        topology.stop()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "scripts"))
    sys.exit(main())
