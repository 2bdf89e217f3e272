"""The petitions API: one blueprint (:mod:`.blueprint`, ``/api/v1/t/<tenant>/petitions``),
its routes in a module per subject: :mod:`.petitions` (register, list, detail, history,
the workflow moves, conflicts, identity, the ledger, categories), :mod:`.links` (across
tenants, escalation, long-term petitioners, query codes), :mod:`.notices` (the .docx
notices) and :mod:`.statistics`. ``plugin.py`` imports them all."""
