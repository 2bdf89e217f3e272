"""信访: letters, visits, calls and online petitions with their legal deadlines.

The plugin has the rooms of every plugin (README "Writing a plugin"); the rooms past
about 400 lines are packages with a module per subject: ``services/`` (registration,
moves, petitions, crosstenant, escalation, categories, longterm, querycodes, lights),
``queries/`` (petitions, deadlines, categories, statistics), ``schemas/``,
``documents/`` (ledger, notices, statistics), ``workflow/`` (states, guards, linked
moves, the declaration), ``api/`` and ``views/`` (one blueprint each, a route module per
subject). Beyond the rooms:

* ``attachments`` — the petition attachment kind and who may see and add its files;
* ``confidentiality`` — who sees whose identity (one rule for pages, API and exports);
* ``month_figures`` — the 汇总's figures per tenant and month, kept by database triggers;
* ``reported`` — the petition hidden from its reported person and, where the tenant
  says so, from the people of his unit (one loader criterion, Art. 30);
* ``portal/`` — the public portal (``/p/<tenant>/``): it has no login, its own rate
  limits, schemas and answers, so it is kept out of the tenant blueprints and has two
  of its own (pages and its JSON API) with its services and demo data beside them.
"""
