"""The service's settings: defaults, under the site's ``pelicanconf.py``, under the
caller's options, checked by name.
"""

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

from chapar import site_settings

DEFAULTS = {
    "host": "127.0.0.1",
    "port": 8787,
    "root": ".",  # the site: data/moderation/rules.toml and content/ under it
    "content": "",  # default: <root>/content
    "rules": "",  # default: <root>/data/moderation/rules.toml
    "site_url": "http://127.0.0.1:8000",  # where the articles are (invoke serve)
    "origins": (),  # more origins allowed to post, besides site_url's
    "max_body": 32 * 1024,  # bytes; a 3000-character Persian comment is ~18 KB form-encoded
    "rate_limit": 10,  # posts per client per minute; 0: no limit
    "trusted_proxies": "127.0.0.1",  # whose X-Forwarded-For names the client
    "commit": False,  # git mode: commit every accepted comment
    "push": False,  # ... and push it
    "remote": "origin",
    # The site's pelicanconf.py sets these (COMMENTS' max_name, max_email and
    # path, ARTICLE_URL); these defaults serve a root without one.
    "max_name": 80,
    "max_email": 200,
    "comments_path": "comments",  # under content
    "article_url": "news/{newscode}/",
    # the moderators' desk (README.md, Moderators' desk)
    "moderators": "",  # default: <root>/data/moderation/moderators.toml
    "audit_log": "",  # default: <root>/data/moderation/audit.log
    "desk_secret_file": "",  # the cookies' key, outside git (else $CHAPAR_DESK_SECRET)
    "desk_secure_cookies": True,  # False only for a desk tried over plain http locally
    "desk_max_age": 8 * 3600,  # seconds a sign-in lasts
    "desk": True,  # False only to measure the intake without the desk (README.md, Moderators' desk)
}


@dataclass(frozen=True)
class Config:
    """The service's settings, checked; make one with :meth:`from_options`.

    ``max_body`` is in bytes, ``rate_limit`` in posts per client per minute (0: no limit);
    ``content`` and ``rules`` are absolute paths once made by :meth:`from_options`.
    """

    host: str = DEFAULTS["host"]
    port: int = DEFAULTS["port"]
    root: Path = Path(DEFAULTS["root"])
    content: Path = None
    rules: Path = None
    site_url: str = DEFAULTS["site_url"]
    origins: tuple = field(default=())
    max_body: int = DEFAULTS["max_body"]
    rate_limit: int = DEFAULTS["rate_limit"]
    trusted_proxies: str = DEFAULTS["trusted_proxies"]
    commit: bool = False
    push: bool = False
    remote: str = DEFAULTS["remote"]
    max_name: int = DEFAULTS["max_name"]
    max_email: int = DEFAULTS["max_email"]
    comments_path: str = DEFAULTS["comments_path"]
    article_url_pattern: str = DEFAULTS["article_url"]
    moderators: Path = None
    audit_log: Path = None
    desk_secret_file: str = ""
    desk_secure_cookies: bool = True
    desk_max_age: int = DEFAULTS["desk_max_age"]
    desk: bool = True

    @classmethod
    def from_options(cls, **options):
        """A checked Config from keyword options (``None`` or ``""``: default);
        a bad value raises ``ValueError`` naming the option.
        """
        unknown = set(options) - {f.name for f in fields(cls)} - {"article_url"}
        if unknown:
            raise ValueError("unknown intake option(s): " + ", ".join(sorted(unknown)))
        given = {k: v for k, v in options.items() if v not in (None, "")}
        root = Path(given.get("root", DEFAULTS["root"])).resolve()
        merged = {**DEFAULTS, **_from_site(root), **given}
        origins = merged["origins"]
        if isinstance(origins, str):
            origins = [o for o in origins.replace(",", " ").split() if o]
        config = cls(
            host=str(merged["host"]),
            port=_whole("port", merged["port"], 0, 65535),
            root=root,
            content=Path(merged["content"]).resolve() if merged["content"] else root / "content",
            rules=(
                Path(merged["rules"]).resolve()
                if merged["rules"]
                else root / "data" / "moderation" / "rules.toml"
            ),
            site_url=_site_url(merged["site_url"]),
            origins=tuple(_origin("origins", o) for o in origins),
            max_body=_whole("max_body", merged["max_body"], 256, 10 * 1024 * 1024),
            rate_limit=_whole("rate_limit", merged["rate_limit"], 0, 1_000_000),
            trusted_proxies=str(merged["trusted_proxies"]),
            commit=bool(merged["commit"]) or bool(merged["push"]),
            push=bool(merged["push"]),
            remote=str(merged["remote"]),
            max_name=_whole("max_name", merged["max_name"], 1, 1000),
            max_email=_whole("max_email", merged["max_email"], 6, 1000),
            comments_path=str(merged["comments_path"]),
            article_url_pattern=_article_url(merged["article_url"]),
            moderators=_under(root, merged["moderators"], "moderators.toml"),
            audit_log=_under(root, merged["audit_log"], "audit.log"),
            desk_secret_file=str(merged["desk_secret_file"]),
            desk_secure_cookies=bool(merged["desk_secure_cookies"]),
            desk_max_age=_whole("desk_max_age", merged["desk_max_age"], 60, 30 * 24 * 3600),
            desk=bool(merged["desk"]),
        )
        if not config.content.is_dir():
            raise ValueError(f"content: {config.content} is not a folder")
        return config

    @property
    def allowed_origins(self):
        """The site's origin, its loopback twin, and the extra ones."""
        site = _origin("site_url", self.site_url)
        found = [site]
        parts = urlsplit(site)
        twins = {"127.0.0.1": "localhost", "localhost": "127.0.0.1"}
        if parts.hostname in twins:
            found.append(site.replace(parts.hostname, twins[parts.hostname], 1))
        return tuple(dict.fromkeys(found + list(self.origins)))

    def article_url(self, code):
        """The absolute URL of NewsCode ``code``'s article, from ``site_url`` and ARTICLE_URL."""
        return f"{self.site_url}/{self.article_url_pattern.format(newscode=code)}"

    def with_(self, **changes):
        """A copy of this Config with ``changes`` (field names) applied, unchecked."""
        return replace(self, **changes)


def _from_site(root):
    """What the site's pelicanconf.py says the service needs (README.md,
    Comment intake); nothing for a root without one.
    """
    if not (root / site_settings.SETTINGS_FILE).is_file():
        return {}
    site = site_settings.read(root)
    return {
        "content": site["PATH"],
        "rules": str(root / site["COMMENTS"]["rules"]),
        "comments_path": site["COMMENTS"]["path"],
        "max_name": site["COMMENTS"]["max_name"],
        "max_email": site["COMMENTS"]["max_email"],
        "article_url": site["ARTICLE_URL"],
    }


def _under(root, value, name):
    """``value`` as an absolute path, or ``<root>/data/moderation/<name>`` when empty."""
    return Path(value).resolve() if value else root / "data" / "moderation" / name


def _article_url(pattern):
    try:
        pattern.format(newscode="1")
    except (KeyError, IndexError, ValueError):
        raise ValueError(
            f"ARTICLE_URL: {pattern!r} must be made of {{newscode}} alone "
            "for the intake service to find an article's page"
        ) from None
    return pattern


def _whole(name, value, low, high):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: {value!r} is not a whole number") from None
    if not low <= number <= high:
        raise ValueError(f"{name}: {number} is outside {low}..{high}")
    return number


def _site_url(value):
    url = str(value).rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"site_url: {value!r} is not an http(s) URL")
    return url


def _origin(name, value):
    """``scheme://host[:port]`` in lower case, without a path."""
    parts = urlsplit(str(value).strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{name}: {value!r} is not an http(s) origin")
    return f"{parts.scheme}://{parts.netloc}".lower()
