"""The assistance pages (``/t/<tenant>/assistance/...``): one blueprint
(:mod:`.blueprint`, with the two ways a post is answered) whose routes are in
:mod:`.records` (the register), :mod:`.fund`, :mod:`.aid` (grants and loans),
:mod:`.visits` (pairing and campaigns), :mod:`.reports` (reports, exports, import) and
:mod:`.moves` (every workflow move, posted as the API's are).

Forms are read through :func:`core.forms.load_form` with the API's schemas (amounts
typed in yuan: :mod:`plugins.assistance.schemas.forms`) and go to the same services, so
a page can do nothing the API would refuse."""
