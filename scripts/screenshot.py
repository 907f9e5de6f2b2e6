"""Take screenshots of the running Odoo as a logged-in user, with headless Chromium.

Usage: .venv/bin/python scripts/screenshot.py URL_PATH OUT.png [--login admin
--password admin --db mindx_demo --base http://localhost:8069 --width 1440
--height 1000 --wait 4] [--click CSS_SELECTOR ...] [--step-wait 3]

It logs in through JSON-RPC, hands the session cookie to Chromium over the DevTools
protocol, opens the page, waits for the web client to settle, clicks each
--click selector in turn (":text(Label)" at the end of a selector keeps the
elements whose text contains Label, to reach a button by its label) and saves a
PNG. scripts/screenshots.sh takes the README's set from the demo database.
"""

import argparse
import base64
import json
import subprocess
import tempfile
import time
import urllib.request

import websocket


def login(base, db, user, password):
    payload = json.dumps(
        {"jsonrpc": "2.0", "params": {"db": db, "login": user, "password": password}}
    ).encode()
    request = urllib.request.Request(
        f"{base}/web/session/authenticate",
        data=payload,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        # several cookies (the portal language's too): the session's is one of them
        cookies = response.headers.get_all("Set-Cookie") or []
    (session,) = (c for c in cookies if c.startswith("session_id="))
    return session.split("session_id=")[1].split(";")[0]


def devtools_socket(port):
    for _attempt in range(50):
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/json", timeout=2
            ) as r:
                pages = [p for p in json.load(r) if p["type"] == "page"]
            if pages:
                return websocket.create_connection(pages[0]["webSocketDebuggerUrl"])
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("Chromium did not open its DevTools port")


class Page:
    def __init__(self, socket):
        self.socket, self.next_id = socket, 0

    def call(self, method, **params):
        self.next_id += 1
        self.socket.send(
            json.dumps({"id": self.next_id, "method": method, "params": params})
        )
        while True:
            answer = json.loads(self.socket.recv())
            if answer.get("id") == self.next_id:
                return answer.get("result", {})


CLICK_JS = """
(() => {
    const [css, text] = %s;
    const found = [...document.querySelectorAll(css)].filter(
        (el) => !text || el.textContent.includes(text)
    );
    if (!found.length) return false;
    found[0].click();
    return true;
})()
"""


def click(page, selector):
    css, _, text = selector.partition(":text(")
    arguments = json.dumps([css, text[:-1] if text else ""])
    result = page.call("Runtime.evaluate", expression=CLICK_JS % arguments)
    if not result.get("result", {}).get("value"):
        raise SystemExit(f"nothing to click for {selector!r}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("out")
    parser.add_argument("--base", default="http://localhost:8069")
    parser.add_argument("--db", default="mindx_demo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--wait", type=float, default=4)
    parser.add_argument("--click", action="append", default=[])
    parser.add_argument("--step-wait", type=float, default=3)
    # the web client shows times in the browser's zone: the demo team's
    parser.add_argument("--tz", default="Asia/Ho_Chi_Minh")
    args = parser.parse_args()
    session = login(args.base, args.db, args.login, args.password)
    port = 9222 + int(time.time()) % 500
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        browser = subprocess.Popen(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                f"--remote-debugging-port={port}",
                f"--window-size={args.width},{args.height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            page = Page(devtools_socket(port))
            page.call("Network.enable")
            page.call("Emulation.setTimezoneOverride", timezoneId=args.tz)
            host = args.base.split("//")[1].split(":")[0]
            page.call(
                "Network.setCookie",
                name="session_id",
                value=session,
                domain=host,
                path="/",
            )
            page.call("Page.navigate", url=args.base + args.path)
            time.sleep(args.wait)
            for selector in args.click:
                click(page, selector)
                time.sleep(args.step_wait)
            shot = page.call("Page.captureScreenshot", format="png")
            with open(args.out, "wb") as out:
                out.write(base64.b64decode(shot["data"]))
        finally:
            browser.terminate()
            browser.wait(timeout=20)


if __name__ == "__main__":
    main()
