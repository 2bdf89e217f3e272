"""Marking text for translation where it cannot be translated yet.

``N_("党支部")`` returns its argument unchanged; it only tells Babel's extractor that
the string is a msgid. Labels kept in module-level tables stay plain Chinese (they are
also what spreadsheets contain) and are translated where they are shown, with
``gettext(label)``.
"""


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext no-op marker
    return message


#: (table id, locale) -> (the table, its titles translated); tables are module-level.
_TRANSLATED: dict[tuple[int, str], tuple[dict[str, str], dict[str, str]]] = {}


def translated(table: dict[str, str]) -> dict[str, str]:
    """``{key: gettext(title)}`` of a module-level table of labels, in the request's
    language, translated once per process and language (a list translating its rows'
    labels one by one spent more on gettext than on its query)."""
    from flask_babel import get_locale, gettext

    key = (id(table), str(get_locale()))
    found = _TRANSLATED.get(key)
    if found is None or found[0] is not table:
        found = (table, {k: gettext(title) for k, title in table.items()})
        _TRANSLATED[key] = found
    return found[1]
