"""Exports of the registry: open data (verified companies) and the coordinators' XLSX of everything they see."""

import csv
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from asfportal.accounts.models import Organisation
from asfportal.core.exports import xlsx_response

from .models import Company, ServiceCategory

# Documented on the directory page ("Öppna data"); keep the two in step.
OPEN_DATA_FIELDS = [
    "id",
    "name",
    "org_number",
    "legal_form",
    "verified_until",
    "municipality_codes",
    "municipalities",
    "services",
    "work_training_places",
    "website",
    "email",
    "phone",
    "visiting_address",
    "postal_code",
    "city",
    "description",
]


def open_data_rows() -> list[dict]:
    """One dict per listed company, in three queries whatever the number of companies."""
    companies = Company.objects.listed().prefetch_related(
        Prefetch("municipalities", queryset=Organisation.objects.order_by("code")),
        Prefetch("service_categories", queryset=ServiceCategory.objects.order_by("slug")),
    )
    return [
        {
            "id": c.pk,
            "name": c.name,
            "org_number": c.org_number,
            "legal_form": c.legal_form,
            "verified_until": c.verified_until.isoformat(),
            "municipality_codes": [m.code for m in c.municipalities.all()],
            "municipalities": [m.name for m in c.municipalities.all()],
            "services": [s.slug for s in c.service_categories.all()],
            "work_training_places": c.work_training_places,
            "website": c.website,
            "email": c.email,
            "phone": c.phone,
            "visiting_address": c.visiting_address,
            "postal_code": c.postal_code,
            "city": c.city,
            "description": c.description,
        }
        for c in companies.order_by("name", "pk")
    ]


# The two CSV forms offered beside each other: (delimiter, text before the heading row). Swedish Excel splits on
# semicolons and reads UTF-8 only after a byte-order mark; everything else reads standard CSV.
CSV_DIALECTS = {"csv": (",", ""), "excel-sv": (";", "\ufeff")}

# The headings in the language of the person exporting (Swedish by default).
REGISTRY_COLUMNS = [
    # (heading, width in characters)
    (pgettext_lazy("registry export", "Name"), 40),
    (pgettext_lazy("registry export", "Organisation number"), 20),
    (pgettext_lazy("registry export", "Legal form"), 34),
    (pgettext_lazy("registry export", "Status"), 18),
    (pgettext_lazy("registry export", "Last assessed"), 15),
    (pgettext_lazy("registry export", "Verified until"), 15),
    (pgettext_lazy("registry export", "Municipalities"), 40),
    (pgettext_lazy("registry export", "Employees"), 11),
    (pgettext_lazy("registry export", "Of them in work integration"), 14),
    (pgettext_lazy("registry export", "Work-training places"), 14),
    (pgettext_lazy("registry export", "E-mail"), 32),
    (pgettext_lazy("registry export", "Phone"), 18),
]


def _registry_values(c: Company) -> list:
    return [
        c.name,
        c.org_number,
        str(c.get_legal_form_display()),
        str(c.status_today_label),
        c.last_assessed_on,
        c.verified_until,
        ", ".join(m.name for m in c.municipalities.all()),
        c.employees_total,
        c.employees_integration,
        c.work_training_places,
        c.email,
        c.phone,
    ]


def _csv_cell(value):
    """Text that a spreadsheet would run as a formula (=, +, -, @) is stored as text (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def registry_csv(companies: QuerySet[Company], *, dialect: str) -> HttpResponse:
    """The registry as CSV: standard (comma) or for Swedish Excel (semicolon, UTF-8 with BOM); ISO dates."""
    delimiter, bom = CSV_DIALECTS[dialect]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    suffix = "-excel" if dialect != "csv" else ""
    response["Content-Disposition"] = (
        f'attachment; filename="asf-register-{timezone.localdate()}{suffix}.csv"'
    )
    response.write(bom)
    writer = csv.writer(response, delimiter=delimiter)
    writer.writerow([str(heading) for heading, _width in REGISTRY_COLUMNS])
    for company in companies:
        writer.writerow([_csv_cell(value) for value in _registry_values(company)])
    return response


def registry_xlsx(companies: QuerySet[Company]) -> HttpResponse:
    """Everything a coordinator may see, with assessment status and expiry, as a spreadsheet."""
    return xlsx_response("ASF", REGISTRY_COLUMNS, (_registry_values(c) for c in companies), "asf-register")
