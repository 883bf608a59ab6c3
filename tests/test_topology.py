"""Two nodes, a balancer and a kill (issue 18): the production topology on loopback under load, one web node and
one worker killed with SIGKILL, and afterwards nothing lost.

HAProxy (Debian's) in front of two gunicorn nodes, two Celery workers, one beat (a second one started by mistake
stands by), PostgreSQL and Redis for broker, cache and sessions; mail to a real SMTP server on loopback. While a
load generator drives public pages, signed-in pages and form posts that notify (accessibility reports to the
administrators, tender questions to the buyer's officer), one web node and one worker are killed. The balancer
routes around the node; every acknowledged write is in the database; every notification is e-mailed exactly
once (twice only inside the documented hand-off window, with the same Message-ID); the only failed requests are
ones that were in flight on the killed node; the node restarts and takes requests again.
"""

import sys
import time
from collections import Counter

import pytest
from django.db import connection

from asfportal.accounts.models import Role
from asfportal.core.models import AccessibilityReport, Channel, Notification
from asfportal.core.notifications import message_id_for
from procurement.models import Question
from tests.accounts.factories import UserFactory
from tests.companies.factories import RepresentativeFactory
from tests.conftest import PROJECT_DIR
from tests.procurement.factories import TenderFactory

sys.path.insert(0, str(PROJECT_DIR / "scripts"))

from loadgen import Load  # scripts/ is not a package
from topology import WEB_WORKERS, Topology

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait(condition, timeout: float, what: str) -> None:
    begun = time.monotonic()
    while not condition():
        assert time.monotonic() - begun < timeout, f"timed out waiting for {what}"
        time.sleep(0.2)


@pytest.fixture
def topology(tmp_path, smtp_sink):
    smtp_sink.start()
    db = connection.settings_dict
    topology = Topology.from_environment(
        tmp_path / "topology",
        DATABASE_URL=f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        EMAIL_URL=smtp_sink.url,
        # The hand-off recovery at test speed: a lost worker's claim runs out after 5 s, beat drains every 2 s.
        NOTIFICATION_LEASE_SECONDS="5",
        OUTBOX_DRAIN_SECONDS="2",
    )
    yield topology
    topology.stop()


def test_one_web_node_and_one_worker_killed_under_load_lose_nothing(topology, smtp_sink, municipality):
    admins = [UserFactory(role=Role.ADMINISTRATOR, organisation=None, is_staff=True) for _ in range(2)]
    coordinator = UserFactory(role=Role.COORDINATOR, organisation=municipality)
    UserFactory(role=Role.PROCUREMENT_OFFICER, organisation=municipality)
    tender = TenderFactory(buyer=municipality, published=True)
    representative = RepresentativeFactory().user

    topology.start()
    topology.start_beat("beat-2")  # a second beat started by mistake
    coordinator_cookie = topology.session_cookie(coordinator.email)
    company_cookie = topology.session_cookie(representative.email)
    load = Load(
        topology.url(),
        public_paths=["/", "/foretag/", "/upphandlingar/", f"/upphandlingar/{tender.pk}/"],
        signed_in=[(coordinator_cookie, "/oversikt/samordnare/"), (company_cookie, "/oversikt/foretag/")],
        posts=[
            ("", "/tillganglighet/", "description", {"page_url": "/foretag/", "contact_email": ""}),
            (company_cookie, f"/upphandlingar/{tender.pk}/", "text", {}),
        ],
        threads=6,
    ).start()

    time.sleep(5)
    serving_at_kill = int(topology.stats()["web-a"]["scur"])
    killed_at = time.monotonic()
    topology.kill("web-a")
    dead_at = time.monotonic()  # the node's processes are reaped: from here its port refuses connections
    topology.kill("worker-1")
    down_after = topology.wait_for("web-a", "DOWN")
    time.sleep(3)  # the load goes on through web-b alone
    topology.restart("web-a")
    topology.restart("worker-1")
    rejoined_after = topology.wait_for("web-a", "UP")
    served_before = int(topology.stats()["web-a"]["stot"])
    time.sleep(3)
    load.stop()
    served_after_rejoin = int(topology.stats()["web-a"]["stot"]) - served_before

    requests = [r for r in load.requests if r.ended]
    failed = [r for r in requests if not r.ok]
    acknowledged = [r for r in requests if r.kind == "post" and r.key and r.ok]
    report_keys = {r.key for r in acknowledged if r.path == "/tillganglighet/"}
    question_keys = {r.key for r in acknowledged if r.path != "/tillganglighet/"}
    stored_reports = {
        k for k in report_keys if AccessibilityReport.objects.filter(description__contains=k).exists()
    }
    stored_questions = {k for k in question_keys if Question.objects.filter(text__contains=k).exists()}

    # Every notification that was written is e-mailed: beat drains the outbox, and the claim the killed worker
    # may have held runs out.
    emailed = Notification.objects.filter(channel=Channel.EMAIL_NOW)
    _wait(lambda: not emailed.exclude(state=Notification.State.SENT).exists(), 60, "the outbox to empty")
    _wait(lambda: len(smtp_sink.messages) >= emailed.count(), 30, "every e-mail to arrive")
    per_message_id = Counter(message["Message-ID"] for message in smtp_sink.messages)
    by_message_id = {message_id_for(n.key): n for n in emailed}
    twice = {mid: by_message_id[mid] for mid, count in per_message_id.items() if count == 2}

    failures = [
        (
            r.kind,
            r.path,
            r.status,
            r.error[:60],
            round(r.started - killed_at, 2),
            round(r.ended - killed_at, 2),
        )
        for r in failed
    ]
    beat_logs = [topology.procs[name].log_path.read_text() for name in ("beat", "beat-2")]
    figures = {
        "requests": len(requests),
        "by kind": dict(Counter(r.kind for r in requests)),
        "failed": len(failed),
        "failed requests (kind, path, status, error, started and ended, s after the kill)": failures,
        "requests on the killed node at the kill (HAProxy scur)": serving_at_kill,
        "in flight in all at the kill (client side)": load.in_flight(killed_at),
        "the kill took, s": round(dead_at - killed_at, 3),
        "node marked DOWN after s": round(down_after, 2),
        "node UP again after restart, s": round(rejoined_after, 2),
        "requests served by the node after it rejoined": served_after_rejoin,
        "acknowledged writes": len(acknowledged),
        "acknowledged writes in the database": len(stored_reports) + len(stored_questions),
        "notifications e-mailed": emailed.count(),
        "e-mails received": len(smtp_sink.messages),
        "delivered twice (hand-off window)": len(twice),
        "beats holding the lock": sum("holding the beat lock" in log for log in beat_logs),
    }
    print("\nKill under load:", *(f"  {key}: {value}" for key, value in figures.items()), sep="\n")

    assert len(requests) > 100 and acknowledged and question_keys and report_keys
    assert stored_reports == report_keys and stored_questions == question_keys
    assert emailed.count() >= len(admins) * len(report_keys) + len(question_keys)
    assert set(per_message_id) == set(by_message_id)  # every notification arrived, nothing else did
    assert max(per_message_id.values()) <= 2
    # A second copy only from the hand-off window: the notification was claimed again after a lost claim.
    assert all(notification.attempts >= 2 for notification in twice.values()), twice
    # The only failed requests were on the killed node when it died: in flight at the kill, and no more than it
    # held (a GET it held is sent to the other node; a post is not retried). One more is possible: a request
    # HAProxy hands the node in the milliseconds its processes take to die (the kernel still accepts the
    # connection, then resets it).
    # "At the kill" is the window from the signal to the reaped processes, not the instant before the signal.
    assert all(r.started <= dead_at and r.ended + 0.05 >= killed_at for r in failed), failures
    assert len(failed) <= serving_at_kill + 1, figures
    assert serving_at_kill <= WEB_WORKERS  # HAProxy gives a node no more requests than it has workers
    assert served_after_rejoin > 0  # the restarted node takes requests again
    assert figures["beats holding the lock"] == 1


def test_the_balancer_configuration_passes_haproxys_check_from_a_checkout_as_deep_as_ci(tmp_path):
    # CI's clone lives deeper than a developer's (/check/work/main/.pytest-tmp/parallel/popen-gw0/...), and a
    # stats socket beside the state passed HAProxy's 97-character limit there: the topology never started.
    state = tmp_path / ("a-deep-checkout-" * 6) / "topology"
    state.mkdir(parents=True)
    topology = Topology(state=state, env={}, node_ports={"web-a": 1, "web-b": 2})
    assert len(str(state / "haproxy.sock")) > 97
    cfg = topology.write_balancer_config()
    assert str(topology.stats_socket) in cfg.read_text()
