"""The plugin mechanism: hookspecs, discovery, per-tenant enablement and settings."""

from core.plugins.hookspecs import hookimpl

__all__ = ["hookimpl"]
