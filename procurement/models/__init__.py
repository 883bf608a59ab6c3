"""Tenders that reserve contracts for ASF or demand integration employment, with questions, answers and awards."""

from .answers import Award, Decline, Question, SavedSearch, Submission, Watch
from .ocds import OcdsRelease
from .tenders import (
    DOCUMENT_EXTENSIONS,
    Amendment,
    CpvCode,
    Lot,
    Tender,
    TenderDocument,
    TenderQuerySet,
    cpv_check_digit,
    document_path,
    https_only,
)

__all__ = [
    "DOCUMENT_EXTENSIONS",
    "Amendment",
    "Award",
    "CpvCode",
    "Decline",
    "Lot",
    "OcdsRelease",
    "Question",
    "SavedSearch",
    "Submission",
    "Tender",
    "TenderDocument",
    "TenderQuerySet",
    "Watch",
    "cpv_check_digit",
    "document_path",
    "https_only",
]
