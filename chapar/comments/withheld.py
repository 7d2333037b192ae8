"""What the privacy gate looks for: the text of every comment the site withholds.

A held or rejected comment must appear nowhere in the output.  The gate looks
for the longest line of each (Markdown renders a line unchanged), unless that
line is rightly in the output: also in a published comment or in a news item
(a reader who posts the same text twice has the second copy rejected as a
duplicate; a comment may quote the story).

The build's comment pass names these texts thread by thread (:func:`of_thread`),
keeps them with the thread's decisions between builds, and sends them, for the
whole site, in :data:`reported` when its pass is over; ``invoke publish`` hands
them to the gate.  A thread only knows its own published comments and article,
so a line the pass names may still be rightly published elsewhere:
``chapar.publishing.gates.withheld_texts``, over the whole site, is the
reference the gate asks only when it finds such a line in the output.
"""

from blinker import signal

# Sent by the comment pass (plugins/chapar_comments) with ``withheld``: ``{label: text}``.
reported = signal("comments.withheld")

SHORTEST = 10  # characters: a shorter line is too common to stand for its comment


def longest_line(body):
    """The line of ``body`` the gate looks for: its longest, without Markdown's marks."""
    return max(body.splitlines() or [""], key=len).strip(" *_>#-")


def label(key, status):
    """How the gate names a withheld comment: ``held comment 7/2``."""
    return f"{status} comment {key}"


def texts(rows, other_public=(), shortest=SHORTEST):
    """``{label: text}`` of the withheld comments among ``rows``, ``(key, status,
    body)``, leaving out a line also in a published comment of ``rows`` or in
    ``other_public`` (news texts): the one rule, for a thread and for the site.
    """
    public = "\n\0".join(
        [*(body for _key, status, body in rows if status == "published"), *other_public]
    )
    found = {}
    for key, status, body in rows:
        if status == "published":
            continue
        line = longest_line(body)
        if len(line) >= shortest and line not in public:
            found[label(key, status)] = line
    return found


def of_thread(comments, decided, article_text):
    """:func:`texts` of one thread (``decided``: ``{Id: Decision}``), beside its article's text."""
    return texts([(c.key, decided[c.id].status, c.body) for c in comments], [article_text])


class Collected:
    """A context manager: the withheld texts the comment pass of a build run inside it
    reports (:data:`reported`); :attr:`texts` is None if no pass reported (the build
    failed, or ran elsewhere).
    """

    def __init__(self):
        self.texts = None

    def __enter__(self):
        reported.connect(self._receive)
        return self

    def __exit__(self, *_exc):
        reported.disconnect(self._receive)

    def _receive(self, _sender, withheld):
        self.texts = dict(withheld)
