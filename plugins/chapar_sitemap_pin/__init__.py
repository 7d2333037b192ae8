"""Make pelican-sitemap reproducible and safe across failed builds.

pelican-sitemap stamps pages without a date (tag, archive, awards pages)
with the time its module was imported, so two builds of the same content
differ; and it remembers the first Pelican instance until that build's
``finalized`` signal, so after a failed build (safe_build stops before
writing) a later build in the same process (livereload, tests) gets no
sitemap.  This plugin sets both from the content itself at every build:
the clock to the newest article's date, the remembered instance to the
current build.  Listed after ``pelican.plugins.sitemap`` in PLUGINS.
"""

from pelican import signals

from chapar.pelican_compat import restart_sitemap, sitemap_generator


def start_build(pelican):
    """The ``initialized`` receiver: pelican-sitemap starts over for this build.

    Otherwise it keeps the first Pelican it saw until that build's ``finalized``, which a
    failed build never sends (:func:`~chapar.pelican_compat.restart_sitemap`).
    """
    restart_sitemap(pelican)


def pin_clock(generator):
    """The ``article_generator_finalized`` receiver: pin pelican-sitemap's clock to the content.

    Its ``now`` (the date of undated pages) becomes the newest article's ``modified``
    or, without one, ``date``; a site with no articles keeps the sitemap's own clock.
    """
    dates = [getattr(a, "modified", None) or a.date for a in generator.articles]
    if dates:
        sitemap_generator().now = max(dates)


def register():
    """Plugin entry point: :func:`start_build` at ``initialized``, :func:`pin_clock` at
    ``article_generator_finalized``.
    """
    signals.initialized.connect(start_build)
    signals.article_generator_finalized.connect(pin_clock)
