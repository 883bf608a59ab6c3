"""Every rule on a company's own facts, tried on every path into the registry: the service, the coordinator's form,
the public application, the import and the admin. Each path must refuse the same input with the same Swedish
sentence, on the field it concerns (the rule lives once, on the model; issue 14 §1)."""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from asfportal.accounts.models import Membership
from asfportal.core.exceptions import DomainError
from companies import services
from companies.models import Company, Representative
from tests.companies.factories import CompanyFactory, luhn_complete

pytestmark = pytest.mark.django_db

GOOD_NUMBER = luhn_complete("769612345")


@dataclass
class Rule:
    name: str
    fields: dict  # what differs from a valid registration
    field: str  # where the refusal must stand
    words: str  # in the Swedish sentence every path shows
    public_words: str | None = None  # the public application's own wording, where it differs by design

    def __str__(self) -> str:
        return self.name


RULES = [
    Rule("personnummer with century", {"org_number": "19811218-9876"}, "org_number", "personnummer"),
    Rule("personnummer", {"org_number": "811218-9876"}, "org_number", "personnummer"),
    Rule("check digit", {"org_number": "769612-3457"}, "org_number", "Kontrollsiffran"),
    Rule("hyphen out of place", {"org_number": "76961-23456"}, "org_number", "bindestreck bara efter"),
    Rule("too short", {"org_number": "76961234"}, "org_number", "tio siffror"),
    Rule("dödsbo (group 1)", {"org_number": luhn_complete("142030405"), "legal_form": "other"}, "org_number",
         "dödsbon"),
    Rule("public body (group 2)", {"org_number": "212000-0142", "legal_form": "other"}, "org_number",
         "kommuner"),
    Rule("group digit and legal form", {"legal_form": "aktiebolag"}, "legal_form", "Aktiebolag börjar med 5"),
    Rule("integration within employees", {"employees_total": 2, "employees_integration": 3},
         "employees_integration", "Kan inte vara fler än antalet anställda"),
    Rule("headcount limit", {"employees_total": 9_223_372_036_854_775_807}, "employees_total", "högst 100000"),
    Rule("personnummer in a text", {"description": "Kontakt: Eva, 19811218-9876"}, "description",
         "personnummer"),
    Rule("phone number", {"phone": "12"}, "phone", "Ange ett telefonnummer"),
    Rule("postal code", {"postal_code": "7021"}, "postal_code", "fem siffror"),
    Rule("website", {"website": "javascript:alert(1)"}, "website", "giltig URL"),
    Rule("already registered", {"org_number": "existing"}, "org_number", "redan registrerat, för Redan Här",
         public_words="redan registrerat. Kontakta en samordnare"),
]  # fmt: skip

FORM_DEFAULTS = {"name": "Kafé Ett", "org_number": GOOD_NUMBER, "legal_form": "ekonomisk_forening",
                 "employees_total": 5, "employees_integration": 3, "participants": 0, "work_training_places": 0}  # fmt: skip


@pytest.fixture(autouse=True)
def _swedish():
    with translation.override("sv"):
        yield


def _data(rule: Rule) -> dict:
    data = {**FORM_DEFAULTS, **rule.fields}
    if data["org_number"] == "existing":
        existing = Company.objects.filter(name="Redan Här").first() or CompanyFactory(name="Redan Här")
        data["org_number"] = existing.org_number
    return data


def _messages(errors, field) -> str:
    return " ".join(str(m) for m in errors.get(field, []))


def _by_service(rule, coordinator, client):
    fields = {k: v for k, v in _data(rule).items() if k != "website" or v}
    with pytest.raises(DomainError) as error:
        services.company_register(fields=fields, actor=coordinator)
    return _messages(error.value.field_errors, rule.field)


def _by_coordinator_form(rule, coordinator, client):
    client.force_login(coordinator)
    response = client.post(reverse("companies:company-create"), _data(rule))
    assert response.status_code == 200
    return _messages(response.context["form"].errors, rule.field)


def _by_public_application(rule, coordinator, client):
    data = {**_data(rule), "applicant_name": "Eva Ek", "applicant_email": "eva@kafe-ett.se"}
    response = client.post(reverse("companies:company-apply"), data)
    assert response.status_code == 200
    return _messages(response.context["form"].errors, rule.field)


IMPORT_COLUMNS = {"namn": "name", "organisationsnummer": "org_number", "juridisk form": "legal_form",
                  "anställda": "employees_total", "varav för arbetsintegrering": "employees_integration",
                  "telefon": "phone", "postnummer": "postal_code", "beskrivning": "description",
                  "webbplats": "website"}  # fmt: skip


def _by_import(rule, coordinator, client):
    data = _data(rule)
    header = ";".join(IMPORT_COLUMNS)
    line = ";".join(str(data.get(target, "")) for target in IMPORT_COLUMNS.values())
    client.force_login(coordinator)
    upload = SimpleUploadedFile("lista.csv", f"{header}\n{line}\n".encode())
    response = client.post(reverse("companies:company-import"), {"file": upload})
    (row,) = response.context["rows"]
    return " ".join(row.errors)


def _by_admin(rule, coordinator, client):
    from tests.accounts.factories import UserFactory

    admin = UserFactory(role="administrator", organisation=None, is_staff=True, is_superuser=True)
    client.force_login(admin)
    data = {**_data(rule), "contacts-TOTAL_FORMS": 0, "contacts-INITIAL_FORMS": 0}
    response = client.post(reverse("admin:companies_company_add"), data)
    assert response.status_code == 200
    return _messages(response.context["adminform"].form.errors, rule.field)


PATHS = {"service": _by_service, "coordinator form": _by_coordinator_form,
         "public application": _by_public_application, "import": _by_import, "admin": _by_admin}  # fmt: skip


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("rule", RULES, ids=str)
def test_every_path_refuses_the_same_input_with_the_same_sentence(client, coordinator, rule, path):
    _data(rule)  # an existing company is made before counting
    before = Company.objects.count()
    shown = PATHS[path](rule, coordinator, client)
    words = rule.public_words if (path == "public application" and rule.public_words) else rule.words
    assert words in shown, f"{rule} via {path}: {shown!r}"
    assert "company_" not in shown and "9223372036854775807" not in shown and "2147483647" not in shown
    assert Company.objects.count() == before  # nothing half-saved


@pytest.mark.parametrize("path", list(PATHS))
def test_every_path_accepts_the_three_written_forms_of_an_organisation_number(client, coordinator, path):
    """556677-8899, 5566778899 and 16556677-8899 are one number; every path stores NNNNNN-NNNN."""
    for index, number in enumerate((GOOD_NUMBER, GOOD_NUMBER.replace("-", ""), f"16{GOOD_NUMBER}")):
        # An applicant holds a membership of the company (issue 16), which protects it: removed with the rows.
        Membership.objects.filter(company__isnull=False).delete()
        Representative.objects.all().delete()
        Company.objects.all().delete()
        rule = Rule("valid", {"org_number": number}, "", "")
        if path == "service":
            services.company_register(fields=_data(rule), actor=coordinator)
        elif path == "import":
            assert _by_import(rule, coordinator, client) == ""
            continue
        elif path == "admin":
            _by_admin_saves(rule, client)
        else:
            url = "companies:company-create" if path == "coordinator form" else "companies:company-apply"
            extra = (
                {"applicant_name": "Eva Ek", "applicant_email": f"eva{index}@kafe-ett.se"}
                if "public" in path
                else {}
            )
            client.force_login(coordinator) if "coordinator" in path else client.logout()
            response = client.post(reverse(url), {**_data(rule), **extra})
            errors = (
                response.context["form"].errors if response.context and "form" in response.context else {}
            )
            assert not errors, (path, number, errors)
        assert Company.objects.get().org_number == GOOD_NUMBER, (path, number)


def _by_admin_saves(rule, client):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory(role="administrator", organisation=None, is_staff=True, is_superuser=True))
    data = {**_data(rule), "contacts-TOTAL_FORMS": 0, "contacts-INITIAL_FORMS": 0}
    response = client.post(reverse("admin:companies_company_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
