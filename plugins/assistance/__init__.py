"""困难党员帮扶: the hardship register, the fund ledger, grants, loans and campaigns.

Laid out in the plugin shape (DESIGN.md "Inside a plugin"): ``plugin``, ``permissions``,
``settings``, ``models/`` (``records``, ``aid``, ``fund``, ``outreach``), ``workflow/``
(``records``, ``aid``, ``campaigns``), ``services/``, ``queries/``, ``schemas/``
(``records``, ``moves``, ``fund``, ``aid``, ``visits``, ``common``; ``forms``: the same
with amounts typed in yuan), ``presenters``, ``api/``, ``views/``, ``documents``,
``jobs``, ``todo``, ``search``, ``rollup``, ``demo``. The packages are packages because
one module of each grew past about 400 lines; no module lies outside the shape."""
