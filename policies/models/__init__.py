"""A municipality's stance on ASF: contact persons, adopted policies and action plans followed up year by year,
and the annual report. Split by entity; everything is importable from `policies.models`."""

from .plans import ActionPlan, Activity, Goal, Indicator, Milestone, ProgressNote
from .reports import AnnualReport, BoardReport, ContractTotal, report_path
from .steering import ContactPerson, PartnerRole, Policy

__all__ = [
    "ActionPlan",
    "Activity",
    "AnnualReport",
    "BoardReport",
    "ContactPerson",
    "ContractTotal",
    "Goal",
    "Indicator",
    "Milestone",
    "PartnerRole",
    "Policy",
    "ProgressNote",
    "report_path",
]
