"""督查督办: tasks opened, handed over, reported on, urged and closed, with traffic lights
and monthly views.

Laid out in the plugin shape (DESIGN.md "Inside a plugin"): ``plugin``, ``permissions``,
``settings``, ``models``, ``workflow``, ``services/``, ``queries/`` (``board``,
``lights``, ``records``, ``tables``: the monthly query tables), ``schemas``,
``presenters``, ``api/``, ``views/`` (``blueprint``, ``items``, ``tables``),
``documents``, ``jobs``, ``todo``, ``search``, ``rollup``, ``demo``. The packages are
packages because one module of each grew past about 400 lines; no module lies outside
the shape."""
