"""Tag, category and author lists that answer ``in`` at once.

Pelican writes each tag's, category's and author's pages with

    dates = [article for article in self.dates if article in articles]

that is, every article of the site looked up in that tag's list one item at
a time: 53 tags over 5,000 articles made 100 million comparisons, 0.7 s of
a build, and the rebuild after one change pays it again.  Once the
generator's lists are made (``article_generator_finalized``) each becomes
an :class:`ArticleList`: a ``list`` in every way (templates, pagination,
slicing), whose ``in`` looks the item up in a set of its items' ids.  The
pages are the same; only the lookup changes.

The other Pelican cost a rebuild pays for every article, here too: the
generators' own content cache, unused when the readers keep it (Pelican's
default layer), still hashes each news file twice a build; :func:`read_once`
stops it (2 of the 3 reads of every file).
"""

from pelican import signals

from chapar.pelican_compat import skip_unused_stamps, speedups_enabled, update_context


class ArticleList(list):
    """A list whose ``in`` is a set lookup for items compared by identity
    (Pelican's content objects); any other item, as a list.
    """

    __slots__ = ("_ids",)

    def __init__(self, *args):
        super().__init__(*args)
        self._ids = None

    def __contains__(self, item):
        if type(item).__eq__ is not object.__eq__:
            return list.__contains__(self, item)  # equality of its own: a list's answer
        if self._ids is None:
            self._ids = {id(x) for x in self}  # the items keep their ids alive
        return id(item) in self._ids

    def _changed(method):
        def changed(self, *args):
            self._ids = None
            return method(self, *args)

        changed.__name__ = method.__name__
        return changed

    __setitem__ = _changed(list.__setitem__)
    __delitem__ = _changed(list.__delitem__)
    __iadd__ = _changed(list.__iadd__)
    __imul__ = _changed(list.__imul__)
    append = _changed(list.append)
    extend = _changed(list.extend)
    insert = _changed(list.insert)
    remove = _changed(list.remove)
    pop = _changed(list.pop)
    clear = _changed(list.clear)
    del _changed


def fast_lists(generator):
    """The ``article_generator_finalized`` receiver: the lists become :class:`ArticleList`.

    Replaces the article lists of ``tags``, ``categories`` and ``authors``, on the generator
    and in the context; under a Pelican the speed-ups were not tested with, does nothing.
    """
    if not speedups_enabled():  # another Pelican: its own lists (chapar/pelican_compat.py)
        return
    generator.tags = {tag: ArticleList(items) for tag, items in generator.tags.items()}
    generator.categories = [
        (category, ArticleList(items)) for category, items in generator.categories
    ]
    generator.authors = [(author, ArticleList(items)) for author, items in generator.authors]
    update_context(generator, ("tags", "categories", "authors"))  # as Pelican put them there


def read_once(generator):
    """The ``article_generator_init`` and ``page_generator_init`` receiver: the
    generator's unused content cache stops hashing every file twice a build
    (:func:`chapar.pelican_compat.skip_unused_stamps`); the readers' cache still
    hashes each once.
    """
    skip_unused_stamps(generator)


def register():
    """Plugin entry point: :func:`fast_lists` at ``article_generator_finalized``,
    :func:`read_once` when the article and page generators are made.
    """
    signals.article_generator_finalized.connect(fast_lists)
    signals.article_generator_init.connect(read_once)
    signals.page_generator_init.connect(read_once)
