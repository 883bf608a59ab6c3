"""Exports of the registry: open data (verified companies) and the coordinators' XLSX of everything they see."""

from io import BytesIO

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

from asfportal.accounts.models import Organisation

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


def _cell(value):
    """Text that a spreadsheet would run as a formula (=, +, -, @) is stored as text (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def registry_xlsx(companies: QuerySet[Company]) -> HttpResponse:
    """Everything a coordinator may see, with assessment status and expiry, as a spreadsheet."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("ASF")
    sheet.append(
        [
            "Namn",
            "Organisationsnummer",
            "Juridisk form",
            "Status",
            "Senast bedömd",
            "Verifierad till",
            "Kommuner",
            "Anställda",
            "Varav för arbetsintegrering",
            "Arbetsträningsplatser",
            "E-post",
            "Telefon",
        ]
    )
    for c in companies:
        sheet.append(
            [
                _cell(c.name),
                c.org_number,
                c.get_legal_form_display(),
                c.get_status_display(),
                c.last_assessed_on,
                c.verified_until,
                ", ".join(m.name for m in c.municipalities.all()),
                c.employees_total,
                c.employees_integration,
                c.work_training_places,
                _cell(c.email),
                _cell(c.phone),
            ]
        )
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="asf-register-{timezone.localdate()}.xlsx"'
    return response
