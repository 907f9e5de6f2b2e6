"""The load generator's HTTP side: a browser session, timed and classified.

Every request goes to 127.0.0.1 with a timeout; every one is recorded in `Stats`
under the operation it belongs to, with its latency and its outcome:

- ``ok``;
- ``refused``: an error Odoo meant for the user (odoo.exceptions.*, the addon's
  ProcessMoveRefused), e.g. a stage drag the gate refuses. Expected, not an error;
- ``http_5xx``: the server answered 500..599 (a worker killed, no database);
- ``concurrency``: a serialization failure or deadlock that reached the client
  after Odoo's own retries (odoo/service/model.py retries 5 times);
- ``server_error``: any other traceback (e.g. the database went away mid-request);
- ``logged_out``: a JSON route answered 404: the request was served without a
  database, Odoo having logged the session out when the database did not answer
  (odoo/http.py, RegistryError); the user logs in again;
- ``timeout`` and ``connection``: no answer in time, or the connection lost. A
  host that refuses the connection (stopped) is skipped for the other one, as a
  proxy does: counted as a failover, not an error.
"""

import http.cookiejar
import json
import random
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict

REQUEST_TIMEOUT = 60  # seconds; Odoo's own limit_time_real is 120
CONCURRENCY_ERRORS = (
    "SerializationFailure",
    "TransactionRollbackError",
    "DeadlockDetected",
    "LockNotAvailable",
)
CLEAN_ERRORS = ("odoo.exceptions.", "odoo.addons.mindx_helpdesk_process.exceptions.")
# HTTP requests sent, and those a stopped host refused and the other host
# served (Browser.send)
FAILOVERS = {"count": 0, "requests": 0}
FAILOVERS_LOCK = threading.Lock()
# outcomes after which a write may or may not have been committed
AMBIGUOUS = ("http_5xx", "server_error", "timeout", "connection")


class RequestFailed(Exception):
    """A request that did not succeed; `kind` is its outcome (module docstring)."""

    def __init__(self, kind, detail):
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail = kind, detail


class Stats:
    """Latencies and outcomes by (database key, operation), thread-safe; the
    current phase of the run tags each sample (faults are told apart)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.samples = defaultdict(list)  # (db, op) -> [(phase, seconds, outcome)]
        self.errors = []  # (phase, db, op, kind, detail) of every non-ok outcome
        self.phase = "steady"

    def record(self, db, op, seconds, outcome, detail=""):
        with self.lock:
            self.samples[(db, op)].append((self.phase, seconds, outcome))
            if outcome != "ok":
                self.errors.append((self.phase, db, op, outcome, detail[:300]))

    def timed(self, db, op, func):
        """func() timed under `op`; its RequestFailed recorded and re-raised."""
        start = time.perf_counter()
        try:
            result = func()
        except RequestFailed as failure:
            self.record(
                db, op, time.perf_counter() - start, failure.kind, failure.detail
            )
            raise
        self.record(db, op, time.perf_counter() - start, "ok")
        return result


def _classify(name, message):
    if any(word in name or word in message for word in CONCURRENCY_ERRORS):
        return "concurrency"
    if name.startswith(CLEAN_ERRORS):
        return "refused"
    return "server_error"


class Browser:
    """One user's web session on the two hosts (its cookie is valid on both: they
    share the filestore's session store), as the web client talks to Odoo."""

    def __init__(self, hosts, db, login, password):
        self.hosts, self.db, self.login, self.password = hosts, db, login, password
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar)
        )
        self.turn = random.randrange(len(hosts))
        self.uid = None

    def next_host(self):
        """The hosts in turn (what a round-robin proxy does)."""
        self.turn = (self.turn + 1) % len(self.hosts)
        return self.hosts[self.turn]

    def send(self, path, data=None, headers=None, host=None):
        """The answer's body from `host` (else the next one in turn). A host
        that refuses the connection got nothing: the request goes to the other
        one, as a proxy does (nginx's proxy_next_upstream error)."""
        host = host or self.next_host()
        with FAILOVERS_LOCK:
            FAILOVERS["requests"] += 1
        try:
            return self._open(urllib.request.Request(host + path, data, headers or {}))
        except RequestFailed as failure:
            if failure.kind != "connection" or "refused" not in failure.detail.lower():
                raise
            others = [other for other in self.hosts if other != host]
            if not others:
                raise
            with FAILOVERS_LOCK:
                FAILOVERS["count"] += 1
            return self._open(
                urllib.request.Request(others[0] + path, data, headers or {})
            )

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            # a JSON route answers 404 when the request was served without a
            # database: Odoo logs a session out when its database did not answer
            kind = (
                "http_5xx"
                if error.code >= 500
                else "logged_out"
                if error.code == 404
                else "http_4xx"
            )
            raise RequestFailed(kind, f"HTTP {error.code} {request.full_url}") from None
        except TimeoutError as error:
            raise RequestFailed("timeout", str(error)) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError):
                raise RequestFailed("timeout", str(reason)) from None
            raise RequestFailed("connection", str(reason)) from None

    def json(self, path, params, host=None):
        """A JSON-RPC call of the web client's routes; its result."""
        payload = {"jsonrpc": "2.0", "method": "call", "params": params, "id": 1}
        body = self.send(
            path,
            json.dumps(payload).encode(),
            {"Content-Type": "application/json"},
            host,
        )
        answer = json.loads(body)
        if "error" in answer:
            data = answer["error"].get("data") or {}
            name, message = data.get("name", ""), data.get("message", "")
            raise RequestFailed(_classify(name, message), f"{name}: {message}")
        return answer.get("result")

    def get(self, path):
        """A plain GET (a report's PDF); its body."""
        return self.send(path)

    def authenticate(self):
        result = self.json(
            "/web/session/authenticate",
            {"db": self.db, "login": self.login, "password": self.password},
        )
        self.uid = result["uid"]
        return self.uid

    def call(self, model, method, *args, **kwargs):
        """What the web client's ORM service posts to /web/dataset/call_kw."""
        return self.json(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )


def xmlrpc_call(hosts, db, uid, password, model, method, *args):
    """One XML-RPC execute_kw on the first of `hosts` (through the "proxy"), as
    odoo-mailgate.py posts an email; its result."""
    import xmlrpc.client

    body = xmlrpc.client.dumps(
        (db, uid, password, model, method, list(args)), "execute_kw", allow_none=True
    ).encode()
    browser = Browser(hosts, db, None, None)
    raw = browser.send("/xmlrpc/2/object", body, {"Content-Type": "text/xml"}, hosts[0])
    try:
        return xmlrpc.client.loads(raw)[0][0]
    except xmlrpc.client.Fault as fault:
        kind = _classify(str(fault.faultCode), fault.faultString)
        if fault.faultCode in (2, 3, 4):
            kind = "refused"
        raise RequestFailed(kind, fault.faultString[-300:]) from None
