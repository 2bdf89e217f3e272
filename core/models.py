"""Every core model, imported at start-up so the metadata (and Alembic) sees them all."""

from core.attachments.models import Attachment
from core.audit.models import AuditEntry, AuditHead
from core.auth.models import (
    ApiToken,
    Invitation,
    LoginAttempt,
    Membership,
    MembershipRole,
    Role,
    User,
)
from core.calendar import CalendarDay, CalendarYear
from core.documents.models import DocumentTemplate, IssuedDocument
from core.exportruns.models import ExportRun
from core.jobs.models import Occasion, OutboxJob
from core.orgs.models import Member, OrgUnit
from core.rounds.models import RollupRound, RollupSubmission
from core.serials import SerialCounter
from core.tenancy.grants import RecordGrant
from core.tenancy.models import CacheVersion, Tenant, TenantPlugin
from core.workflow import StateChange

__all__ = [
    "Attachment",
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "CacheVersion",
    "CalendarDay",
    "CalendarYear",
    "DocumentTemplate",
    "ExportRun",
    "IssuedDocument",
    "Invitation",
    "LoginAttempt",
    "Member",
    "Membership",
    "MembershipRole",
    "Occasion",
    "OutboxJob",
    "OrgUnit",
    "RecordGrant",
    "RollupRound",
    "RollupSubmission",
    "Role",
    "SerialCounter",
    "StateChange",
    "Tenant",
    "TenantPlugin",
    "User",
]
