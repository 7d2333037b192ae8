"""A built site served on 127.0.0.1, and Debian's chromium to look at it.

Used by the test suite's fixtures and by the publish gates, so both drive
the browser the same way (never ``playwright install``, which downloads a browser: README.md, the test command).
"""

import contextlib
import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _Handler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve_folder(folder):
    """Serve ``folder`` on 127.0.0.1 (random port) in a thread.

    Returns ``(server, base_url)``; folder URLs resolve to index.html, as on
    any static host.  Stop with ``server.shutdown()``.
    """
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Handler, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def launch_chromium(playwright):
    """A browser: headless Debian chromium (``/usr/bin/chromium``) launched by ``playwright``."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@contextlib.contextmanager
def browse(output_dir, siteurl="", viewport=(1366, 768)):
    """Yield ``open_page(relative path) -> page`` over the served site.

    Requests to an absolute ``siteurl`` (a publish build) are answered from
    the local folder; any other request leaving 127.0.0.1 is refused.
    """
    from playwright.sync_api import sync_playwright

    root = Path(output_dir).resolve()
    server, base = serve_folder(root)
    siteurl = siteurl.rstrip("/")

    def route(request_route):
        url = request_route.request.url
        if siteurl and url.startswith(siteurl + "/"):
            rel = url[len(siteurl) + 1 :].split("#")[0].split("?")[0]
            target = root / rel
            if target.is_dir() or not rel:
                target = target / "index.html"
            if target.is_file():
                request_route.fulfill(path=str(target))
            else:
                request_route.fulfill(status=404, body="")
        elif url.startswith((base, "data:", "blob:")):
            request_route.continue_()
        else:
            request_route.abort()

    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
            context.route("**/*", route)

            def open_page(rel):
                page = context.new_page()
                page.goto(f"{base}/{rel}")
                return page

            yield open_page
            browser.close()
    finally:
        server.shutdown()
