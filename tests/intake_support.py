"""Helpers for the intake tests and bench: a fixture site, the real service
in a subprocess on 127.0.0.1, and a small HTTP client.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = "http://127.0.0.1:8000"
SEED = 4385870
OTHER = 1000001  # an article whose comment folder only the load tests fill
DRAFT = 555

OTHER_ARTICLE = (
    f"Title: استاندار خراسان شمالی از دولت الکترونیک گفت\nDate: 1397/06/06 10:00\n"
    f"NewsCode: {OTHER}\n\n"
    "استاندار خراسان شمالی گفت اجرای کامل دولت الکترونیک در دستگاه‌های اجرایی استان "
    "رضایتمندی مردم را بیشتر می‌کند و شفافیت ادارات را افزایش می‌دهد.\n"
)
DRAFT_ARTICLE = (
    f"Title: پیش‌نویس\nDate: 1397/06/07 10:00\nNewsCode: {DRAFT}\nStatus: draft\n\n"
    "متن پیش‌نویس درباره دولت الکترونیک.\n"
)
EXISTING = {
    f"{SEED}/1.md": "Author: مریم\nDate: 1397/06/05 11:20\nEmail: maryam@example.com\n\n"
    "اجرای کامل دولت الکترونیک در خراسان شمالی لازم است.\n",
    f"{SEED}/held.md": "Author: خواننده\nDate: 1397/06/05 12:00\n\n"
    "قیمت گوجه و پیاز در میدان تره‌بار تهران این هفته دو برابر شده و "
    "فروشندگان ناراضی هستند.\n",
}


def intake_news():
    return {
        "1397/4385870.md": (ROOT / "content/news/1397/4385870.md").read_text(encoding="utf-8"),
        f"1397/{OTHER}.md": OTHER_ARTICLE,
        "1397/draft.md": DRAFT_ARTICLE,
    }


def on_topic(i):
    """A distinct comment that passes every rule on both articles."""
    from chapar.persian.text import to_persian_digits

    return (
        f"اجرای کامل دولت الکترونیک در دستگاه‌های اجرایی خراسان شمالی رضایتمندی مردم "
        f"را بیشتر می‌کند؛ نظر شماره {to_persian_digits(_serial(i))}"
    )


def _serial(i):
    """``i`` written with no digit twice in a row: the rules fold ``100`` and
    ``10`` into one word (repeated letters), and the duplicate check would
    take the second for the first.
    """
    digits = []
    while True:
        digits.append(i % 9)
        i //= 9
        if not i:
            break
    out, previous = [], None
    for d in reversed(digits):
        previous = [c for c in "0123456789" if c != previous][d]
        out.append(previous)
    return "".join(out)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    """``python -m chapar.intake`` on a free loopback port; ``stop()`` or ``kill()``.
    ``group=True`` runs it in a process group (a session) of its own, as a
    service manager does, so that ``kill_group()`` kills its git children too.
    """

    def __init__(self, site, *args, log=None, group=False):
        self.site = Path(site)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(log or self.site.parent / f"intake-{self.port}.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "chapar.intake",
                "--root",
                str(self.site),
                "--port",
                str(self.port),
                "--site-url",
                ORIGIN,
                *map(str, args),
            ],
            cwd=self.site,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=group,
        )
        self._wait_ready()

    def _wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"intake exited: {self.read_log()}")
            try:
                status, _, _ = request(self.base, "GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"intake did not start: {self.read_log()}")

    def read_log(self):
        self.log.flush()
        return Path(self.log.name).read_text(encoding="utf-8", errors="replace")

    def stop(self, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout)
        self.log.close()

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.log.close()

    def kill_group(self):
        """SIGKILL the service and every process of its group (``group=True``)."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.log.close()

    def health(self):
        """(HTTP status, the /healthz report)."""
        status, _, body = request(self.base, "GET", "/healthz")
        return status, json.loads(body)


@contextmanager
def running(site, *args):
    service = Service(site, *args)
    try:
        yield service
    finally:
        service.stop()


def request(base, method, path, body=None, headers=None, conn=None, timeout=10):
    """(status, headers with lower-case names, body bytes)."""
    own = conn is None
    if own:
        host, port = base.rsplit("//", 1)[1].split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        if own:
            conn.close()


def post(
    base,
    code,
    fields=None,
    *,
    as_json=False,
    origin=ORIGIN,
    client=None,
    body=None,
    content_type=None,
    headers=None,
    conn=None,
):
    """POST to /comments/<code> as the form (default) or the script (``as_json``)."""
    hdrs = {}
    if origin:
        hdrs["Origin"] = origin
    if client:
        hdrs["X-Forwarded-For"] = client
    if body is None:
        body = json.dumps(fields or {}).encode() if as_json else urlencode(fields or {}).encode()
    if content_type is None:
        content_type = "application/json" if as_json else "application/x-www-form-urlencoded"
    if content_type:
        hdrs["Content-Type"] = content_type
    if as_json:
        hdrs["Accept"] = "application/json"
    hdrs.update(headers or {})
    return request(base, "POST", f"/comments/{quote(str(code), safe='')}", body, hdrs, conn)


def comment_files(site, code):
    folder = Path(site) / "content" / "comments" / str(code)
    return sorted(folder.glob("*.md")) if folder.is_dir() else []
