"""A built site served on 127.0.0.1, and Debian's chromium to look at it.

Used by the test suite's fixtures and by the publish gates, so both drive
the browser the same way (never ``playwright install``, which downloads a browser: README.md, the test command).
"""

import concurrent.futures
import contextlib
import functools
import queue
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


class Chromium:
    """Debian's chromium, launched now in a thread of its own, for work given later.

    ``invoke publish`` makes one before its build, so the browser's start-up
    (about 2 s, bench/bench_publish.py) overlaps the build instead of the
    gates.  Playwright's objects belong to the thread that made them, so the
    work runs there too: :meth:`submit` ``func(*args, browser=…, **kwargs)``
    returns a future; a browser that failed to start fails each future with
    the error.  :meth:`close` (or leaving ``with``) closes the browser.
    """

    def __init__(self):
        self._jobs = queue.Queue()
        # Imported here, before the thread starts: an import of playwright in the
        # thread while the build imports Pelican's plugins (which bypass the import
        # lock) failed once in CI with KeyError: 'playwright._impl._api_classes'.
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as exc:
            sync_playwright, self._missing = None, exc
        self._thread = threading.Thread(
            target=self._serve, args=(sync_playwright,), name="chromium", daemon=True
        )
        self._thread.start()

    def _serve(self, sync_playwright):
        with contextlib.ExitStack() as stack:
            browser = error = None
            try:
                if sync_playwright is None:
                    raise self._missing
                browser = launch_chromium(stack.enter_context(sync_playwright()))
                stack.callback(browser.close)
            except Exception as exc:  # noqa: BLE001 (each future says it)
                error = exc
            while (job := self._jobs.get()) is not None:
                func, args, kwargs, future = job
                try:
                    if error is not None:
                        raise error
                    future.set_result(func(*args, browser=browser, **kwargs))
                except Exception as exc:  # noqa: BLE001 (the future holds it)
                    future.set_exception(exc)

    def submit(self, func, *args, **kwargs):
        """Run ``func(*args, browser=<the browser>, **kwargs)`` in the browser's thread."""
        future = concurrent.futures.Future()
        self._jobs.put((func, args, kwargs, future))
        return future

    def close(self):
        """Close the browser once the work given so far is done."""
        self._jobs.put(None)
        self._thread.join()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
        return False


@contextlib.contextmanager
def browse(output_dir, siteurl="", viewport=(1366, 768), browser=None):
    """Yield ``open_page(relative path) -> page`` over the served site.

    Requests to an absolute ``siteurl`` (a publish build) are answered from
    the local folder; any other request leaving 127.0.0.1 is refused.
    ``browser``: a launched one (:class:`Chromium` gives it), else one is
    launched and closed here.
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
        with contextlib.ExitStack() as stack:
            if browser is None:
                browser = launch_chromium(stack.enter_context(sync_playwright()))
                stack.callback(browser.close)
            context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
            stack.callback(context.close)
            context.route("**/*", route)

            def open_page(rel):
                page = context.new_page()
                page.goto(f"{base}/{rel}")
                return page

            yield open_page
    finally:
        server.shutdown()
