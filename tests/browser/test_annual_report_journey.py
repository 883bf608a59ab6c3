"""The annual report in Chromium with a real Celery worker: a coordinator enters the year's contract value,
generates the report, watches its progress, and opens the PDF and the workbook; their figures agree with the page
and with the hand-counted dataset."""

import io
import re
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from policies.models import AnnualReport
from tests.browser.helpers import assert_accessible, login_as
from tests.policies.test_annual_report import Y, dataset  # noqa: F401 - the fixture is used by name

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.mark.usefixtures("dataset")
def test_a_coordinator_generates_and_opens_the_annual_report(
    page, live_server, start_worker, settings, coordinator
):
    start_worker(MEDIA_ROOT=str(settings.MEDIA_ROOT))
    login_as(page, live_server, coordinator)
    page.goto(f"{live_server.url}{reverse('policies:steering')}")
    page.get_by_role("link", name="Årsrapporter").click()
    assert_accessible(page)

    # The total for the year replaces the 6 000 000 kr of the dataset: 300 000 kr to ASF is then 2.5 %.
    page.locator("#id_year").fill(str(Y))
    page.locator("#id_total_value").fill("12000000")
    page.get_by_role("button", name="Spara avtalsvärdet").click()
    assert page.get_by_text("Avtalsvärdet är sparat.").is_visible()

    page.locator("#id_report-year").fill(str(Y))
    page.get_by_role("button", name="Skapa årsrapporten").click()
    # The progress page polls the worker's progress and shows the report when it is done.
    page.get_by_role("heading", name=f"Årsrapport {Y}: Östra Göinge kommun").wait_for(timeout=60_000)
    page.get_by_role("link", name="Ladda ner PDF").wait_for(timeout=60_000)
    report = AnnualReport.objects.get()
    assert report.status == "done" and report.progress == 100
    body = page.locator("main").inner_text()
    assert re.search(r"Tilldelat ASF\s+300\s000 kr", body)
    assert re.search(r"ASF:s andel av allt kontraktsvärde\s+2,5 %", body)
    assert re.search(r"Verifierade vid årets slut\s+2", body)
    assert_accessible(page)

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Ladda ner PDF").click()
    pdf = pdf_download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    text = re.sub(r"[ \t\xa0]+", " ", text)
    assert "Tilldelat ASF 300 000 kr" in text and "ASF:s andel av allt kontraktsvärde 2,5 %" in text

    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Ladda ner Excelarbetsbok").click()
    workbook = load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes()))
    summary = {
        row[0]: row[1:] for row in workbook.worksheets[0].iter_rows(values_only=True) if row and row[0]
    }
    assert summary["Avtalsvärde tilldelat ASF (kr)"][0] == 300_000
    assert summary["ASF:s andel av allt kontraktsvärde (%)"][0] == 2.5
    assert summary["Verifierade ASF vid årets slut"][0] == 2
