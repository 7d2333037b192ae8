"""Theme strings through gettext, from the theme's ``fa`` catalogue.

The ``.po`` file is compiled with Babel in memory at every build, so the
catalogue in git is the only source and no stale ``.mo`` can ship.
Constant strings are translated when a template is compiled
(:class:`ConstantGettext`).
"""

import gettext
import io
import logging
import os

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2.ext import Extension
from jinja2.lexer import Token
from markupsafe import escape

logger = logging.getLogger(__name__)


def load_translations(translations_dir, lang, domain="messages"):
    """A ``gettext`` translations object for ``lang``, compiled in memory from the theme's ``.po``.

    Reads ``<translations_dir>/<lang>/LC_MESSAGES/<domain>.po``; without that file, warns
    and returns ``gettext.NullTranslations`` (every string stays as written).
    """
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


class ConstantGettext(Extension):
    """Translates ``_("a constant")`` once, when a template is compiled.

    A page of this theme calls ``_()`` about thirty times, nearly all with a
    constant string and no variables; through Jinja's newstyle gettext each
    call costs a context call and a ``%`` format (300,000 calls, a second of
    a 5,000-article build).  The call is replaced by the translated string
    when that gives the same text: no ``%`` (newstyle formats every message)
    and nothing autoescaping would change.  Calls with variables, and
    ``obj._(...)``, are left to gettext.  The catalogue is the one the
    environment's gettext uses (``environment.constant_translations``).
    """

    def filter_stream(self, stream):
        """Jinja's token-stream hook: ``_("constant")`` becomes its translated string token.

        Left as calls: no catalogue on the environment, a translation with ``%`` or one
        autoescaping would change, calls with variables and ``obj._(...)``.
        """
        translations = getattr(self.environment, "constant_translations", None)
        window = []  # the last tokens, at most five
        for token in stream:
            window.append(token)
            if translations is not None and len(window) >= 4:  # noqa: PLR2004
                name, lparen, string, rparen = window[-4:]
                before = window[-5] if len(window) >= 5 else None  # noqa: PLR2004
                if (
                    name.type == "name"
                    and name.value == "_"
                    and lparen.type == "lparen"
                    and string.type == "string"
                    and rparen.type == "rparen"
                    and (before is None or before.type != "dot")
                ):
                    text = translations.gettext(string.value)
                    if "%" not in text and str(escape(text)) == text:
                        del window[-4:]
                        window.append(Token(name.lineno, "string", text))
            while len(window) > 5:  # noqa: PLR2004
                yield window.pop(0)
        yield from window
