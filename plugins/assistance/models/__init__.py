"""困难党员帮扶 records: the hardship register, the fund's double-entry ledger, relief
grants, revolving loans, pairings and visit campaigns.

Members and org units are the core's (:mod:`core.orgs`): a register record points at a
``members`` row and never copies the member's name, ID number or branch. Every table is
tenant-owned; references between rows are composite ``(tenant_id, id)`` foreign keys.

Money is integer 分 (``*_fen`` columns, BigInteger): never a float anywhere.

A package because one module grew past 400 lines: ``records`` (the register),
``aid`` (grants and loans), ``fund`` (the ledger), ``outreach`` (pairings and
campaigns). Every name is re-exported here, so ``from plugins.assistance.models import
Grant`` is the one way to import a table."""

from __future__ import annotations

from plugins.assistance.models.aid import (
    GRANT_KINDS,
    GUARANTORS,
    MAX_AMOUNT_FEN,
    Grant,
    Instalment,
    Loan,
    LoanNote,
)
from plugins.assistance.models.fund import (
    CHART,
    DUES_MAY_PAY,
    SOURCES,
    SPENDING,
    FundAccount,
    Posting,
)
from plugins.assistance.models.outreach import (
    Campaign,
    CampaignTarget,
    Pairing,
    PairingLog,
)
from plugins.assistance.models.records import (
    CATEGORIES,
    CAUSES,
    LEVELS,
    MAX_INCOME_FEN,
    RELATIONS,
    Approval,
    HardshipRecord,
    HouseholdMember,
    Objection,
)

__all__ = [
    "Approval",
    "CATEGORIES",
    "CAUSES",
    "CHART",
    "Campaign",
    "CampaignTarget",
    "DUES_MAY_PAY",
    "FundAccount",
    "GRANT_KINDS",
    "GUARANTORS",
    "Grant",
    "HardshipRecord",
    "HouseholdMember",
    "Instalment",
    "LEVELS",
    "Loan",
    "LoanNote",
    "MAX_AMOUNT_FEN",
    "MAX_INCOME_FEN",
    "Objection",
    "Pairing",
    "PairingLog",
    "Posting",
    "RELATIONS",
    "SOURCES",
    "SPENDING",
]
