"""Theme strings through gettext, from the theme's ``fa`` catalogue.

The ``.po`` file is compiled with Babel in memory at every build, so the
catalogue in git is the only source and no stale ``.mo`` can ship.
"""

import gettext
import io
import logging
import os

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

logger = logging.getLogger(__name__)


def load_translations(translations_dir, lang, domain="messages"):
    po_path = os.path.join(translations_dir, lang, "LC_MESSAGES", f"{domain}.po")
    if not os.path.exists(po_path):
        logger.warning("No %s catalogue at %s; theme strings stay untranslated", lang, po_path)
        return gettext.NullTranslations()
    with open(po_path, "rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
