"""Editor and CI commands: ``invoke --list`` shows them."""

import logging
import os
import shlex
import sys
from pathlib import Path

from invoke import task

ROOT = Path(__file__).resolve().parent

CONFIG = {
    "settings": ROOT / "pelicanconf.py",
    "publish_settings": ROOT / "publishconf.py",
    "output": ROOT / "output",
    "content": ROOT / "content",
    "host": "127.0.0.1",
    "port": 8000,
}


def _below_error(record):
    return record.levelno < logging.ERROR


def _setup_logging():
    from pelican.log import init as init_logging

    # Errors are collected and printed once, as path:line: message, at the end.
    # (A named filter: livereload calls this per rebuild, addFilter keeps one.)
    init_logging(logging.WARNING)
    for handler in logging.getLogger().handlers:
        handler.addFilter(_below_error)


def _run_build(func, **overrides):
    from chapar.build.errors import BuildError

    os.chdir(ROOT)
    _setup_logging()
    try:
        return func(**overrides)
    except BuildError as error:
        print("\n".join(error.problems), file=sys.stderr)
        count = len(error.problems)
        sys.exit(f"build failed: {count} problem(s); output/ was left as it was")


@task
def build(c, settings=None):
    """Build the site into output/ (output/ is replaced only if the build succeeds)."""
    from chapar.build import runner

    out = _run_build(
        runner.build,
        settings_file=settings or CONFIG["settings"],
        output=CONFIG["output"],
    )
    print(f"built {out}")


@task
def check(c, settings=None):
    """Validate all content and data; write nothing, same messages as build."""
    from chapar.build import runner
    from chapar.news.item import scheduled_items
    from chapar.persian.dates import build_time, format_date

    _run_build(runner.check, settings_file=settings or CONFIG["settings"])
    print("no problems found")
    for date, path in scheduled_items(CONFIG["content"] / "news", build_time()):
        print(
            f"scheduled: {path.relative_to(ROOT)} goes live at {format_date(date)} ({date.isoformat()})"
        )


@task
def clean(c):
    """Remove output/ and the content cache."""
    import shutil

    for folder in (CONFIG["output"], ROOT / "cache"):
        shutil.rmtree(folder, ignore_errors=True)


@task
def serve(c, port=CONFIG["port"]):
    """Serve output/ on http://127.0.0.1:PORT/ (build first)."""
    from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer

    server = RootedHTTPServer(
        str(CONFIG["output"]), (CONFIG["host"], int(port)), ComplexHTTPRequestHandler
    )
    print(f"serving output/ on http://{CONFIG['host']}:{port}/ (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


@task
def livereload(c, port=CONFIG["port"]):
    """Rebuild on every change and reload the browser (uses the content cache)."""
    from livereload import Server

    def rebuild():
        try:
            build(c)
        except SystemExit as failed:  # a mistake: report it, keep serving the last good site
            print(failed, file=sys.stderr)

    rebuild()
    server = Server()
    for pattern in ("content/**/*", "data/**/*", "theme/**/*", "plugins/**/*.py", "*.py"):
        server.watch(pattern, rebuild)
    server.serve(host=CONFIG["host"], port=int(port), root=str(CONFIG["output"]))


@task(help={"title": "the headline of the new item"})
def new(c, title, category=""):
    """Create a news item with the next free NewsCode and the current Jalali time."""
    from chapar.news.item import create_news_item

    path = create_news_item(CONFIG["content"] / "news", title, category=category)
    print(path.relative_to(ROOT))


@task(
    help={
        "approve": "publish comment NEWSCODE/ID whatever the rules say (Status: approved)",
        "reject": "never publish comment NEWSCODE/ID (Status: rejected)",
        "queue": "print only the comments waiting for a moderator (nothing when none: for cron)",
    }
)
def moderation(c, approve=None, reject=None, queue=False):
    """List every comment with its decision (published/held/rejected), rule and reason."""
    from chapar.cli import moderation as cli

    if queue:
        text = cli.queue(ROOT)
        if text:
            print(text)
        return

    for key, status in ((approve, "approved"), (reject, "rejected")):
        if key:
            try:
                path = cli.set_status(ROOT, key, status)
            except LookupError as error:
                sys.exit(str(error))
            print(f"{key}: Status: {status} ({path.relative_to(ROOT)})")
    os.chdir(ROOT)
    rows, problems = cli.collect(ROOT)
    if problems:
        print("\n".join(map(str, problems)), file=sys.stderr)
        sys.exit(f"{len(problems)} problem(s) in the comments or rules")
    print(cli.table(rows))


@task(
    help={
        "add": "add moderator NAME (the password is asked for, never on the command line)",
        "remove": "remove moderator NAME (their sessions end)",
        "password": "set a new password for moderator NAME (their sessions end)",
        "email": "with --add: the address of NAME's git commits (default NAME@desk)",
    }
)
def moderator(c, add=None, remove=None, password=None, email=""):
    """Manage the moderators' desk accounts in data/moderation/moderators.toml (Argon2 hashes)."""
    from chapar.cli import moderation as cli

    try:
        print(cli.manage_moderator(ROOT, add=add, remove=remove, password=password, email=email))
    except ValueError as error:
        sys.exit(f"moderator: {error}")


@task(
    help={
        "remote": "git remote name or URL (default origin)",
        "branch": "branch that holds the published site (default gh-pages)",
        "dry_run": "build and run every gate, but do not push",
        "siteurl": "absolute site URL (default: $SITEURL, else publishconf.py)",
        "to": "upload to an object store instead (an rclone remote: site:bucket/path)",
        "full": "run every gate on every page (default: the pages changed since the last pass)",
    }
)
def publish(
    c, remote="origin", branch="gh-pages", dry_run=False, siteurl=None, to=None, full=False
):
    """Build with publishconf.py, run the gates, push output/ to a branch (nothing on failure)."""
    from chapar.build import runner

    # the replaced site is deleted once this one is live, not beside the gates
    with runner.deferred_cleanup():
        _publish(c, remote, branch, dry_run, siteurl, to, full)


def _publish(c, remote, branch, dry_run, siteurl, to, full):
    """:func:`publish`, while the site it replaces is kept."""
    from chapar.build import runner
    from chapar.checks.html import CheckerMissing
    from chapar.comments.withheld import Collected
    from chapar.publishing import PublishError, publish_folder, source_revision
    from chapar.publishing.changed import run_changed_gates
    from chapar.publishing.gates import confirming
    from chapar.publishing.objectstore import upload

    _ensure_checkers(c)
    siteurl = siteurl or os.environ.get("SITEURL")
    overrides = {"SITEURL": siteurl, "FEED_DOMAIN": siteurl} if siteurl else {}
    with Collected() as withheld:  # the texts the build's comment pass withholds
        out = _run_build(
            runner.build,
            settings_file=CONFIG["publish_settings"],
            output=CONFIG["output"],
            **overrides,
        )
    settings = runner.load_settings(CONFIG["publish_settings"], **overrides)
    if withheld.texts is None:  # no pass reported: the whole site's, read here
        secrets, confirm, source = _secrets(), None, "read from every comment"
    else:  # a line found is asked of the whole site's (chapar/comments/withheld.py)
        secrets, confirm, source = withheld.texts, confirming(_secrets), "named by the build"
    print(f"privacy gate: {len(secrets)} withheld comment text(s), {source}")
    try:
        results, summary = run_changed_gates(
            out,
            settings["SITEURL"],
            secrets=secrets,
            state=ROOT / "cache" / "gates.json",
            site_fingerprint=_site_fingerprint(settings["SITEURL"]),
            full=full,
            confirm=confirm,
        )
    except CheckerMissing as error:
        sys.exit(f"publish stopped: a gate's tool is missing ({error}); nothing was pushed")
    print(
        f"gates: {'every page' if summary['full'] else 'what changed'}: "
        f"{summary['checked pages']} of {summary['pages']} pages "
        f"({summary['changed']} file(s) changed, {summary['removed']} removed since the last pass)"
    )
    failed = False
    for gate, problems in results.items():
        print(f"gate {gate}: {'ok' if not problems else f'{len(problems)} problem(s)'}")
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        failed = failed or bool(problems)
    if failed:
        sys.exit("publish stopped: a gate failed; nothing was pushed")
    if to:
        try:
            counts = upload(out, to, dry_run=dry_run)
        except PublishError as error:
            sys.exit(f"publish stopped: {error}")
        print(
            f"{'would upload' if dry_run else 'uploaded'} {counts['transfers']} changed file(s), "
            f"{'would delete' if dry_run else 'deleted'} {counts['deletes']}, "
            f"{counts['checks']} unchanged, to {to}"
        )
        return
    revision, date = source_revision(ROOT)
    commit = publish_folder(
        out,
        remote,
        branch,
        f"Publish {revision}",
        repo=ROOT,
        dry_run=dry_run,
        date=date,
        keep=ROOT / "cache" / "publish.git",  # a smaller fetch and `git add` next time
    )
    if commit is None:
        print(f"{branch} already holds this site: nothing to publish")
    else:
        print(f"{'would push' if dry_run else 'pushed'} {commit[:12]} to {remote} {branch}")


def _ensure_checkers(c):
    """The gates' tools, installed when the machine can (chromium, vnu.jar), or
    one line that says what is missing and how to get it.
    """
    import importlib.util
    import shutil

    from chapar.checks.html import VNU_JAR

    missing = [
        name
        for name in ("playwright", "axe_playwright_python")
        if importlib.util.find_spec(name) is None
    ]
    if missing:
        sys.exit(
            f"publish needs {' and '.join(missing)} for its gates: run "
            "`.venv/bin/pip install -r requirements-test.txt` first"
        )
    if shutil.which("java") is None:
        sys.exit("publish needs Java for the HTML checker: `apt-get install default-jre-headless`")
    if VNU_JAR.is_file() and Path("/usr/bin/chromium").exists():
        return
    if not VNU_JAR.is_file() and shutil.which("npm") is None:
        sys.exit(
            "publish needs npm to install the HTML checker (vnu.jar): "
            "`apt-get install npm`, then `invoke setup-tests`"
        )
    if not Path("/usr/bin/chromium").exists() and os.geteuid() != 0 and not shutil.which("sudo"):
        sys.exit(
            "publish needs Debian's chromium for its accessibility gate: `apt-get install chromium`"
        )
    print("installing the gates' tools (Debian's chromium, the Nu HTML checker)")
    from invoke.exceptions import Failure

    try:
        setup_tests(c, quiet=True)
    except Failure as failure:
        result = failure.result
        last = (result.stderr or result.stdout or "").strip().splitlines()[-1:] or [""]
        sys.exit(
            f"publish could not install its gates' tools (`{result.command}` exited "
            f"{result.exited}: {last[0][:200]}); run `invoke setup-tests` and fix what it reports"
        )


def _site_fingerprint(siteurl):
    """The code, theme and settings the gates' record was made with."""
    from chapar.publishing.changed import fingerprint

    return fingerprint(
        folders=[ROOT / "theme", ROOT / "chapar", ROOT / "plugins"],
        files=[ROOT / "pelicanconf.py", ROOT / "publishconf.py", ROOT / "package-lock.json"],
        extra=siteurl,
    )


def _secrets():
    """Texts of held and rejected comments that must not appear in the output."""
    from chapar.cli.moderation import collect, news_sources
    from chapar.publishing.gates import withheld_texts

    news = news_sources(ROOT / "content/news")
    rows, _problems = collect(ROOT, news)
    return withheld_texts(rows, news.values())


@task(
    help={
        "host": "address to listen on (default 127.0.0.1; production: behind nginx)",
        "port": "port (default 8787)",
        "content": "content folder the comments go to (default content/)",
        "site_url": "the site's base URL, for the Origin check and the redirect "
        "(default http://127.0.0.1:8000, invoke serve)",
        "origin": "another origin allowed to post (comma-separated)",
        "max_body": "largest request body in bytes (default 32768)",
        "rate_limit": "posts per client per minute (default 10; 0: no limit)",
        "commit": "git-commit every accepted comment",
        "push": "and push it (implies --commit)",
        "remote": "git remote for --push (default origin)",
        "desk_secret_file": "file with the desk cookies' key, outside git (else $CHAPAR_DESK_SECRET)",
        "desk_insecure_cookies": "no Secure flag on the desk's cookie (plain http, local tries only)",
    }
)
def intake(
    c,
    host=None,
    port=None,
    content=None,
    site_url=None,
    origin=None,
    max_body=None,
    rate_limit=None,
    commit=False,
    push=False,
    remote=None,
    desk_secret_file=None,
    desk_insecure_cookies=False,
):
    """Run the comment intake service: the form's POSTs become content/comments/ files."""
    from chapar.intake import Config
    from chapar.intake.__main__ import serve as run_intake

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    os.chdir(ROOT)
    try:
        config = Config.from_options(
            host=host,
            port=port,
            root=ROOT,
            content=content,
            site_url=site_url,
            origins=origin,
            max_body=max_body,
            rate_limit=rate_limit,
            commit=commit,
            push=push,
            remote=remote,
            desk_secret_file=desk_secret_file,
            desk_secure_cookies=not desk_insecure_cookies,
        )
    except ValueError as error:
        sys.exit(f"intake: {error}")
    run_intake(config)


@task(help={"quiet": "hide the installers' output (shown when one fails)"})
def setup_tests(c, quiet=False):
    """Install what the tests and the lint need: Debian's chromium, npm tools (vnu.jar, Biome)."""
    hide = "both" if quiet else None
    if not Path("/usr/bin/chromium").exists():
        sudo = "" if os.geteuid() == 0 else "sudo "
        c.run(f"{sudo}apt-get update -qq", hide=hide)
        c.run(f"DEBIAN_FRONTEND=noninteractive {sudo}apt-get install -y -qq chromium", hide=hide)
    if (ROOT / "package.json").exists():
        with c.cd(str(ROOT)):
            c.run("npm ci --no-audit --no-fund --loglevel=error", hide=hide)


def _lint_steps():
    """(name, check command, fix command) per checker, in the order they run."""
    python = shlex.quote(sys.executable)
    templates = " ".join(
        shlex.quote(str(path.relative_to(ROOT)))
        for folder in ("theme/templates", "chapar/intake/review/templates")
        for path in sorted((ROOT / folder).rglob("*.html"))
    )
    biome = shlex.quote(str(ROOT / "node_modules/.bin/biome"))
    return (
        ("ruff check", f"{python} -m ruff check .", f"{python} -m ruff check --fix ."),
        ("ruff format", f"{python} -m ruff format --check .", f"{python} -m ruff format ."),
        ("djhtml", f"{python} -m djhtml --check {templates}", f"{python} -m djhtml {templates}"),
        ("biome", f"{biome} check --error-on-warnings", f"{biome} check --write"),
    )


@task(help={"fix": "apply the fixes the checkers can make (then review and commit them)"})
def lint(c, fix=False):
    """Check the code's form: ruff (lint, format), djhtml (templates), Biome (scripts)."""
    _lint(c, fix)


def _lint(c, fix):
    if not (ROOT / "node_modules/.bin/biome").exists():
        sys.exit("lint needs Biome from npm: run `invoke setup-tests` (npm ci) first")
    failed = []
    with c.cd(str(ROOT)):
        for name, check_command, fix_command in _lint_steps():
            if fix:
                c.run(fix_command, warn=True, pty=False)
            if not c.run(check_command, warn=True, pty=False).ok:
                failed.append(name)
    if failed:
        hint = (
            "fix the rest by hand" if fix else "run `invoke lint --fix`, then fix the rest by hand"
        )
        sys.exit(f"lint failed: {', '.join(failed)}; {hint} (README, Developing)")
    print("lint: ruff, ruff format, djhtml, biome all pass")


@task(
    help={
        "setup": "install chromium and npm tools first",
        "args": "extra pytest arguments",
        "lint": "run `invoke lint` before the tests (default; --no-lint skips it)",
    }
)
def test(c, setup=False, args="", lint=True):
    """Lint, then run the whole test suite (browser tests included)."""
    if setup:
        setup_tests(c)
    if lint:
        _lint(c, fix=False)
    # --cov: line coverage of chapar/, plugins/ and tasks.py, failing under the
    # floor (fail_under in pyproject.toml).
    c.run(f"{shlex.quote(sys.executable)} -m pytest --cov --cov-report=term {args}", pty=False)
