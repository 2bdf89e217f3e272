"""Zugong core: tenancy, people, permissions, audit, jobs, plugins and the web shell.

The app factory is :func:`core.app.create_app` (not re-exported here: every module of
core imports this package, so it must import nothing)."""
