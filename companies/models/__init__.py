"""The ASF registry: companies, their representatives, assessments against the four criteria, change requests."""

from .assessment import (
    EVIDENCE_EXTENSIONS,
    SALARY_RATIO_LIMIT,
    Assessment,
    default_valid_until,
    evidence_path,
)
from .change_request import ChangeRequest
from .company import (
    CRITERIA_FIELDS,
    MAX_HEADCOUNT,
    RESERVED_CONTRACT_SHARE,
    SEARCH_VECTOR,
    Company,
    CompanyQuerySet,
    ServiceCategory,
)
from .people import ContactPerson, Invitation, Representative

__all__ = [
    "CRITERIA_FIELDS",
    "EVIDENCE_EXTENSIONS",
    "MAX_HEADCOUNT",
    "RESERVED_CONTRACT_SHARE",
    "SALARY_RATIO_LIMIT",
    "SEARCH_VECTOR",
    "Assessment",
    "ChangeRequest",
    "Company",
    "CompanyQuerySet",
    "ContactPerson",
    "Invitation",
    "Representative",
    "ServiceCategory",
    "default_valid_until",
    "evidence_path",
]
