"""A load generator for the topology: public pages, signed-in pages and form posts, each request recorded.

Each thread loops over its kind of request on a new connection every time (as browsers behind many NATs look to a
balancer). A form post first GETs the page, takes every hidden input of the form (CSRF and any one-time token)
and the form's cookies, then posts; it is *acknowledged* when the portal answered with its redirect after
success. Every request keeps its start and end, so the figures can say how many were in flight at a moment.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit


@dataclass
class Request:
    kind: str  # "public", "signed-in", "post"
    path: str
    started: float
    ended: float = 0.0
    status: int = 0
    error: str = ""
    key: str = ""  # for a post: the unique text it wrote

    @property
    def ok(self) -> bool:
        return self.status in (200, 302) and not self.error


class _FormParser(HTMLParser):
    """The POST forms of a page: action, hidden inputs, and the names of their other fields."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.forms.append({"action": attrs.get("action") or "", "hidden": {}, "fields": set()})
        elif self.forms and tag in ("input", "textarea", "select") and attrs.get("name"):
            if tag == "input" and attrs.get("type") == "hidden":
                self.forms[-1]["hidden"][attrs["name"]] = attrs.get("value") or ""
            else:
                self.forms[-1]["fields"].add(attrs["name"])


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    found = {}
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            found[name.strip()] = rest.split(";", 1)[0]
    return found


@dataclass
class Load:
    base_url: str
    public_paths: list[str]
    signed_in: list[tuple[str, str]]  # (cookie, path)
    posts: list[
        tuple[str, str, str, dict]
    ]  # (cookie, form page, the field to fill with the key, other fields)
    threads: int = 6
    requests: list[Request] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def _send(
        self, kind: str, method: str, path: str, cookie: str = "", body: dict | None = None, key: str = ""
    ):
        parts = urlsplit(self.base_url)
        request = Request(kind=kind, path=path, started=time.monotonic(), key=key)
        with self._lock:
            self.requests.append(request)
        headers = {"Host": parts.netloc}
        if cookie:
            headers["Cookie"] = cookie
        data = None
        if body is not None:
            data = urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        response = None
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            content = response.read()
            request.status = response.status
            # Header names as sent: HAProxy lowercases them, gunicorn alone does not.
            if response.status == 302 and body is not None and not response.getheader("Location"):
                request.error = "redirect without Location"
            return request, response, content
        except (OSError, http.client.HTTPException) as error:
            request.error = f"{type(error).__name__}: {error}"
            return request, response, b""
        finally:
            request.ended = time.monotonic()
            connection.close()

    def _post(self, cookie: str, page: str, field_name: str, extra: dict) -> None:
        request, response, content = self._send("post", "GET", page, cookie)
        if not request.ok or response is None:
            return
        parser = _FormParser()
        parser.feed(content.decode("utf-8", "replace"))
        form = next((f for f in parser.forms if field_name in f["fields"]), None)
        if form is None:
            request.error = f"no form with {field_name} on {page}"
            return
        jar = dict(part.split("=", 1) for part in cookie.split("; ") if "=" in part)
        jar.update(_cookies(response))
        key = f"lasttest-{uuid.uuid4().hex[:12]}"
        body = {**form["hidden"], **extra, field_name: f"Felrapport {key} under lasttestet."}
        self._send("post", "POST", form["action"] or page, "; ".join(f"{k}={v}" for k, v in jar.items()),
                   body=body, key=key)  # fmt: skip

    def _loop(self, number: int) -> None:
        step = number
        while not self._stop.is_set():
            choice = step % 3
            step += self.threads
            if choice == 0 or not (self.signed_in or self.posts):
                self._send("public", "GET", self.public_paths[step % len(self.public_paths)])
            elif choice == 1 and self.signed_in:
                cookie, path = self.signed_in[step % len(self.signed_in)]
                self._send("signed-in", "GET", path, cookie)
            elif self.posts:
                cookie, page, field_name, extra = self.posts[step % len(self.posts)]
                self._post(cookie, page, field_name, extra)

    def start(self) -> Load:
        self._threads = [
            threading.Thread(target=self._loop, args=(n,), daemon=True) for n in range(self.threads)
        ]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=90)

    def in_flight(self, at: float) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r.started <= at and (r.ended == 0 or r.ended > at))

    def figures(self) -> dict:
        done = [r for r in self.requests if r.ended]
        latencies = sorted(r.ended - r.started for r in done if r.ok) or [0.0, 0.0]
        span = (max(r.ended for r in done) - min(r.started for r in done)) if done else 1
        quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0]] * 99
        return {
            "requests": len(done),
            "errors": sum(1 for r in done if not r.ok),
            "rps": round(len(done) / span, 1) if span else 0,
            "p50_ms": round(statistics.median(latencies) * 1000, 1),
            "p95_ms": round(quantiles[94] * 1000, 1),
            "by_kind": {k: sum(1 for r in done if r.kind == k) for k in ("public", "signed-in", "post")},
        }


def bench_two_nodes(topology) -> int:
    """bench.sh's last step: the same mixed read load through the balancer with two nodes, then with one."""
    import json
    import os
    from pathlib import Path

    topology.start(beat=False)
    cookie = topology.session_cookie(topology.manage(
        "import sys; sys.path.insert(0, 'scripts'); import bench_pages; print(bench_pages.user_for('coordinator').email)"
    ))  # fmt: skip
    public = ["/", "/foretag/", "/upphandlingar/"]
    signed = [(cookie, "/oversikt/samordnare/")]
    seconds = float(os.environ.get("BENCH_TOPOLOGY_SECONDS", "8"))
    figures = {}
    # Unmeasured first: the nodes' first requests load templates and translations and fill the cache of page
    # parts; without this the two-node figure (measured first) carried that cost and came out below one node's.
    warmup = Load(topology.url(), public_paths=public, signed_in=signed, posts=[], threads=8).start()
    time.sleep(float(os.environ.get("BENCH_WARMUP", "2")))
    warmup.stop()
    for label in ("two", "one"):
        if label == "one":
            topology.kill("web-b")
            topology.wait_for("web-b", "DOWN")
        load = Load(topology.url(), public_paths=public, signed_in=signed, posts=[], threads=8).start()
        time.sleep(seconds)
        load.stop()
        figures[label] = load.figures()
        print(f"  {label} node(s): {figures[label]}")
    result = {**figures["two"], "one_node_rps": figures["one"]["rps"], "one_node": figures["one"]}
    out = Path(os.environ.get("BENCH_OUT", "var/bench"))
    out.mkdir(parents=True, exist_ok=True)
    (out / "topology.json").write_text(json.dumps(result, indent=2))
    return 1 if figures["two"]["errors"] or figures["one"]["errors"] else 0
