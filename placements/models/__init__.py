"""Work-training places at ASF and the placements of pseudonymised participants, with their outcomes."""

from ..choices import (
    EMPLOYMENT_OUTCOMES,
    Adaptation,
    IncomeSource,
    Occupation,
    Outcome,
    SupportMeasure,
    TargetGroup,
)
from .offers import Offer
from .participants import AccessLogEntry, Consent, Participant
from .placements import OUTCOME_FOLLOW_UP_DAYS, FollowUp, FollowUpNote, Placement

__all__ = [
    "EMPLOYMENT_OUTCOMES", "OUTCOME_FOLLOW_UP_DAYS", "AccessLogEntry", "Adaptation", "Consent", "FollowUp",
    "FollowUpNote", "IncomeSource", "Occupation", "Offer", "Outcome", "Participant", "Placement", "SupportMeasure",
    "TargetGroup",
]  # fmt: skip
