"""How deep the site's paginated lists go (README.md, "Lists and the archive").

Pelican paginates the home page, each tag and each category over every item
it holds, newest first: one new story moves every item of those lists one
place down, so every one of their pages changes (500 home pages at 5,000
stories, 2,000 at 20,000), and a publish renders and checks them all.  A
reader does not page back 300 pages of a news site: older news are in the
Jalali archive (every month on one page) and in search.

``PAGINATION_MAX_PAGES`` (pelicanconf.py) bounds each paginated list to that
many pages of its newest items; the last page links to the archive, and the
template is told how many items were left out (``articles_left_out``).  A list
that fits is paginated as before.  The counts templates show
(``articles|length``) stay the whole list's: only the pages are bounded.

Pelican takes one writer; the page cache's (plugins/chapar_page_cache) is
built on :class:`ListDepth`, and :class:`ListDepthWriter` is the one used
when the page cache is off for another Pelican.
"""

from pelican.writers import Writer

from chapar.settings import SettingsError

# Pelican's default for the lists it paginates when ``paginated`` is not given.
PAGINATED_KEYS = frozenset({"articles", "dates"})


class ListDepth:
    """Pelican's ``Writer.write_file`` with its paginated lists cut to
    ``PAGINATION_MAX_PAGES`` pages (no limit when the setting is 0 or absent).
    """

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        pages = self.settings.get("PAGINATION_MAX_PAGES") or 0
        if isinstance(pages, bool) or not isinstance(pages, int) or pages < 0:
            raise SettingsError(
                [f"PAGINATION_MAX_PAGES must be a number of pages (0: no limit); got {pages!r}"]
            )
        self.max_pages = pages

    def write_file(
        self,
        name,
        template,
        context,
        relative_urls=False,
        paginated=None,
        template_name=None,
        override_output=False,
        url=None,
        **kwargs,
    ):
        """Pelican's, with each paginated list cut to its newest pages (adds
        ``articles_left_out``, the number of items cut, to the template's context).
        """
        limit = self._list_limit(template_name)
        if limit:
            if paginated is None:  # what Pelican paginates by default
                paginated = {k: v for k, v in kwargs.items() if k in PAGINATED_KEYS}
            longest = max((len(v) for v in paginated.values()), default=0)
            if longest > limit:
                paginated = {k: v[:limit] for k, v in paginated.items()}
                kwargs["articles_left_out"] = longest - limit
        return super().write_file(
            name,
            template,
            context,
            relative_urls=relative_urls,
            paginated=paginated,
            template_name=template_name,
            override_output=override_output,
            url=url,
            **kwargs,
        )

    def _list_limit(self, template_name):
        """How many items a paginated list of ``template_name`` shows, or 0 for all."""
        templates = self.settings.get("PAGINATED_TEMPLATES", {})
        if not self.max_pages or template_name not in templates:
            return 0
        per_page = templates[template_name] or self.settings["DEFAULT_PAGINATION"]
        return self.max_pages * per_page if per_page else 0


class ListDepthWriter(ListDepth, Writer):
    """Pelican's writer, with the lists' depth bounded."""
