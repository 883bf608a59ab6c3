"""Import of company lists from CSV or XLSX: every row validated and previewed, then saved all or nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from asfportal.accounts.models import Organisation
from asfportal.core.audit import audit
from asfportal.core.exceptions import DomainError

from . import services
from .forms import CompanyCreateForm
from .models import Company
from .search import fold

MAX_ROWS = 2000
# Column headings as municipalities write them (Swedish), mapped to the form's fields.
COLUMNS = {
    "namn": "name",
    "organisationsnummer": "org_number",
    "juridisk form": "legal_form",
    "kommunkoder": "municipalities",
    "besöksadress": "visiting_address",
    "postnummer": "postal_code",
    "ort": "city",
    "webbplats": "website",
    "e-post": "email",
    "telefon": "phone",
    "beskrivning": "description",
    "anställda": "employees_total",
    "varav för arbetsintegrering": "employees_integration",
    "personer i arbetsträning": "participants",
    "arbetsträningsplatser": "work_training_places",
}
REQUIRED_COLUMNS = ("namn", "organisationsnummer", "juridisk form")
# Short names municipalities write in their lists, beside the labels the portal shows (Swedish and English,
# built in _legal_forms()) and the internal codes.
LEGAL_FORM_SHORT_NAMES = {
    "ekonomisk förening": Company.LegalForm.EKONOMISK_FORENING,
    "ek. för.": Company.LegalForm.EKONOMISK_FORENING,
    "ek för": Company.LegalForm.EKONOMISK_FORENING,
    "aktiebolag (svb)": Company.LegalForm.AKTIEBOLAG_SVB,
    "aktiebolag svb": Company.LegalForm.AKTIEBOLAG_SVB,
    "svb": Company.LegalForm.AKTIEBOLAG_SVB,
    "ideell förening": Company.LegalForm.IDEELL_FORENING,
    "stiftelse": Company.LegalForm.STIFTELSE,
    "aktiebolag": Company.LegalForm.AKTIEBOLAG,
    "ab": Company.LegalForm.AKTIEBOLAG,
    "annan": Company.LegalForm.OTHER,
    "annat": Company.LegalForm.OTHER,
}


def _legal_forms() -> dict[str, str]:
    """Every way of writing a legal form the import understands, folded (case and accents ignored): the short
    names, the internal codes, and the labels the UI shows in Swedish and in English."""
    names = {fold(name): code for name, code in LEGAL_FORM_SHORT_NAMES.items()}
    for code, label in Company.LegalForm.choices:
        names[fold(code)] = code
        for language in ("sv", "en"):
            with translation.override(language):
                names[fold(str(label))] = code
    return names


NUMBER_FIELDS = ("employees_total", "employees_integration", "participants", "work_training_places")


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    cleaned: dict | None = None


def read_table(upload) -> list[dict[str, str]]:
    """Rows of a CSV (UTF-8, comma or semicolon) or XLSX file as dicts keyed by lower-case heading."""
    name = upload.name.lower()
    data = upload.read()
    if name.endswith(".xlsx"):
        if not data.startswith(b"PK\x03\x04"):
            raise DomainError(_("The file is not a valid Excel file (XLSX)."))
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            table = [
                ["" if cell is None else str(cell) for cell in row]
                for row in sheet.iter_rows(values_only=True)
            ]
        except Exception as error:  # openpyxl raises many kinds on a damaged file
            raise DomainError(_("The Excel file could not be read.")) from error
    elif name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise DomainError(_("Save the CSV file as UTF-8 and try again.")) from error
        table = list(csv.reader(io.StringIO(text), delimiter=_delimiter(text)))
    else:
        raise DomainError(_("Upload a CSV or XLSX file."))
    if not table:
        raise DomainError(_("The file is empty."))
    headings = [heading.strip().lower() for heading in table[0]]
    missing = [column for column in REQUIRED_COLUMNS if column not in headings]
    if missing:
        raise DomainError(_("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)})
    rows = [
        dict(zip(headings, (cell.strip() for cell in row), strict=False)) for row in table[1:] if any(row)
    ]
    if len(rows) > MAX_ROWS:
        raise DomainError(_("At most %(max)s rows can be imported at a time.") % {"max": MAX_ROWS})
    return rows


def _delimiter(text: str) -> str:
    """Comma or semicolon (Excel's Swedish export), whichever splits the heading row into more known headings.

    csv.Sniffer guessed from the first rows and gave up on rows of uneven length (a cell with a semicolon in
    it, trailing cells left out), reading a semicolon file as one column: "the file lacks the columns"."""
    headings = text.split("\n", 1)[0]
    return max(",;", key=lambda d: len({h.strip().lower() for h in headings.split(d)} & set(COLUMNS)))


def validate_rows(raw_rows: list[dict[str, str]]) -> list[ImportRow]:
    """Check every row as a registration would (the form for the shape, then services.company_check: the same
    model rules as the coordinator's form, the application and the admin), plus duplicates within the file."""
    municipalities = dict(Organisation.objects.municipalities().values_list("code", "pk"))
    legal_forms = _legal_forms()
    seen: dict[str, int] = {}
    result = []
    for line, raw in enumerate(raw_rows, start=2):
        row = ImportRow(line=line, values={target: raw.get(column, "") for column, target in COLUMNS.items()})
        data, unknown = _form_data(row.values, municipalities, legal_forms)
        if unknown:
            row.errors.append(_("Unknown municipality codes: %(codes)s.") % {"codes": ", ".join(unknown)})
        form = CompanyCreateForm(data)
        if form.is_valid():
            fields = {
                k: v
                for k, v in form.cleaned_data.items()
                if k not in ("municipalities", "service_categories")
            }
            try:
                company = services.company_check(fields=fields)
            except DomainError as error:
                row.errors.extend(_labelled(form, error))
            else:
                if company.org_number in seen:
                    row.errors.append(
                        _("The same organisation number is on row %(line)s.")
                        % {"line": seen[company.org_number]}
                    )
                seen.setdefault(company.org_number, line)
                row.cleaned = form.cleaned_data
        for name, messages in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            row.errors.extend(f"{capfirst(label)}: {message}" if label else message for message in messages)
        result.append(row)
    return result


def _labelled(form, error: DomainError) -> list[str]:
    lines = list(error.reasons)
    for name, texts in error.field_errors.items():
        label = form.fields[name].label if name in form.fields else ""
        lines.extend(f"{capfirst(label)}: {text}" if label else text for text in texts)
    return lines


@transaction.atomic
def companies_import(*, raw_rows: list[dict[str, str]], actor) -> int:
    """Register every row, or none: validated again inside one transaction, stopped by the first broken rule."""
    rows = validate_rows(raw_rows)
    if not rows or any(row.errors for row in rows):
        raise DomainError(_("Correct the rows with errors first; nothing has been saved."))
    for row in rows:
        data = dict(row.cleaned)
        municipalities = data.pop("municipalities", [])
        categories = data.pop("service_categories", [])
        services.company_register(
            fields=data, municipalities=municipalities, service_categories=categories, actor=actor
        )
    audit(actor, "companies.company.imported", None, count=len(rows))
    return len(rows)


def _form_data(
    values: dict[str, str], municipalities: dict[str, int], legal_forms: dict[str, str]
) -> tuple[dict, list[str]]:
    """Form input for one row, and the municipality codes that are not SCB codes of a municipality."""
    data = {k: v for k, v in values.items() if k != "municipalities"}
    data["legal_form"] = legal_forms.get(fold(" ".join(values["legal_form"].split())), values["legal_form"])
    for number in NUMBER_FIELDS:
        data[number] = data[number] or "0"
    codes = [
        code.strip().zfill(4)
        for code in values["municipalities"].replace(";", ",").split(",")
        if code.strip()
    ]
    data["municipalities"] = [municipalities[code] for code in codes if code in municipalities]
    return data, [code for code in codes if code not in municipalities]
