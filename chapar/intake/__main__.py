"""``python -m chapar.intake``: run the comment intake service (``invoke intake`` calls :func:`serve`)."""

import argparse
import logging
import sys

from chapar.intake.config import DEFAULTS, Config

logger = logging.getLogger(__name__)


def serve(config):
    """Run uvicorn on ``config.host:config.port`` until interrupted."""
    import uvicorn

    from chapar.intake.app import create_app
    from chapar.moderation import RulesError

    try:
        app = create_app(config)
    except RulesError as error:
        sys.exit(f"{error}\nintake not started: fix the rules file")
    print(
        f"comment intake on http://{config.host}:{config.port}/comments/<NewsCode> "
        f"writing to {config.content / config.comments_path} (Ctrl+C to stop)",
        flush=True,
    )
    uvicorn.run(
        app,
        host=config.host,
        port=config.port,
        proxy_headers=True,
        forwarded_allow_ips=config.trusted_proxies,
        access_log=False,  # readers' addresses stay out of the logs
        log_level="info",
        server_header=False,
    )


def parse_args(argv=None):
    """The command line options parsed from ``argv`` (default ``sys.argv[1:]``).

    Their defaults come from :data:`chapar.intake.config.DEFAULTS`.
    """
    parser = argparse.ArgumentParser(prog="python -m chapar.intake", description=__doc__)
    parser.add_argument("--host", default=DEFAULTS["host"])
    parser.add_argument("--port", type=int, default=DEFAULTS["port"])
    parser.add_argument("--root", default=DEFAULTS["root"], help="the site folder")
    parser.add_argument("--content", default="", help="content folder (default ROOT/content)")
    parser.add_argument(
        "--site-url",
        default=DEFAULTS["site_url"],
        help="the site's base URL: articles are SITE_URL/news/<NewsCode>/",
    )
    parser.add_argument(
        "--origin", action="append", default=[], help="another origin allowed to post (repeatable)"
    )
    parser.add_argument("--max-body", type=int, default=DEFAULTS["max_body"])
    parser.add_argument(
        "--rate-limit",
        type=int,
        default=DEFAULTS["rate_limit"],
        help="posts per client per minute (0: no limit)",
    )
    parser.add_argument("--trusted-proxies", default=DEFAULTS["trusted_proxies"])
    parser.add_argument("--commit", action="store_true", help="git-commit every comment")
    parser.add_argument("--push", action="store_true", help="and push it (implies --commit)")
    parser.add_argument("--remote", default=DEFAULTS["remote"])
    parser.add_argument(
        "--moderators",
        default="",
        help="the desk's accounts (default data/moderation/moderators.toml)",
    )
    parser.add_argument(
        "--desk-secret-file",
        default="",
        help="file holding the desk cookies' key, outside git (else $CHAPAR_DESK_SECRET)",
    )
    parser.add_argument(
        "--desk-insecure-cookies",
        action="store_true",
        help="drop the Secure flag from the desk's cookie: only for trying it over plain http",
    )
    parser.add_argument(  # for bench/bench_intake.py's comparison only: not in --help
        "--no-desk", dest="desk", action="store_false", help=argparse.SUPPRESS
    )
    return parser.parse_args(argv)


def main(argv=None):
    """The command: parse the options, make the checked Config and serve until stopped.

    A bad option value exits with ``intake: <the problem>`` (status 1).
    """
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        config = Config.from_options(
            host=args.host,
            port=args.port,
            root=args.root,
            content=args.content,
            site_url=args.site_url,
            origins=tuple(args.origin),
            max_body=args.max_body,
            rate_limit=args.rate_limit,
            trusted_proxies=args.trusted_proxies,
            commit=args.commit,
            push=args.push,
            remote=args.remote,
            moderators=args.moderators,
            desk_secret_file=args.desk_secret_file,
            desk_secure_cookies=not args.desk_insecure_cookies,
            desk=args.desk,
        )
    except ValueError as error:
        sys.exit(f"intake: {error}")
    serve(config)


if __name__ == "__main__":
    main()
