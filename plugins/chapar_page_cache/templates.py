"""Compiled templates kept between builds (README.md, "Page cache").

Pelican gives each generator a Jinja environment of its own, and each one
compiles every template it uses on every build: about half a second of a
rebuild that renders a few pages.  :class:`CompiledTemplates` is Jinja's own
``FileSystemBytecodeCache`` under ``CACHE_PATH/templates/``; a template's
compiled code is reused while its source is the same (Jinja's checksum) *and*
the environment that compiled it is the same in everything that shapes the
compiled code: Jinja's version, the syntax options, the extensions, the
i18n style, and the names of the filters and tests (checked at compile time).
"""

import hashlib
import os

import jinja2
from jinja2.bccache import Bucket

FOLDER = "templates"

# Environment attributes the compiler reads (jinja2.Environment's options).
_SHAPING = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "optimized",
    "is_async",
)


def environment_digest(environment):
    """What in ``environment`` shapes the code Jinja compiles, as a digest."""
    parts = [jinja2.__version__]
    parts += [repr(getattr(environment, name, None)) for name in _SHAPING]
    parts.append(repr(callable(environment.autoescape) or bool(environment.autoescape)))
    parts.append(repr(getattr(environment, "newstyle_gettext", None)))
    parts += sorted(environment.extensions)
    parts.append("|".join(sorted(environment.filters)))
    parts.append("|".join(sorted(environment.tests)))
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's file bytecode cache, keyed also by :func:`environment_digest`."""

    def get_bucket(self, environment, name, filename, source):
        """The bucket of ``name`` as compiled by an environment like ``environment``."""
        key = self.get_cache_key(f"{name}\0{environment_digest(environment)}", filename)
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket


def keep_compiled(generator):
    """A ``generator_init`` receiver: the generator's environment keeps its compiled
    templates under ``CACHE_PATH/templates/`` when the site saves its caches
    (``CACHE_CONTENT``) and the page cache is on; otherwise nothing changes.
    """
    from chapar.settings import concern
    from chapar_page_cache import DEFAULTS

    settings = generator.settings
    env = getattr(generator, "env", None)
    if env is None or not settings.get("CACHE_CONTENT"):
        return
    if not concern(settings, "PAGE_CACHE", DEFAULTS)["enabled"]:
        return
    folder = os.path.join(settings["CACHE_PATH"], FOLDER)
    os.makedirs(folder, exist_ok=True)
    env.bytecode_cache = CompiledTemplates(folder)
