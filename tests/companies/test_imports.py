"""Importing company lists: every row checked in a preview, then all rows saved or none."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from companies.models import Company
from tests.companies.factories import CompanyFactory, luhn_complete

pytestmark = pytest.mark.django_db

HEADINGS = "namn;organisationsnummer;juridisk form;kommunkoder;anställda;varav för arbetsintegrering"


def _csv(*lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("lista.csv", "\n".join([HEADINGS, *lines]).encode("utf-8"))


@pytest.fixture
def orebro(db):
    from asfportal.accounts.models import Organisation

    return Organisation.objects.create(name="Örebro kommun", kind="kommun", code="1880")


def test_a_clean_file_is_previewed_and_imported_on_confirmation(client, coordinator, orebro):
    a, b = luhn_complete("769601001"), luhn_complete("802401002")
    client.force_login(coordinator)
    upload = _csv(f"Kafé Ett;{a};ekonomisk förening;1880;5;3", f"Städ Två;{b};ideell förening;;2;1")
    response = client.post(reverse("companies:company-import"), {"file": upload})
    assert [row.errors for row in response.context["rows"]] == [[], []]
    assert not Company.objects.exists()  # nothing before confirmation

    response = client.post(reverse("companies:company-import-confirm"))
    assert response.url == reverse("companies:registry-list")
    assert set(Company.objects.values_list("org_number", flat=True)) == {a, b}
    assert list(Company.objects.get(org_number=a).municipalities.all()) == [orebro]


def test_every_rows_error_is_shown_in_swedish_and_nothing_is_saved(client, coordinator, orebro):
    existing = CompanyFactory(name="Redan Här")
    good = luhn_complete("769601001")
    client.force_login(coordinator)
    upload = _csv(
        f"Bra;{good};ekonomisk förening;1880;5;3",
        "Fel nummer;556036-0794;aktiebolag;;1;0",
        f"Dubblett;{existing.org_number};ekonomisk förening;;1;0",
        f"Samma igen;{good};ekonomisk förening;;1;0",
        f"Okänd kommun;{luhn_complete('769601002')};ekonomisk förening;9999;1;0",
    )
    response = client.post(reverse("companies:company-import"), {"file": upload})
    errors = [" ".join(row.errors) for row in response.context["rows"]]
    assert errors[0] == ""
    assert "Kontrollsiffran" in errors[1]
    assert "Redan Här" in errors[2]
    assert "rad 2" in errors[3]
    assert "9999" in errors[4]
    assert "Importera alla rader" not in response.content.decode()
    response = client.post(reverse("companies:company-import-confirm"), follow=True)
    assert Company.objects.count() == 1  # only the factory's


def test_xlsx_files_are_read(client, coordinator):
    book = Workbook()
    book.active.append(["Namn", "Organisationsnummer", "Juridisk form"])
    book.active.append(["Excelbolaget (svb)", luhn_complete("559901003"), "aktiebolag (svb)"])
    buffer = BytesIO()
    book.save(buffer)
    client.force_login(coordinator)
    upload = SimpleUploadedFile("lista.xlsx", buffer.getvalue())
    response = client.post(reverse("companies:company-import"), {"file": upload})
    assert [row.errors for row in response.context["rows"]] == [[]]


def test_a_file_without_the_required_columns_is_refused(client, coordinator):
    client.force_login(coordinator)
    upload = SimpleUploadedFile("lista.csv", b"foo;bar\n1;2\n")
    response = client.post(reverse("companies:company-import"), {"file": upload})
    assert "saknar kolumnerna" in response.content.decode()
    assert response.context["rows"] is None


def test_a_fake_xlsx_is_refused(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("companies:company-import"), {"file": SimpleUploadedFile("x.xlsx", b"not zip")}
    )
    assert response.context["rows"] is None
    assert not Company.objects.exists()


def test_a_single_column_csv_is_refused_with_a_message_not_a_crash(client, coordinator):
    client.force_login(coordinator)
    upload = SimpleUploadedFile("lista.csv", "namn\nKafé\n".encode())
    response = client.post(reverse("companies:company-import"), {"file": upload})
    assert response.status_code == 200
    assert "saknar kolumnerna" in response.content.decode()
