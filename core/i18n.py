"""Marking text for translation where it cannot be translated yet.

``N_("党支部")`` returns its argument unchanged; it only tells Babel's extractor that
the string is a msgid. Labels kept in module-level tables stay plain Chinese (they are
also what spreadsheets contain) and are translated where they are shown, with
``gettext(label)``.
"""


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext no-op marker
    return message
