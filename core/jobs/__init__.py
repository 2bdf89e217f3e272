"""Background and scheduled jobs: RQ on Redis in production, in-process when embedded.

    from core.jobs import enqueue
    enqueue("plugins.petitions.jobs:send_notice", petition_id=p.id)

A job carries its tenant (default: the one in scope), its plugin and its user; it is
dispatched only after the current transaction commits, and the worker re-enters the
tenant scope before running it (:mod:`core.jobs.runner`).
"""

from core.jobs.dispatch import enqueue, once

__all__ = ["enqueue", "once"]
