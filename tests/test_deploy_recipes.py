"""The deployment recipes in deploy/ are checked as far as this machine allows (README, "Running in production"):
systemd units with systemd-analyze, the HAProxy configuration with haproxy -c, the compose file parsed and its
services checked against the topology the kill test runs, the image definition parsed by BuildKit's own parser
(the `dockerfile` package) and checked. No image is built: the machine has a docker client but no daemon, no
podman and no buildah (`command -v`), and no hadolint.
"""

import re
import shutil
import subprocess

import pytest
import yaml

from tests.conftest import PROJECT_DIR

DEPLOY = PROJECT_DIR / "deploy"
# The Dockerfile reference's instructions (the parser reads any word; the builder refuses the others).
INSTRUCTIONS = {"ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
                "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"}  # fmt: skip


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_the_systemd_units_verify(tmp_path):
    """The units name /srv/asfportal; here they point at this checkout, whose .venv has the same commands."""
    for unit in (DEPLOY / "systemd").glob("*.service"):
        text = unit.read_text().replace("/srv/asfportal/.venv/bin", str(PROJECT_DIR / ".venv" / "bin"))
        (tmp_path / unit.name.replace("@.", "@1.")).write_text(
            text.replace("/srv/asfportal", str(PROJECT_DIR))
        )
    units = sorted(str(path) for path in tmp_path.glob("*.service"))
    assert len(units) == 3
    result = subprocess.run(["systemd-analyze", "verify", *units], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_haproxy_configurations_are_valid(tmp_path):
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    key, cert, pem = tmp_path / "key.pem", tmp_path / "cert.pem", tmp_path / "asfportal.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=asf.example.se"], check=True, capture_output=True)  # fmt: skip
    pem.write_text(cert.read_text() + key.read_text())
    for name in ("haproxy.cfg", "haproxy-compose.cfg"):
        text = (DEPLOY / name).read_text().replace("/etc/haproxy/asfportal.pem", str(pem))
        text = re.sub(r"stats socket \S+", f"stats socket {tmp_path / 'admin.sock'}", text)
        text = re.sub(r"server (web-\w) web-\w:8000", r"server \1 127.0.0.1:8000", text)  # compose names
        config = tmp_path / name
        config.write_text(text)
        result = subprocess.run([haproxy, "-c", "-f", str(config)], capture_output=True, text=True)
        assert result.returncode == 0, f"{name}: {result.stdout}{result.stderr}"
        # The backend the kill test runs: health checks on /healthz, no retry of a request a node received.
        assert "uri /healthz" in text and "retry-on conn-failure" in text and "maxconn" in text


def test_the_compose_file_describes_the_tested_topology():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"web-a", "web-b", "worker-1", "worker-2", "beat", "haproxy", "postgres", "redis"}
    portal = [services[name] for name in ("web-a", "web-b", "worker-1", "worker-2", "beat")]
    for service in portal:
        env = service["environment"]
        assert env["DEBUG"] == "off" and env["SESSION_ENGINE"] == "cache"
        assert env["CELERY_BROKER_URL"].startswith("redis://") and env["CACHE_URL"].startswith("redis://")
        assert "media:/srv/media" in service["volumes"]  # uploads on storage every node shares
    assert [s.get("command", ["gunicorn"])[0] for s in portal] == [
        "gunicorn",
        "gunicorn",
        "celery",
        "celery",
        "celery",
    ]
    assert sum("beat" in s.get("command", []) for s in portal) == 1  # exactly one beat


def test_the_image_definition_parses_and_runs_the_portal_as_the_topology_does():
    import dockerfile

    from asfportal.settings import INSTALLED_APPS

    instructions = dockerfile.parse_file(
        str(DEPLOY / "Containerfile")
    )  # BuildKit's parser: a syntax error raises
    assert {i.cmd for i in instructions} <= INSTRUCTIONS
    by_cmd = {}
    for instruction in instructions:
        by_cmd.setdefault(instruction.cmd, []).append(instruction.value)
    # One stage on the Python the project supports, from a named registry (no implicit docker.io guess).
    [[base]] = by_cmd["FROM"]
    assert base.startswith("docker.io/library/python:3.11-"), base
    # Every file the image copies exists, and every app of ours is copied.
    copied = {source for value in by_cmd["COPY"] for source in value[:-1]}
    assert all((PROJECT_DIR / source).exists() for source in copied), copied
    ours = {app.split(".")[0] for app in INSTALLED_APPS if (PROJECT_DIR / app.split(".")[0]).is_dir()}
    assert ours <= copied and {"templates", "static", "manage.py"} <= copied, ours - copied
    # It runs as a user of its own, never root, answers the balancer's health check, and serves with gunicorn.
    assert by_cmd["USER"][-1] == ("asfportal",)
    assert any("/healthz" in part for part in by_cmd["HEALTHCHECK"][-1])
    assert by_cmd["CMD"][-1][:2] == ("gunicorn", "asfportal.wsgi")
    # The S3 storage of production is installed (the extra of pyproject.toml), the catalogue compiled, the
    # static files collected at build time, and apt's lists removed in the same layer.
    build = " ".join(part for value in by_cmd["RUN"] for part in value)
    assert '".[s3]"' in build and "compilemessages" in build and "collectstatic" in build
    assert "rm -rf /var/lib/apt/lists/*" in build and "--no-install-recommends" in build


def test_the_image_definition_check_catches_a_malformed_file_and_an_unknown_instruction(tmp_path):
    """The parser is a real one (an unterminated here-document is an error), and an instruction BuildKit's parser
    reads but `docker build` does not know is caught by the list of known ones."""
    import dockerfile

    with pytest.raises(dockerfile.GoParseError):
        dockerfile.parse_string("FROM docker.io/library/python:3.11-slim\nRUN <<EOF\n")
    parsed = dockerfile.parse_string("FROM docker.io/library/python:3.11-slim\nCOPPY manage.py ./\n")
    assert {i.cmd for i in parsed} - INSTRUCTIONS == {"COPPY"}
