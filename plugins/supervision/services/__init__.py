"""Every write of the supervision plugin: ``items`` (opening and correcting items, their
milestones and progress reports), ``followup`` (extensions, reminders, escalation,
accountability), ``moves`` (the effects of the workflow's moves), ``imports`` (the
decomposition .xlsx) and ``escalation`` (petitions followed as items).

Every function works in the tenant in scope, inside the caller's transaction (the
caller commits). Bad input raises :class:`marshmallow.ValidationError` naming the field,
before anything is written."""
