"""Every state change in procurement, by entity: atomic, audited, raising DomainError on a broken rule.

Callers import from here (`from procurement import services`); the modules hold tenders, questions, submissions,
awards and saved searches, and `fanout` the notifications they send.
"""

from .awards import award_sign, tender_award
from .questions import question_answer, question_ask
from .saved_searches import saved_search_create, saved_search_delete
from .submissions import check_eligibility, submission_decline, submission_submit
from .tenders import (
    AMENDABLE_FIELDS,
    exceeds_eu_threshold,
    tender_add_document,
    tender_amend,
    tender_cancel,
    tender_publish,
    tender_save_draft,
    tender_unwatch,
    tender_watch,
    tenders_close_due,
)

__all__ = [
    "AMENDABLE_FIELDS",
    "award_sign",
    "check_eligibility",
    "exceeds_eu_threshold",
    "question_answer",
    "question_ask",
    "saved_search_create",
    "saved_search_delete",
    "submission_decline",
    "submission_submit",
    "tender_add_document",
    "tender_amend",
    "tender_award",
    "tender_cancel",
    "tender_publish",
    "tender_save_draft",
    "tender_unwatch",
    "tender_watch",
    "tenders_close_due",
]
