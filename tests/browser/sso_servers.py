"""The single sign-on tests' servers: a real OpenID Connect provider (Node, tests/oidc_provider/) and a portal
process (gunicorn) configured by OIDC_* environment variables alone, on the test database, both on loopback."""

from __future__ import annotations

import json
import os
import subprocess  # nosec B404  # starts the tests' own servers with argument lists, no shell
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import PROJECT_DIR, free_port

PROVIDER_SCRIPT = Path(PROJECT_DIR) / "tests" / "oidc_provider" / "provider.mjs"
CLIENT_ID = "asf-portal"
CLIENT_SECRET = "test-only-client-secret-0123456789"


def _wait_for(condition, proc: subprocess.Popen, log: Path, what: str, timeout: float = 60) -> None:
    begun = time.monotonic()
    while not condition():
        if proc.poll() is not None or time.monotonic() - begun > timeout:
            pytest.fail(f"{what} did not start:\n{log.read_text(errors='replace')[-4000:]}")
        time.sleep(0.1)


@dataclass
class Servers:
    tmp: Path
    accounts: dict
    procs: list[subprocess.Popen] = field(default_factory=list)
    issuer: str = ""
    discovery: dict = field(default_factory=dict)
    portals: dict[bool, str] = field(default_factory=dict)
    portal_port: int = 0

    def start_provider(self) -> None:
        node_dir = os.environ.get("OIDC_PROVIDER_DIR", "")
        if not (Path(node_dir) / "node_modules" / "oidc-provider").is_dir():
            pytest.fail(
                "OIDC_PROVIDER_DIR has no oidc-provider: run the tests through scripts/test.sh (npm ci)"
            )
        self.portal_port = free_port()
        ports = [self.portal_port, free_port()]  # one portal trusts the provider's MFA, one doesn't
        self.ports = ports
        config = {
            "clients": [
                {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": [f"http://127.0.0.1:{port}/oidc/callback/" for port in ports],
                    "post_logout_redirect_uris": [
                        f"http://127.0.0.1:{port}/konto/logga-in/" for port in ports
                    ],
                }
            ],
            "accounts": self.accounts,
        }
        log = self.tmp / "provider.log"
        script = Path(node_dir) / "provider.mjs"
        script.write_bytes(PROVIDER_SCRIPT.read_bytes())  # beside its node_modules, so its imports resolve
        with open(log, "wb") as fh:
            proc = subprocess.Popen(  # nosec B603 B607  # node with the provider script, no shell
                ["node", str(script)],
                env={**os.environ, "OIDC_TEST_CONFIG": json.dumps(config)},
                stdout=fh,
                stderr=subprocess.STDOUT,
            )
        self.procs.append(proc)
        _wait_for(lambda: b"listening " in log.read_bytes(), proc, log, "the OpenID Connect provider")
        self.issuer = log.read_text().split("listening ", 1)[1].split()[0]
        with urllib.request.urlopen(f"{self.issuer}/.well-known/openid-configuration", timeout=10) as answer:  # nosec B310  # loopback
            self.discovery = json.load(answer)

    def portal(self, *, trusts_mfa: bool) -> str:
        """The base URL of a portal process using the provider (started on first use, one per MFA setting)."""
        if trusts_mfa in self.portals:
            return self.portals[trusts_mfa]
        from django.db import connection

        db = connection.settings_dict
        port = self.ports[0 if trusts_mfa else 1]
        d = self.discovery
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "CELERY_TASK_ALWAYS_EAGER": "true",
            "EMAIL_URL": "consolemail://",
            # Exactly what an operator sets from the provider's discovery document (README "Single sign-on").
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_ISSUER": d["issuer"],
            "OIDC_OP_AUTHORIZATION_ENDPOINT": d["authorization_endpoint"],
            "OIDC_OP_TOKEN_ENDPOINT": d["token_endpoint"],
            "OIDC_OP_USER_ENDPOINT": d["userinfo_endpoint"],
            "OIDC_OP_JWKS_ENDPOINT": d["jwks_uri"],
            "OIDC_OP_LOGOUT_ENDPOINT": d["end_session_endpoint"],
            "OIDC_TRUSTS_MFA": "on" if trusts_mfa else "off",
            "OIDC_LOGIN_LABEL": "Logga in med Testkommun-ID",
        }
        log = self.tmp / f"portal-{port}.log"
        with open(log, "wb") as fh:
            proc = subprocess.Popen(  # nosec B603  # gunicorn of the project's venv, no shell
                [str(Path(sys.executable).parent / "gunicorn"), "asfportal.wsgi", "-b", f"127.0.0.1:{port}"]
                + ["-w", "1", "--log-level", "warning"],
                cwd=PROJECT_DIR,
                env=env,
                stdout=fh,
                stderr=subprocess.STDOUT,
            )
        self.procs.append(proc)
        url = f"http://127.0.0.1:{port}"

        def answers() -> bool:
            try:
                with urllib.request.urlopen(f"{url}/konto/logga-in/", timeout=5):  # nosec B310  # loopback
                    return True
            except OSError:
                return False

        _wait_for(answers, proc, log, "the portal")
        self.portals[trusts_mfa] = url
        return url

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
