"""A site's ``pelicanconf.py`` as the tools see it.

The intake service and ``invoke moderation`` read the site's settings through
Pelican's own ``read_settings``, merged over the comment settings' defaults
(:data:`chapar.comments.site.DEFAULTS`), so no tool repeats a path, URL or
limit that ``pelicanconf.py`` defines (README.md, Layout).  Pelican is imported
only when a tool asks, never when this module is imported.
"""

import logging
from pathlib import Path

from chapar.comments.site import comment_settings

SETTINGS_FILE = "pelicanconf.py"


def read(root, name=SETTINGS_FILE):
    """The settings of the site at ``root`` (``{}`` when it has no settings
    file), with ``COMMENTS`` holding every comment setting.
    """
    conf = Path(root) / name
    settings = {}
    if conf.is_file():
        from pelican.settings import read_settings

        quiet = logging.getLogger("pelican.settings")
        level = quiet.level
        quiet.setLevel(logging.ERROR)  # its notes are about building
        try:
            settings = read_settings(str(conf))
        finally:
            quiet.setLevel(level)
    return {**settings, "COMMENTS": comment_settings(settings)}
