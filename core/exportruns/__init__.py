"""List exports, declared once by each plugin and run by core (issue 14).

A plugin declares its exports (:class:`ExportDef`, hook ``zugong_exports``); its export
route calls :func:`answer`. A page of rows or fewer is answered with the file at once;
more make an :class:`~core.exportruns.models.ExportRun` and a job of the tenant
(:mod:`core.exportruns.job`) that streams the rows into the file, while the user watches
its progress on ``/t/<tenant>/exports/<id>`` and downloads the file there when it is done.
"""

from core.exportruns.registry import ExportDef
from core.exportruns.service import answer, count_of

__all__ = ["ExportDef", "answer", "count_of"]
