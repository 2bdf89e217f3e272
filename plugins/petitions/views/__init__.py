"""The petitions pages: one blueprint (:mod:`.blueprint`, ``/t/<tenant>/petitions``), its
routes in a module per subject: :mod:`.petitions` (list, register, detail, moves,
identity, conflicts), :mod:`.categories`, :mod:`.links` (query codes, escalation, the leader's
flag, the detail page's extra buttons), :mod:`.notices` and :mod:`.statistics`.
``plugin.py`` imports them all."""
