"""What coordinators and the public read out of the registry: search that ignores case and accents and knows org
numbers, paging that keeps the filters, the Excel and CSV exports, and the import of what the UI shows."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from companies import selectors
from companies.models import Company
from tests.companies.factories import CompanyFactory, luhn_complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed():
    return [
        CompanyFactory(verified=True, name="Städkraft", city="Örebro", description="Kontor och trappor."),
        CompanyFactory(verified=True, name="Kafé Gemenskap", city="Kumla", description="Lunch och fika."),
        CompanyFactory(verified=True, name="Flyttgänget", city="Lindesberg", description="Vi bär."),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("örebro", "Städkraft"), ("ÖREBRO", "Städkraft"), ("STÄD", "Städkraft"), ("stad", "Städkraft"),
     ("kafe", "Kafé Gemenskap"), ("KAFÉ", "Kafé Gemenskap"), ("fika", "Kafé Gemenskap"),
     ("flyttgänget", "Flyttgänget")],
)  # fmt: skip
def test_search_ignores_case_and_accents_in_directory_and_registry(listed, text, expected):
    assert [c.name for c in selectors.directory_list(text=text)] == [expected]
    assert [c.name for c in selectors.registry_list(text=text)] == [expected]


def test_search_finds_a_company_by_its_organisation_number_in_every_written_form(listed):
    company = listed[1]
    digits = company.org_number.replace("-", "")
    for text in (
        company.org_number,
        digits,
        f"16{company.org_number}",
        f"16{digits}",
        company.org_number[:6],
    ):
        assert company in selectors.directory_list(text=text), text
        assert company in selectors.registry_list(text=text), text


def test_the_directory_pages_with_the_filters_kept(client):
    for n in range(25):
        CompanyFactory(verified=True, name=f"Café {n:02d}", description="Kaffe.")
    CompanyFactory(verified=True, name="Städ AB", description="Städning.")
    first = client.get(reverse("companies:company-directory"), {"q": "cafe"})
    html = first.content.decode()
    assert "page=2" in html and "q=cafe" in html and "??" not in html
    second = client.get(reverse("companies:company-directory"), {"q": "cafe", "page": 2}).content.decode()
    assert "Café 20" in second and "Café 00" not in second and "Städ AB" not in second


def test_the_registry_exports_a_formatted_workbook_with_phone_numbers_as_text(client, coordinator):
    CompanyFactory(name="Exporterat AB", phone="+46 70 112 34 57", email="a@b.se")
    client.force_login(coordinator)
    response = client.get(reverse("companies:registry-list"), {"format": "xlsx"})
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet["A1"].value == "Namn" and sheet["A1"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:L2"
    assert sheet.column_dimensions["A"].width >= 30
    phone = sheet.cell(row=2, column=12)
    assert (phone.value, phone.data_type) == ("+46 70 112 34 57", "s")  # no apostrophe, not a number


@pytest.mark.parametrize(("dialect", "first_line"), [("csv", "Namn,Organisationsnummer"),
                                                     ("excel-sv", "\ufeffNamn;Organisationsnummer")])  # fmt: skip
def test_the_registry_exports_standard_csv_and_csv_for_swedish_excel(
    client, coordinator, dialect, first_line
):
    CompanyFactory(name="Kafé; Ett")
    client.force_login(coordinator)
    response = client.get(reverse("companies:registry-list"), {"format": dialect})
    text = response.content.decode("utf-8")
    assert text.startswith(first_line)
    assert "Kafé; Ett" in text


def test_open_data_comes_as_csv_for_swedish_excel_too(client):
    CompanyFactory(verified=True, name="Kafé Ett")
    text = b"".join(
        client.get("/open-data/companies.csv", {"dialect": "excel-sv"}).streaming_content
    ).decode()
    assert text.startswith("\ufeffid;name;org_number")
    assert "Kafé Ett" in text


@pytest.mark.parametrize(
    "label",
    ["Ekonomisk förening", "Economic association (ekonomisk förening)", "EKONOMISK FÖRENING",
     "ekonomisk_forening", "ek. för."],
)  # fmt: skip
def test_the_import_accepts_the_legal_form_labels_the_ui_shows(client, coordinator, label):
    client.force_login(coordinator)
    content = f"namn;organisationsnummer;juridisk form\nKafé;{luhn_complete('769601001')};{label}\n"
    response = client.post(
        reverse("companies:company-import"), {"file": SimpleUploadedFile("a.csv", content.encode())}
    )
    (row,) = response.context["rows"]
    assert row.errors == []
    assert row.cleaned["legal_form"] == Company.LegalForm.EKONOMISK_FORENING
