"""Pages of the supervision plugin (``/t/<tenant>/supervision/...``).

Forms are loaded through :func:`core.forms.load_form` with the API's schemas and go to
the same services. On an item page each workflow move posts to
``/items/<id>/transitions/<move>`` and each other action to ``/items/<id>/actions/<name>``;
refusals come back as a flash message with the reason, and nothing of them is kept.

One blueprint (:mod:`.blueprint`) whose routes are in :mod:`.items` (the board, the
item form and page, its moves) and :mod:`.tables` (reminders, the scan, the monthly
tables, the bulletin, the import)."""
