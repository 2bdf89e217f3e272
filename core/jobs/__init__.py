"""Background and scheduled jobs: RQ on Redis in production, in-process when embedded.

    from core.jobs import enqueue, once
    enqueue("plugins.petitions.jobs:send_notice", petition_id=p.id)

    def send_notice(petition_id: int) -> None:      # runs in the petition's tenant
        if once(f"notice:{petition_id}"):          # idempotent under retries
            ...

A job carries its tenant (default: the one in scope), its plugin (default: the plugin
whose package holds the function) and its user; it is dispatched only after the current
transaction commits, and dropped if it rolls back (on RQ it is an outbox row of that
transaction, :mod:`core.jobs.outbox`, so Redis being down at the commit loses nothing). The worker re-enters the tenant scope
before running it, refuses it where its plugin is disabled, and retries it when it fails
(:mod:`core.jobs.runner`). Arguments are JSON values: pass ids, not objects.
"""

from core.jobs.dispatch import enqueue, once

__all__ = ["enqueue", "once"]
