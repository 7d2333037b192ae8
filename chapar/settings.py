"""One settings pattern for every plugin: a dict per concern over its defaults.

As ``pelican-sitemap``'s ``SITEMAP``, each plugin reads one setting, a dict
(``COMMENTS``, ``AWARDS``, ``JALALI_ARCHIVE``, ``READER_THEME``, ``SEARCH``,
``NEWS_SITEMAP``, ``ESCAPING``, ``PAGE_CACHE``, ``PHOTOS``, ``NEWS_MARKS``), and gives every key a default
(README.md, Settings).  A key the plugin does not know, or a value of the wrong
kind, is a :class:`SettingsError` naming it and the closest known key, so a
typo in ``pelicanconf.py`` stops the build instead of being ignored.
"""

import difflib
import numbers


class SettingsError(ValueError):
    """Every problem in one concern's dict; ``problems`` holds one line each."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def _kind(default):
    """What a value must be to replace ``default`` (None: anything)."""
    if default is None:
        return None
    if isinstance(default, bool):
        return bool
    if isinstance(default, numbers.Real):
        return numbers.Real
    if isinstance(default, (list, tuple)):
        return (list, tuple)
    return type(default)


def concern(settings, name, defaults):
    """``settings[name]`` (a dict, or absent) over ``defaults``, checked."""
    given = settings.get(name)
    if given is None:
        return dict(defaults)
    if not isinstance(given, dict):
        raise SettingsError([f"{name} must be a dict of {', '.join(defaults)}; got {given!r}"])
    problems = []
    for key, value in given.items():
        if key not in defaults:
            close = difflib.get_close_matches(str(key), list(defaults), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(defaults)}"
            problems.append(f"{name}: unknown key {key!r}; {hint}")
            continue
        kind = _kind(defaults[key])
        if (kind is not None and not isinstance(value, kind)) or (
            kind is numbers.Real and isinstance(value, bool)
        ):
            problems.append(f"{name}[{key!r}] must be like {defaults[key]!r}; got {value!r}")
    if problems:
        raise SettingsError(problems)
    return {**defaults, **given}
