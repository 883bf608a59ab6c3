"""The national-scale benchmark's measurements; scripts/bench.sh runs the steps in order against throwaway servers.

    bench.py queries LABEL          SQL queries per main page, in-process (Django test client), to var/bench/
    bench.py jobs                   annual report, January run, reminder sweep (in-process, timed)
    bench.py load BASE_URL          load at concurrency 8 against gunicorn, floor first; OCDS stream memory
    bench.py summary                the table, with each target met or not

Every step writes JSON under var/bench/ and the summary reads them, so a step can be re-run alone. Figures are
printed, not asserted: this is a benchmark, not a test (the suite asserts constant query counts separately).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asfportal.settings")

CONCURRENCY = 8
WARMUP_SECONDS = float(os.environ.get("BENCH_WARMUP", "1"))
MEASURE_SECONDS = float(os.environ.get("BENCH_SECONDS", "6"))
TARGETS = {
    "queries": 15,
    "cost": 3.0,
    "report_figures_s": 2.0,
    "report_pdf_s": 10.0,
    "sweep_s": 15.0,
    "ocds_mb": 256,
}


def _django():
    import django

    django.setup()


def _save(name: str, data) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False))


def _load(name: str):
    path = OUT / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


# --- Which pages, as whom -------------------------------------------------------------------------------------


def _coordinator():
    """The benchmark's coordinator: Stockholm's at national scale, the demo's Örebro one at demo scale."""
    from asfportal.accounts.models import User

    return User.objects.filter(email="samordnare-0180-1@scale.example").first() or User.objects.get(
        email="samordnare@orebro.example"
    )


def pages() -> list[tuple[str, str, bool]]:
    """(name, path, as coordinator) for the floor and every main page, with the heaviest objects chosen."""
    from django.db.models import Count
    from django.urls import reverse

    from companies.models import Company
    from companies.views import PAGE_SIZE
    from policies.models import AnnualReport
    from procurement.models import Tender

    coordinator = _coordinator()
    listed = Company.objects.listed()
    deep = max(1, int(listed.count() / PAGE_SIZE * 0.8))  # four fifths of the way to the last page
    company = listed.annotate(n=Count("assessments")).order_by("-n", "pk").first()
    tender = Tender.objects.public().annotate(n=Count("submissions")).order_by("-n", "pk").first()
    awarded = Tender.objects.filter(status="awarded").order_by("pk").first() or tender
    report = (
        AnnualReport.objects.filter(organisation_id=coordinator.organisation_id, status="done")
        .order_by("-pk")
        .first()
    )
    found = [
        ("floor", "/bench/floor/", False),
        # The same trivial page for a signed-in coordinator: session, user and header cost what every signed-in
        # page costs, so signed-in pages are compared with this floor (the anonymous one is printed beside).
        ("floor, signed in", "/bench/floor/", True),
        ("start page", reverse("core:home"), False),
        ("directory, page 1", reverse("companies:company-directory"), False),
        ("directory, deep page", f"{reverse('companies:company-directory')}?page={deep}", False),
        ("directory search", f"{reverse('companies:company-directory')}?q=caf%C3%A9", False),
        ("company page", reverse("companies:company-detail", args=[company.pk]), False),
        ("open tenders", reverse("procurement:tender-list"), False),
        ("tender page", reverse("procurement:tender-detail", args=[tender.pk]), False),
        ("OCDS release package", reverse("procurement:ocds-release", args=[awarded.pk]), False),
        ("coordinator dashboard", reverse("accounts:dashboard-coordinator"), True),
        ("placement list (participants)", reverse("placements:participant-list"), True),
        ("capacity search", reverse("placements:capacity-search"), True),
    ]
    if report:
        found.append(("annual report page", reverse("policies:report-detail", args=[report.pk]), True))
    return found


# --- Steps ----------------------------------------------------------------------------------------------------


def step_queries(label: str) -> None:
    _django()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    anonymous, coordinator = Client(), Client()
    coordinator.force_login(_coordinator())
    counts = {}
    for name, path, as_coordinator in pages():
        if name.startswith("floor"):
            continue
        client = coordinator if as_coordinator else anonymous
        client.get(path)  # load templates and translations once
        cache.clear()  # cold: every cached page part is rendered, as on the first visit after a change
        with CaptureQueriesContext(connection) as cold:
            response = client.get(path)
        with CaptureQueriesContext(connection) as warm:
            client.get(path)
        counts[name] = {"queries": len(cold), "warm": len(warm), "status": response.status_code}
        print(f"  {name:<32} {response.status_code} {len(cold):>3} queries ({len(warm)} with the cache warm)")
    _save(f"queries-{label}", counts)


def _timed(func):
    started = time.monotonic()
    result = func()
    return time.monotonic() - started, result


def step_jobs() -> None:
    _django()
    from django.utils import timezone

    from asfportal.accounts.models import Organisation
    from asfportal.celery import app
    from asfportal.core.reminders import reminders_sweep
    from policies import services as policy_services
    from policies.models import AnnualReport
    from policies.reports import build_figures

    today = timezone.localdate()
    year = today.year - 1
    coordinator = _coordinator()
    largest = coordinator.organisation
    results = {"organisation": largest.name, "year": year}

    seconds, _ = _timed(lambda: build_figures(organisation=largest, year=year, today=today))
    results["report_figures_s"] = round(seconds, 2)
    print(f"  annual report figures, {largest.name} {year}: {seconds:.2f} s")

    def with_pdf():
        report = policy_services.report_request(organisation=largest, year=year, actor=coordinator)
        return policy_services.report_build(report_id=report.pk)

    app.conf.task_always_eager = False  # the task sent on commit waits in Redis; we build the report here
    seconds, report = _timed(with_pdf)
    results["report_pdf_s"] = round(seconds, 2)
    print(f"  annual report with PDF and XLSX: {seconds:.2f} s ({report.status})")

    if os.environ.get("BENCH_SKIP_JANUARY") != "1":
        app.conf.task_always_eager = True  # each report is built as its task runs, one after the other
        seconds, queued = _timed(lambda: policy_services.reports_january_run(year=year))
        app.conf.task_always_eager = False
        done = AnnualReport.objects.filter(year=year, requested_by=None, status="done").count()
        results["january"] = {"seconds": round(seconds, 1), "reports": queued, "done": done}
        per = seconds / queued if queued else 0
        print(
            f"  January run: {queued} organisations' reports in {seconds:.1f} s ({per:.2f} s each, one process)"
        )

    seconds, sent = _timed(lambda: reminders_sweep(today=today))
    results["sweep_s"] = round(seconds, 2)
    results["sweep_sent"] = sent if isinstance(sent, int) else None
    print(f"  daily reminder sweep: {seconds:.2f} s")
    results["organisations"] = Organisation.objects.count()
    _save("jobs", results)


def _hit(base: urllib.parse.SplitResult, path: str, cookie: str) -> tuple[float, int]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection(base.hostname, base.port, timeout=60)
    try:
        connection.request("GET", path, headers={"Cookie": cookie, "Host": base.netloc} if cookie else {})
        response = connection.getresponse()
        response.read()
        status = response.status
    finally:
        connection.close()
    return time.perf_counter() - started, status


def _drive(base, path: str, cookie: str) -> dict:
    """CONCURRENCY threads request the page back to back; warm-up first, then MEASURE_SECONDS measured."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    phase = {"measure": False, "stop": False}

    def worker():
        while not phase["stop"]:
            seconds, status = _hit(base, path, cookie)
            if phase["measure"]:
                with lock:
                    latencies.append(seconds)
                    if status != 200:
                        errors[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    time.sleep(WARMUP_SECONDS)
    phase["measure"] = True
    started = time.monotonic()
    time.sleep(MEASURE_SECONDS)
    phase["stop"] = True
    elapsed = time.monotonic() - started
    for thread in threads:
        thread.join()
    latencies.sort()
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(quantiles[94] * 1000, 1),
    }


def _session_cookie() -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    user = _coordinator()
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _worker_peak_rss_mb(master_pid: int) -> float:
    """The highest peak resident memory (VmHWM) among gunicorn's worker processes."""
    peak = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master_pid):
            peak = max(peak, int(fields["VmHWM"].split()[0]))
    return peak / 1024


def step_load(base_url: str, master_pid: int) -> None:
    _django()
    from django.urls import reverse

    base = urllib.parse.urlsplit(base_url)
    cookie = _session_cookie()
    results = {}
    for name, path, as_coordinator in pages():
        measured = _drive(base, path, cookie if as_coordinator else "")
        measured["signed_in"] = as_coordinator
        results[name] = measured
        print(f"  {name:<32} {measured['rps']:>7} req/s  p50 {measured['p50_ms']:>7} ms  p95 {measured['p95_ms']:>7} ms"
              f"  errors {measured['errors']}")  # fmt: skip
    before = _worker_peak_rss_mb(master_pid)
    seconds, (size, status) = _timed(lambda: _stream(base, reverse("procurement:ocds-releases")))
    after = _worker_peak_rss_mb(master_pid)
    results["_ocds_stream"] = {
        "seconds": round(seconds, 1),
        "megabytes": round(size / 1e6, 1),
        "status": status,
        "peak_rss_mb_before": round(before, 1),
        "peak_rss_mb_after": round(after, 1),
    }
    print(
        f"  OCDS package of every tender: {size / 1e6:.1f} MB in {seconds:.1f} s, worker peak RSS {after:.0f} MB"
    )
    _save("load", results)


def _stream(base, path: str) -> tuple[int, int]:
    connection = http.client.HTTPConnection(base.hostname, base.port, timeout=600)
    connection.request("GET", path)
    response = connection.getresponse()
    size = 0
    while chunk := response.read(1 << 16):
        size += len(chunk)
    connection.close()
    return size, response.status


def step_summary() -> int:
    demo, national, load, jobs = (
        _load("queries-demo"),
        _load("queries-national"),
        _load("load"),
        _load("jobs"),
    )
    missed = []

    def verdict(ok: bool, what: str) -> str:
        if not ok:
            missed.append(what)
        return "met" if ok else "NOT MET"

    floor = load["floor"]["p50_ms"]
    floor_signed_in = load["floor, signed in"]["p50_ms"]
    print(
        "Queries: q demo and q nat. with the cache empty (the target applies to them); warm: from the cache."
    )
    print(
        "Cost: p50 over the floor's p50 in the same run; signed-in pages over the signed-in floor (anon: over the"
    )
    print("anonymous floor, for comparison).")
    print(f"\nFloor /bench/floor/: {load['floor']['rps']} req/s, p50 {floor} ms, p95 {load['floor']['p95_ms']} ms;"
          f" signed in: {load['floor, signed in']['rps']} req/s, p50 {floor_signed_in} ms"
          f" (concurrency {CONCURRENCY}, {MEASURE_SECONDS:.0f} s per page)\n")  # fmt: skip
    header = (f"{'page':<32} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'cost':>6} {'anon':>6} {'q demo':>7}"
              f" {'q nat.':>7} {'warm':>5}  queries    cost")  # fmt: skip
    print(header)
    print("-" * len(header))
    for name, measured in load.items():
        if name.startswith("_") or name.startswith("floor"):
            continue
        cost = measured["p50_ms"] / (floor_signed_in if measured.get("signed_in") else floor)
        anon = measured["p50_ms"] / floor
        q_demo = (demo or {}).get(name, {}).get("queries")
        q_national = (national or {}).get(name, {}).get("queries")
        q_warm = (national or {}).get(name, {}).get("warm")
        queries_ok = q_demo is not None and q_demo == q_national and q_national <= TARGETS["queries"]
        print(f"{name:<32} {measured['rps']:>7} {measured['p50_ms']:>8} {measured['p95_ms']:>8} {cost:>5.1f}x"
              f" {anon:>5.1f}x {q_demo!s:>7} {q_national!s:>7} {q_warm!s:>5}  {verdict(queries_ok, name + ' queries'):<9}"
              f"  {verdict(cost <= TARGETS['cost'], name + ' cost')}")  # fmt: skip
    print()
    if jobs:
        print(f"Annual report figures, {jobs['organisation']} {jobs['year']}: {jobs['report_figures_s']} s "
              f"(target < {TARGETS['report_figures_s']} s): {verdict(jobs['report_figures_s'] < TARGETS['report_figures_s'], 'report figures')}")  # fmt: skip
        print(f"Annual report with PDF: {jobs['report_pdf_s']} s (target < {TARGETS['report_pdf_s']} s): "
              f"{verdict(jobs['report_pdf_s'] < TARGETS['report_pdf_s'], 'report PDF')}")  # fmt: skip
        if "january" in jobs:
            january = jobs["january"]
            print(
                f"January run: {january['reports']} reports ({january['done']} done) in {january['seconds']} s, one process"
            )
        print(f"Daily reminder sweep: {jobs['sweep_s']} s (target < {TARGETS['sweep_s']} s): "
              f"{verdict(jobs['sweep_s'] < TARGETS['sweep_s'], 'reminder sweep')}")  # fmt: skip
    stream = load["_ocds_stream"]
    print(f"OCDS package of every tender: {stream['megabytes']} MB in {stream['seconds']} s, web worker peak RSS "
          f"{stream['peak_rss_mb_after']} MB (target < {TARGETS['ocds_mb']} MB): "
          f"{verdict(stream['status'] == 200 and stream['peak_rss_mb_after'] < TARGETS['ocds_mb'], 'OCDS memory')}")  # fmt: skip
    print(f"\n{'Every target met.' if not missed else 'Missed: ' + ', '.join(missed)}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="step", required=True)
    sub.add_parser("queries").add_argument("label")
    sub.add_parser("jobs")
    load = sub.add_parser("load")
    load.add_argument("base_url")
    load.add_argument("master_pid", type=int)
    sub.add_parser("summary")
    args = parser.parse_args()
    if args.step == "queries":
        step_queries(args.label)
    elif args.step == "jobs":
        step_jobs()
    elif args.step == "load":
        step_load(args.base_url, args.master_pid)
    else:
        return step_summary()
    return 0


if __name__ == "__main__":
    sys.exit(main())
