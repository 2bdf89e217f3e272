"""List exports, declared once by each plugin and run by core (issue 14).

A plugin declares its exports (:class:`core.exportruns.types.ExportDef`, hook
``zugong_exports``); its export route calls
:func:`core.exportruns.service.answer_export`. A page of rows or fewer is answered with
the file at once; more make an :class:`~core.exportruns.models.ExportRun` and a job of
the tenant (:mod:`core.exportruns.job`) that streams the rows into the file, while the
user watches its progress on ``/t/<tenant>/exports/<id>`` and downloads it there.

Nothing is imported here: :mod:`core.plugins.hookspecs` names the declaration's type,
and the package must not pull the service, jobs and views in behind it (an import
cycle through the plugin manager).
"""
