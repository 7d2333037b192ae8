"""The Nu HTML checker (``vnu.jar`` from npm ``vnu-jar``) over a built site."""

import contextlib
import json
import shutil
import subprocess
from pathlib import Path

from chapar.checks.pages import html_files

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


class CheckerMissing(RuntimeError):
    """Java or vnu.jar is not installed (run ``invoke setup-tests``)."""


# Bytes of file names one run of the checker is given.  Linux refuses a command
# line over 2 MiB (with the environment): 20,000 articles' pages, about 38,000
# paths, made one run fail with "Argument list too long" (bench/bench_publish.py).
ARGUMENT_BYTES = 512 * 1024


def batches(files, limit=ARGUMENT_BYTES):
    """``files`` (strings) in runs whose names, with a separator each, fit in ``limit``
    bytes; every file in one run, in order, and at least one file a run.
    """
    run, size = [], 0
    for name in files:
        cost = len(name.encode()) + 1
        if run and size + cost > limit:
            yield run
            run, size = [], 0
        run.append(name)
        size += cost
    if run:
        yield run


# A run of at most this many files starts Java with its quick compiler only
# (-XX:TieredStopAtLevel=1): one page took 1.2 s instead of 1.9 s and 700 pages
# 9.2 s instead of 10.0 s, with a third to two thirds of the CPU (bench/bench_publish.py
# measures what a publish after an edit checks).  Larger runs keep Java's default.
QUICK_START_FILES = 1000


def java_options(files):
    """Java's options for one run of the checker over ``files`` (a count)."""
    return ["-Xss4m"] + (["-XX:TieredStopAtLevel=1"] if files <= QUICK_START_FILES else [])


# The checker's options.  Its language detection (on by default) only ever makes
# warnings, about a missing or mislabelled html[lang], and --errors-only drops
# them; it took 45% of the checker's time (1,500 article pages: 17.1 s against
# 10.3 s, bench/bench_publish.py measures the gates).
OPTIONS = ("--errors-only", "--no-langdetect", "--format", "json")


def vnu_errors(output_dir, vnu_jar=VNU_JAR, css=True, files=None, limit=ARGUMENT_BYTES):
    """``["path:line: message", ...]`` for every error the Nu checker reports
    in the site's HTML (and, with ``css``, in the theme's stylesheets), or
    only in ``files`` (paths of HTML files) when given.  The files go to the
    checker in :func:`batches` of at most ``limit`` bytes of names.
    """
    java = shutil.which("java")
    if java is None or not Path(vnu_jar).is_file():
        raise CheckerMissing(f"needs java and {vnu_jar}; run `invoke setup-tests`")
    root = Path(output_dir).resolve()
    if files is not None:  # with the same options: --also-check-css moves some lines by one
        files = [str(Path(p).resolve()) for p in files]
    else:
        files = [str(p) for p in html_files(root)]
        if css:
            files += [str(p) for p in sorted((root / "theme").rglob("*.css"))]
    options = ["-jar", str(vnu_jar), *OPTIONS]
    if css:
        options.append("--also-check-css")
    problems = []
    for run in batches(files, limit):
        problems += _run([java, *java_options(len(run)), *options, *run], root)
    return problems


def _run(command, root):
    """The problems of one run of the checker."""
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    except (ValueError, KeyError):
        return [f"vnu: {(run.stderr or run.stdout).strip()[:500]}"]
    problems = []
    for message in messages:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        url = message.get("url", "")
        path = url.removeprefix("file:")
        with contextlib.suppress(ValueError):
            path = Path(path).resolve().relative_to(root).as_posix()
        problems.append(f"{path}:{message.get('lastLine', 0)}: {message.get('message', '')}")
    return problems
