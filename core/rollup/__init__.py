"""汇总: an upper tenant's figures over its subtree, one row per child, never records.

Each plugin contributes figures through the ``zugong_rollup_figures`` hook
(:mod:`core.plugins.hookspecs`), computed set-based per tenant; :mod:`.service` finds the
subtree, opens the one audited cross-tenant scope, sums the figures per child and
computes rates from the summed parts; :mod:`.views` is the page, :mod:`.exports` the
.xlsx and .docx files.
"""
