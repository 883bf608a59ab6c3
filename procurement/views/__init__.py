"""Pages about tenders: the public list and page, companies' questions and answers, officers' work, open data."""

from .companies import (
    question_ask,
    saved_search_delete,
    saved_search_list,
    submission_decline,
    submission_submit,
)
from .officers import (
    award_sign,
    document_add,
    officer_tender_list,
    question_answer,
    submission_detail,
    tender_amend,
    tender_award,
    tender_cancel,
    tender_edit,
    tender_manage,
    tender_publish,
)
from .public import (
    document_download,
    ocds_release,
    ocds_releases,
    tender_detail,
    tender_ics,
    tender_list,
    tenders_ics,
)

__all__ = [
    "award_sign",
    "document_add",
    "document_download",
    "ocds_release",
    "ocds_releases",
    "officer_tender_list",
    "question_answer",
    "question_ask",
    "saved_search_delete",
    "saved_search_list",
    "submission_decline",
    "submission_detail",
    "submission_submit",
    "tender_amend",
    "tender_award",
    "tender_cancel",
    "tender_detail",
    "tender_edit",
    "tender_ics",
    "tender_list",
    "tender_manage",
    "tender_publish",
    "tenders_ics",
]
