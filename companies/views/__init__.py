"""Pages of the ASF registry: public directory and open data, self-service, and the coordinators' work."""

from .common import PAGE_SIZE
from .public import (
    company_apply,
    company_detail,
    company_directory,
    invitation_accept,
    open_data_csv,
    open_data_json,
)
from .registry import (
    IMPORT_SESSION_KEY,
    change_request_decide,
    change_request_list,
    company_assess,
    company_close,
    company_create,
    company_import,
    company_import_confirm,
    company_import_template,
    company_invite,
    company_manage,
    evidence_download,
    registry_list,
)
from .representatives import colleague_remove, company_edit, company_facts, company_people, my_company

__all__ = [
    "IMPORT_SESSION_KEY",
    "PAGE_SIZE",
    "change_request_decide",
    "change_request_list",
    "colleague_remove",
    "company_apply",
    "company_assess",
    "company_close",
    "company_create",
    "company_detail",
    "company_directory",
    "company_edit",
    "company_facts",
    "company_import",
    "company_import_confirm",
    "company_import_template",
    "company_invite",
    "company_manage",
    "company_people",
    "evidence_download",
    "invitation_accept",
    "my_company",
    "open_data_csv",
    "open_data_json",
    "registry_list",
]
