"""统计报表上报: an upper tenant opens a round (title, plugins, period, due date); each
direct child reviews the figures generated for its own subtree, adds notes and submits
them with one click; the submitted figures are frozen as a snapshot.

:mod:`.models` holds the round (in the opener's tenant) and the submissions (each in the
child's own tenant, carrying a copy of what the child needs to know of the round, so a
child never reads its parent's rows); :mod:`.workflow` the two state machines;
:mod:`.service` opening, figures, submitting, returning and the upper level's view.
"""
