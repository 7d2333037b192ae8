# Chapar: site settings for local builds.  Plain declarations only; the
# logic lives in plugins/ (see README.md).

from chapar.persian import folding  # the slug rules are a table of the folding library

AUTHOR = "تحریریه چاپار"
SITENAME = "چاپار"
SITESUBTITLE = "خبرگزاری استانی"
SITEURL = ""

PATH = "content"
ARTICLE_PATHS = ["news"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = []
AWARDS = {"path": "data/awards"}  # agencies.csv, festivals.csv, awards*.csv (README.md, "Awards")
MENUITEMS = [("جوایز دستگاه‌ها", "awards/")]  # extra links in the site navigation
OUTPUT_PATH = "output"
DELETE_OUTPUT_DIRECTORY = False  # tasks.build swaps a finished folder in

TIMEZONE = "Asia/Tehran"
DEFAULT_LANG = "fa"
# One language: no translations to pair.  Pelican's pairing scans a list once
# per article (20,000 articles: 12 s; 100,000: minutes) and finds none here.
ARTICLE_TRANSLATION_ID = None
PAGE_TRANSLATION_ID = None
# Scheduled news: an item dated after the build's time is a draft until the
# first build at or after its time (README.md, "Writing news").
WITH_FUTURE_DATES = False
DEFAULT_DATE = None
DEFAULT_PAGINATION = 10
# The home page, each tag and each category list their newest items on at most
# this many pages; the last links to the archive (README.md, "Lists and the
# archive").  A new story then changes that many pages, not the whole list.
PAGINATION_MAX_PAGES = 20
DEFAULT_METADATA = {"status": "published"}
# A news item without a Category (or with an empty one, as `invoke new` writes
# it) is in this section; its folder (content/news/1405/) is never a section.
DEFAULT_CATEGORY = "عمومی"
USE_FOLDER_AS_CATEGORY = False

THEME = "theme"
# Pelican's Jinja options, and no template mtime check on every include: each
# build makes new environments, so a changed template is always read anew.
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": [],
    "auto_reload": False,
}
# Headers, CSV cells and settings are text (README.md): the escaping plugin
# turns Jinja's autoescape on for every theme template except these, which
# escape each value themselves with |e.
ESCAPING = {"exclude": ["partials/comments.html"]}
PLUGIN_PATHS = ["plugins"]
PLUGINS = [
    "chapar_persian",  # first: the others import its text and date helpers
    "chapar_escaping",  # Jinja autoescape for the theme's templates
    "chapar_safe_build",
    "chapar_page_cache",  # rebuilds render only pages whose inputs changed
    "chapar_output_folders",  # page folders made ahead of the writer, in a thread
    "chapar_taxonomy_lists",  # tag and category pages without Pelican's quadratic lookups
    "chapar_awards",  # award pages and open data from data/awards/*.csv
    "chapar_photos",  # lead and body photos: processed once into cache/photos/, errors stop the build
    "chapar_news_marks",  # Breaking (the home banner) and Correction
    "chapar_jalali_archive",
    "chapar_reader_theme",  # related news, previous/next, the joined stylesheet
    "chapar_comments",  # readers' comments moderated by data/moderation/rules.toml
    "pelican.plugins.sitemap",
    "chapar_sitemap_pin",  # after sitemap: reproducible dates, state reset per build
    "chapar_news_sitemap",  # sitemap-news.xml: the last two days' news for Google News
    "chapar_search",  # last: indexes the pages the others wrote
]

# Comments (README.md, Comments; every key and its default in
# chapar/comments/site.py): "endpoint" is the intake service's base URL, the
# form posts to {endpoint}/comments/<NewsCode>.  Empty: comments are closed.
COMMENTS = {"endpoint": ""}

# Photos (README.md, Photos; every key and its default in chapar/photos/process.py):
# originals under content/images/, the widths for srcset, made once into cache/photos/.
PHOTOS = {"widths": [360, 720, 1080, 1600]}

# Breaking news (README.md, Writing news; the defaults in chapar/news/marks.py):
# the hours a breaking item stays in the home page's banner after its Date.
NEWS_MARKS = {"breaking_hours": 6}

# URLs (README.md, "What it does"): folders with index.html, Latin digits.
ARTICLE_URL = "news/{newscode}/"
ARTICLE_SAVE_AS = "news/{newscode}/index.html"
DRAFT_URL = ""
DRAFT_SAVE_AS = ""  # drafts are left out of the output entirely
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
AUTHOR_URL = ""
AUTHOR_SAVE_AS = ""
DIRECT_TEMPLATES = ["search", "index", "404"]  # 404.html: Pelican's default 404_SAVE_AS
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""

# Persian slugs: ZWNJ and spaces become "-", Arabic letters become Persian.
SLUGIFY_USE_UNICODE = True
SLUG_REGEX_SUBSTITUTIONS = list(folding.SLUG_REGEX_SUBSTITUTIONS)  # the slug profile's rules
TAG_REGEX_SUBSTITUTIONS = SLUG_REGEX_SUBSTITUTIONS
CATEGORY_REGEX_SUBSTITUTIONS = SLUG_REGEX_SUBSTITUTIONS

# Feeds: Gregorian timestamps, fixed paths.  A feed names its own address in
# full: here the local preview's (invoke serve); publishconf.py sets the site's.
FEED_DOMAIN = "http://127.0.0.1:8000"
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
FEED_MAX_ITEMS = 50
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

SITEMAP = {
    "format": "xml",
    "exclude": [r"^404\.html$", r"^sitemap-news\.xml$"],
    "priorities": {"articles": 0.8, "indexes": 0.5, "pages": 0.5},
    "changefreqs": {"articles": "monthly", "indexes": "daily", "pages": "monthly"},
}
# Google News sitemap (plugins/chapar_news_sitemap): the news of the last days.
NEWS_SITEMAP = {"save_as": "sitemap-news.xml", "days": 2}

# Reproducible output: no locale-dependent formats, no file-time dates.
DEFAULT_DATE_FORMAT = "%Y-%m-%d"
RELATIVE_URLS = False

# Content cache for fast rebuilds; content hash, since a checkout resets mtimes.
CACHE_PATH = "cache"
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CHECK_MODIFIED_METHOD = "sha256"
GZIP_CACHE = False  # compressing the cache cost ~2 s a build at 5,000 items

# Search (Pagefind, indexed at the end of every build into output/pagefind/).
SEARCH_SAVE_AS = "search/index.html"
SEARCH_URL = "search/"
SEARCH = {
    "pages": ["awards/agency/*/index.html", "awards/festival/*/index.html"],
}
