"""信访: letters, visits, calls and online petitions with their legal deadlines.

The plugin has the rooms of every plugin (README "Writing a plugin"; ``api/`` and
``views/`` are packages: one blueprint each, a route module per subject). Modules
beyond them, each a subject too large or too separate to share a room:

* ``actions`` — the body and offering of each move, and the detail page's extra buttons;
* ``attachments`` — the petition attachment kind; ``categories`` — the tenant taxonomy;
* ``confidentiality`` — who sees whose identity (one rule for pages, API and exports);
* ``crosstenant`` — forward, assign and review between tenants (linked copies);
* ``escalation`` — handing a petition to a plugin implementing ``zugong_petition_escalate``;
* ``ledger`` — the 信访台账 export; ``notices`` — the four .docx notices;
* ``longterm`` — 信访老户; ``querycodes`` — the petitioner's query code;
* ``scan`` — deadlines and lights as petitions change, and the set-based scans;
* ``statistics`` — counts and rates by period and unit;
* ``portal``, ``portal_views``, ``portal_demo`` — the public portal (``/p/<tenant>/``):
  it has no login, its own rate limits and answers, so it is kept out of the tenant
  blueprints and has two of its own (pages and its JSON API).
"""
