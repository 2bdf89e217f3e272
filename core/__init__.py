"""Zugong core: tenancy, people, permissions, audit, jobs, plugins and the web shell."""


def create_app(overrides=None):  # noqa: ANN001, ANN201 - thin re-export
    from core.app import create_app as factory

    return factory(overrides)
