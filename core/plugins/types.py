"""The small value types plugins hand to core through the hooks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

Light = Literal["green", "yellow", "red"]


@dataclass(frozen=True)
class PluginMeta:
    name: str
    title: str  # Chinese title, e.g. 信访
    title_en: str
    version: str
    description: str = ""
    depends_on: tuple[str, ...] = ()

    def localized_title(self) -> str:
        """The title in the language of the request (Chinese outside one)."""
        from flask import has_request_context
        from flask_babel import get_locale

        english = has_request_context() and get_locale().language == "en"
        return self.title_en if english else self.title


@dataclass(frozen=True)
class PermissionDef:
    key: str  # "<plugin>.<verb>", e.g. petitions.view_identity
    title: str
    sensitive: bool = False


@dataclass(frozen=True)
class RoleDef:
    key: str
    title: str
    permissions: tuple[str, ...]


@dataclass(frozen=True)
class NavItem:
    title: str
    endpoint: str
    icon: str = ""
    order: int = 100
    permission: str | None = None


@dataclass(frozen=True)
class DashboardWidget:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


@dataclass(frozen=True)
class TodoItem:
    title: str
    url: str
    plugin: str
    due: date | None = None
    light: Light = "green"
    kind: str = ""
    estimated: bool = False  # the due date rests on an estimated holiday schedule


@dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    plugin: str
    snippet: str = ""


@dataclass(frozen=True)
class PeriodicJob:
    """A job run every ``interval``.

    ``scope="platform"`` runs once for the whole platform (set-based scans over every
    tenant, inside an audited cross-tenant scope); ``scope="tenant"`` runs once per tenant
    that enables the plugin.
    """

    name: str
    path: str  # "package.module:function", run through core.jobs
    interval: timedelta
    scope: Literal["platform", "tenant"] = "platform"


@dataclass(frozen=True)
class RedHead:
    """A document type's 版头 (GB/T 9704-2012 7.2; :mod:`core.documents.official`).

    ``mark`` is the 发文机关标志 (text or a tag, e.g. ``"{{ unit_full_name }}"``), inserted
    at the top unless the template's first paragraph already reads so; ``lines``
    paragraphs from the mark on form the 版头 (the mark, then e.g. a bulletin's issue
    number and date line), with the red separator line under the last of them.
    """

    mark: str
    lines: int = 1


@dataclass(frozen=True)
class DocumentTemplateDef:
    """A formal document (.docx) a plugin prints, from a template a tenant can replace.

    ``name`` is ``"<plugin>.<document>"`` (e.g. ``core.member_registration``) and names the
    template in URLs and in the tenant's stored replacement. ``default_path`` is the .docx
    shipped with the plugin (docxtpl/Jinja tags such as ``{{ name }}``). ``sample_context``
    holds every variable the plugin passes when rendering, with realistic sample values: an
    uploaded replacement must render with it, and the admin page lists it for authors.
    """

    name: str
    title: str
    default_path: Path
    sample_context: dict = field(default_factory=dict)
    #: The 红头 of document types that have one (交办函, 通报); None for the others.
    red_head: RedHead | None = None
    #: False for a 简报/期刊 issue: its 版头 names the issuing unit and the date, and it
    #: carries no 落款 (GB/T 9704 applies to 公文; a 简报 ends with its last article).
    signed: bool = True
    #: A standard form printed from one record (信访登记表, 督办通知单, 救助审批表 …): the
    #: permission to print it, and the record's values by its id. ``record_context``
    #: runs in the tenant's scope and answers 404 for an id the tenant cannot see (it
    #: uses the plugin's lookup-or-404); core serves it at
    #: ``/t/<tenant>/forms/<name>/<id>.docx`` (:mod:`core.documents.views`).
    record_permission: str | None = None
    record_context: Callable[[int], dict[str, Any]] | None = None
