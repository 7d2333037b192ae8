"""The tools read the site's pelicanconf.py (README.md, Layout): the limits,
paths and URLs it sets reach the theme's form, the intake service and its
OpenAPI description, and ``invoke moderation``, with no second copy.
"""

import json
import re

from chapar.cli import moderation as cli
from chapar.intake.app import create_app
from chapar.intake.config import Config
from chapar.intake.desk import Refused
from chapar.intake.openapi import openapi_document
from conftest import build_site, make_site
from intake_support import SEED, intake_news, on_topic

SETTINGS = (
    '\nCOMMENTS = {"max_name": 24, "max_email": 40, "max_characters": 5000,\n'
    '            "path": "readers", "endpoint": "http://127.0.0.1:8787"}\n'
)


def site_with(tmp_path, extra):
    site = make_site(tmp_path, news=intake_news())
    with open(site / "pelicanconf.py", "a", encoding="utf-8") as conf:
        conf.write(extra)
    (site / "content" / "comments").rename(site / "content" / "readers")
    return site


def test_the_sites_settings_set_the_services_limits_paths_and_urls(tmp_path):
    site = site_with(
        tmp_path,
        SETTINGS + 'ARTICLE_URL = "khabar/{newscode}/"\n'
        'ARTICLE_SAVE_AS = "khabar/{newscode}/index.html"\n',
    )
    config = Config.from_options(root=site)
    assert (config.max_name, config.max_email, config.comments_path) == (24, 40, "readers")
    assert config.content == site / "content"
    assert config.rules == site / "data/moderation/rules.toml"
    assert config.article_url(7) == "http://127.0.0.1:8000/khabar/7/"
    document = json.dumps(openapi_document(config))
    assert '"maxLength": 24' in document
    assert '"maxLength": 40' in document
    assert '"maxLength": 80' not in document
    assert '"maxLength": 200' not in document
    # an option given to the service still wins over the site's setting
    assert Config.from_options(root=site, max_name=30).max_name == 30
    assert cli.length_limit(site) == 5000


def test_the_desk_refuses_a_name_over_the_sites_limit_and_writes_where_the_site_reads(tmp_path):
    site = site_with(tmp_path, SETTINGS)
    app = create_app(Config.from_options(root=site))
    desk = app.state.desk
    fields = {"name": "ن" * 25, "email": "", "text": on_topic(1), "reply_to": "", "website": ""}
    try:
        answer = desk.submit(SEED, fields)
    except Refused as refused:
        answer = refused
    assert isinstance(answer, Refused)
    assert answer.error == "bad_name"
    assert not isinstance(desk.submit(SEED, {**fields, "name": "مریم"}), Refused)
    assert list((site / "content" / "readers" / str(SEED)).glob("*.md"))


def test_the_form_carries_the_sites_limits(tmp_path):
    site = site_with(tmp_path, SETTINGS)
    out = build_site(site)
    page = (out / "news" / str(SEED) / "index.html").read_text(encoding="utf-8")
    assert re.search(r'id="comment-name"[^>]*maxlength="24"', page)
    assert re.search(r'id="comment-email"[^>]*maxlength="40"', page)
