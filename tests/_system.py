"""What the system tests share: odoo-bin in subprocesses, databases of their own.

System tests drive real odoo-bin processes (install, shell, HTTP server) and real
transactions. They cannot use the test database for that: pytest-odoo runs every
test inside one of its transactions, never committed, so anything another process
or another transaction must see needs a database of its own.

Every database made here is named after the test database plus a random suffix and
every server listens on a port the OS reported free, so that two runs at once never
collide; every database is dropped at the end (of the test, or of the session for
the shared ones).

What runs inside `odoo-bin shell` is a script of tests/shell/ (tests/shell/README.md),
named by its file and given its parameters as JSON: `odoo_bin(db, script=...,
params=...)`, or `shell_json` for the RESULT it prints.

A running server (`OdooServer`) is driven over JSON-RPC or XML-RPC by `RpcClient`
(a user logged in once); `log_step` and `send_step_email` do a step the way the
web client does (the button's action, then its dialog or composer).
"""

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
import xmlrpc.client

import pytest

import odoo
from odoo.sql_db import close_db, db_connect

ADDON = "mindx_helpdesk_process"
ODOO_BIN = os.path.join(odoo.tools.config["root_path"], os.pardir, "odoo-bin")
SHELL_SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "shell")
# the environment variable that carries a shell script's parameters, as JSON
SHELL_PARAMS = "MINDX_SHELL_PARAMS"


def odoo_bin(db, *args, script=None, params=None, timeout=600):
    """odoo-bin on `db` with the run's config.

    `script`: the name of a file of tests/shell/, run in `odoo-bin shell` (the
    file is the shell's standard input), with `params` (anything JSON can hold)
    in the environment variable MINDX_SHELL_PARAMS.

    Fails on a non-zero exit or an ERROR line: both mean the admin would have seen
    the command fail.
    """
    cmd = [sys.executable, ODOO_BIN]
    source = environ = None
    if script is not None:
        cmd += ["shell", "--no-http"]
        with open(os.path.join(SHELL_SCRIPTS, script), encoding="utf-8") as file:
            source = file.read()
        environ = dict(os.environ, **{SHELL_PARAMS: json.dumps(params or {})})
    cmd += ["-c", odoo.tools.config.rcfile, "-d", db, "--log-level=warn"]
    cmd += list(args)
    result = subprocess.run(
        cmd,
        input=source,
        env=environ,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " ERROR " not in result.stderr, result.stderr
    return result.stdout


def shell_json(db, script, params=None, tag="RESULT"):
    """Run `script` (a file of tests/shell/) in `odoo-bin shell` and decode the
    JSON it printed after `tag`."""
    out = odoo_bin(db, script=script, params=params)
    lines = [line for line in out.splitlines() if line.startswith(tag + " ")]
    assert lines, out
    return json.loads(lines[-1][len(tag) + 1 :])


def sql(db, query, params=None):
    with db_connect(db).cursor() as cr:
        cr.execute(query, params)
        return cr.fetchall()


def new_db_name(tag):
    return "{}_{}_{}".format(odoo.tools.config["db_name"], tag, uuid.uuid4().hex[:6])


def drop_database(name):
    """Drop a database of ours, whoever is still connected, and its filestore."""
    odoo.modules.registry.Registry.delete(name)
    close_db(name)
    with db_connect("postgres").cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    shutil.rmtree(odoo.tools.config.filestore(name), ignore_errors=True)


def copy_database(template, name):
    """A copy of `template` (nobody may be connected to it), filestore included."""
    with db_connect("postgres").cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    source = odoo.tools.config.filestore(template)
    if os.path.isdir(source):
        shutil.copytree(source, odoo.tools.config.filestore(name))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _session_database(request, key, build):
    """A database built once per pytest session by `build(name)`, dropped at its end.

    Installing Odoo's base modules takes most of a system test's time; the tests
    that only need "a committed database with X installed" share one.
    """
    cache = request.config.stash.setdefault(_SESSION_DATABASES, {})
    if key not in cache:
        name = new_db_name(key)
        request.config.add_cleanup(lambda: drop_database(name))
        build(name)
        cache[key] = name
    return cache[key]


_SESSION_DATABASES = pytest.StashKey[dict]()


def helpdesk_template(request):
    """helpdesk_mgmt without demo data: a helpdesk before our addon arrives.

    Only ever copied (CREATE DATABASE ... TEMPLATE), never connected to after its
    install, so that copies can be made at any time.
    """
    return _session_database(
        request,
        "hdtpl",
        lambda name: odoo_bin(
            name, "-i", "helpdesk_mgmt", "--without-demo=all", "--stop-after-init"
        ),
    )


@contextlib.contextmanager
def used_helpdesk_copy(request, tag):
    """A fresh copy of the helpdesk_mgmt template for one test, dropped after."""
    name = new_db_name(tag)
    copy_database(helpdesk_template(request), name)
    try:
        yield name
    finally:
        drop_database(name)


def addon_database(request):
    """A committed database with the addon installed (no demo data) and its cast
    (tests/shell/setup_addon_database.py).

    Returns (name, ids of the cast). Shared by the session's system tests: each
    test makes the tickets it works on and looks at those only.
    """
    cache = request.config.stash.setdefault(_SESSION_DATABASES, {})

    def build(name):
        copy_database(helpdesk_template(request), name)
        odoo_bin(name, "-i", ADDON, "--without-demo=all", "--stop-after-init")
        cache["addon_cast"] = shell_json(name, "setup_addon_database.py")

    name = _session_database(request, "sysdb", build)
    return name, cache["addon_cast"]


class OdooServer:
    """`odoo-bin` serving HTTP on `db` (the README's run path), crons off.

    Started on free ports; ready once /web/login answers; stopped by its own pid.
    The log goes to a file, read by the tests (e.g. no ERROR line).
    """

    def __init__(self, db, log_dir):
        self.db = db
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.logfile = os.path.join(log_dir, f"odoo-{self.port}.log")
        self.process = None

    def start(self, timeout=120):
        cmd = [
            sys.executable,
            ODOO_BIN,
            "-c",
            odoo.tools.config.rcfile,
            "-d",
            self.db,
            "--db-filter",
            f"^{self.db}$",
            "--http-interface=127.0.0.1",
            f"--http-port={self.port}",
            f"--gevent-port={free_port()}",
            "--max-cron-threads=0",
            "--workers=0",
            "--log-level=warn",
            f"--logfile={self.logfile}",
        ]
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log()
            try:
                with urllib.request.urlopen(
                    f"{self.url}/web/login", timeout=10
                ) as resp:
                    if resp.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        raise AssertionError(f"odoo-bin did not answer in {timeout}s:\n{self.log()}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self):
        if not os.path.exists(self.logfile):
            return ""
        with open(self.logfile, encoding="utf-8") as log:
            return log.read()


# XML-RPC fault codes of Odoo's exceptions (odoo/addons/base/controllers/rpc.py):
# UserError and ValidationError 2, AccessDenied 3, AccessError 4; 1 is a traceback.
XMLRPC_CLEAN_FAULTS = {2, 3, 4}


# the addon's own exceptions, UserErrors for every caller (exceptions.py)
CLEAN_ADDON_ERRORS = {
    "odoo.addons.mindx_helpdesk_process.exceptions.ProcessMoveRefused"
}


class RpcFault(Exception):
    """A fault as either protocol returns it: exception name (JSON) or fault code
    (XML), and the message the client shows."""

    def __init__(self, protocol, kind, message):
        super().__init__(f"{protocol} {kind}: {message}")
        self.protocol, self.kind, self.message = protocol, kind, message

    @property
    def clean(self):
        """One of Odoo's exceptions (or the addon's UserError that carries a way
        forward): the message is meant for the user."""
        if self.protocol == "json":
            return (
                self.kind.startswith("odoo.exceptions.")
                or self.kind in CLEAN_ADDON_ERRORS
            )
        return self.kind in XMLRPC_CLEAN_FAULTS and "Traceback" not in self.message


class RpcClient:
    """A user of a running server over JSON-RPC (/jsonrpc) or XML-RPC (/xmlrpc/2),
    logged in once (password hashing is slow on purpose)."""

    def __init__(self, url, db, login, password, protocol="json"):
        self.url, self.db, self.protocol = url, db, protocol
        self.password = password
        self.uid = self._json("common", "login", db, login, password)
        assert self.uid, f"{login} cannot log in"

    def _json(self, service, method, *args):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": args},
            "id": 1,
        }
        request = urllib.request.Request(
            f"{self.url}/jsonrpc",
            json.dumps(payload).encode(),
            {"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.load(response)
        if "error" in answer:
            data = answer["error"]["data"]
            raise RpcFault("json", data["name"], data["message"])
        return answer.get("result")  # left out when the method returned None

    def __call__(self, model, method, *args, **kwargs):
        call = (self.db, self.uid, self.password, model, method, list(args), kwargs)
        if self.protocol == "json":
            return self._json("object", "execute_kw", *call)
        proxy = xmlrpc.client.ServerProxy(
            f"{self.url}/xmlrpc/2/object", allow_none=True
        )
        try:
            return proxy.execute_kw(*call)
        except xmlrpc.client.Fault as fault:
            raise RpcFault("xml", fault.faultCode, fault.faultString) from None

    def fault(self, model, method, *args, **kwargs):
        """The fault the call raises (the test fails if it succeeds)."""
        with pytest.raises(RpcFault) as caught:
            self(model, method, *args, **kwargs)
        return caught.value


def log_step(client, ticket_id, step, **values):
    """Confirm an internal step's dialog over RPC as the web client does: the
    action of the step's button, its wizard created in the action's context with
    the dialog's `values`, then confirmed."""
    action = client("helpdesk.ticket", f"action_process_{step}", [ticket_id])
    model, context = action["res_model"], action["context"]
    wizard = client(model, "create", values, context=context)
    client(model, "action_confirm", [wizard], context=context)


def send_step_email(client, ticket_id, step, **context):
    """Send a customer step's email over RPC as the web client does: the composer
    the step's button opens (its action's context, plus `context`), sent as the
    template wrote it."""
    action = client("helpdesk.ticket", f"action_process_{step}", [ticket_id])
    context = dict(action["context"], **context)
    composer = client(action["res_model"], "create", {}, context=context)
    client(action["res_model"], "action_send_mail", [composer], context=context)
