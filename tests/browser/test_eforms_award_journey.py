"""Issue 17's check in Chromium: the officer imports cn-social_24, reviews it (the imported CPV codes in the
searchable field, a second lot) and publishes it; an ASF answers a lot; the officer awards per lot; the standstill
end is shown, signing is refused before it ends and allowed after (the clock moved by data, never by sleeping);
the public notice and the OCDS record agree. And an amendment of the lots and documents as the officer makes it."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from procurement import services
from procurement.models import Award, Submission, Tender
from procurement.ocds.mapping import ocid_for
from tests.browser.helpers import assert_accessible, login_as, logout
from tests.companies.factories import CompanyFactory, RepresentativeFactory
from tests.procurement.factories import TenderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
EXAMPLES = Path(__file__).resolve().parents[1] / "procurement" / "eforms_examples"


def _notice(tmp_path) -> Path:
    # The SDK example reserves nothing and its deadline is in 2020: reserved for ASF (res-ws, LOU 4 kap. 18 §) and
    # a deadline next year, as an officer's own notice would be.
    notice = tmp_path / "cn-social_24.xml"
    year = timezone.now().year + 1
    notice.write_bytes(
        (EXAMPLES / "cn-social_24.xml")
        .read_bytes()
        .replace(b'listName="reserved-procurement">none<', b'listName="reserved-procurement">res-ws<')
        .replace(b"<cbc:EndDate>2020-", f"<cbc:EndDate>{year}-".encode())
    )
    return notice


def test_import_publish_answer_award_per_lot_standstill_sign_and_the_record_agrees(
    page, live_server, officer, tmp_path
):
    asf = RepresentativeFactory(company=CompanyFactory(verified=True, name="Omsorgskraft")).user

    # The officer imports the notice and reviews the draft.
    login_as(page, live_server, officer)
    page.goto(f"{live_server.url}{reverse('procurement:tender-import')}")
    page.get_by_label("eForms-kungörelse (XML)").set_input_files(str(_notice(tmp_path)))
    page.get_by_label("Länk till kungörelsen").fill("https://ted.europa.eu/sv/notice/-/detail/76c82dad")
    page.get_by_role("button", name="Importera kungörelsen").click()
    page.wait_for_url("**/importerad/")
    tender = Tender.objects.get()
    page.get_by_role("link", name="Gå till upphandlingen").click()
    page.wait_for_url(f"**{reverse('procurement:tender-manage', args=[tender.pk])}")

    # The draft's CPV codes came from the notice (BT-262/263), out of the whole vocabulary; the officer adds one
    # by searching a word, and splits the tender into two lots, the second reserved.
    page.goto(f"{live_server.url}{reverse('procurement:tender-edit', args=[tender.pk])}")
    field = page.locator(".ts-wrapper").filter(has=page.locator("#id_cpv_codes-ts-control"))
    assert "85311300" in field.inner_text()
    search = page.get_by_role("combobox", name="CPV-koder")
    search.fill("snöröj")
    page.get_by_role("option", name="90620000-9 Snöröjning").click()
    page.keyboard.press("Escape")
    page.locator("#id_lots").fill("Säker vård\nBoende för unga *")
    page.locator("#id_estimated_value").fill("2400000")
    page.get_by_role("button", name="Spara utkastet").click()
    page.wait_for_load_state()
    tender.refresh_from_db()
    assert {c.code for c in tender.cpv_codes.all()} >= {"85311300-5", "90620000-9"}
    assert [lot.title for lot in tender.lots.all()] == ["Säker vård", "Boende för unga"]
    assert_accessible(page)
    page.get_by_role("button", name="Publicera", exact=True).click()
    page.wait_for_load_state()
    tender.refresh_from_db()
    assert tender.status == Tender.Status.PUBLISHED
    logout(page)

    # The ASF answers the second lot.
    login_as(page, live_server, asf)
    page.goto(f"{live_server.url}{reverse('procurement:submission-submit', args=[tender.pk])}")
    page.locator("#id_message").fill("Vi driver boendet med tio medarbetare.")
    page.locator("#id_people_occupied").fill("10")
    page.locator("#id_people_in_target_group").fill("6")
    page.get_by_role("checkbox", name="2. Boende för unga").check()
    page.get_by_role("button", name="Lämna anbudet").click()
    page.wait_for_url(f"{live_server.url}{reverse('procurement:tender-detail', args=[tender.pk])}")
    submission = Submission.objects.get()
    assert [lot.number for lot in submission.lots.all()] == [2]
    logout(page)

    # The deadline passes; the officer awards lot 2 to the ASF.
    Tender.objects.filter(pk=tender.pk).update(submission_deadline_at=timezone.now() - timedelta(seconds=1))
    login_as(page, live_server, officer)
    page.goto(f"{live_server.url}{reverse('procurement:tender-award', args=[tender.pk])}")
    assert_accessible(page)
    lot_two = page.get_by_role("group", name="Del 2. Boende för unga")
    lot_two.get_by_role("checkbox", name="Omsorgskraft").check()
    lot_two.get_by_label("Kontraktsvärde för Omsorgskraft").fill("1 150 000")
    lot_two.get_by_label("Skäl för beslutet (skickas till alla anbudsgivare)").fill("Bäst kvalitet.")
    page.get_by_role("button", name="Tilldela och publicera beslutet").click()
    page.wait_for_load_state()
    award = Award.objects.get()
    assert (award.lot.number, award.company.name, award.value) == (2, "Omsorgskraft", 1_150_000)

    # The standstill end is shown, and signing before it is refused with the date.
    end = formats.date_format(award.standstill_ends_on, "DATE_FORMAT")
    main = page.get_by_role("main")
    assert f"Avtalsspärr till och med {end}" in main.inner_text()
    sign = page.get_by_role("button", name="Markera avtalet som undertecknat")
    assert sign.get_attribute("aria-disabled") == "true"
    refusal = f"Avtalsspärren (LOU 20 kap.) gäller till och med {end}"
    assert refusal in page.locator(f"#{sign.get_attribute('aria-describedby')}").inner_text()
    # The button says it is not available yet; sent anyway (aria-disabled does not stop a form), it is refused.
    sign.click(force=True)
    page.wait_for_load_state()
    assert (
        page.get_by_role("main").inner_text().count(refusal) == 2
    )  # the refusal message, and beside the button
    award.refresh_from_db()
    assert award.signed_on is None

    # Eleven days later (the decision dated back instead of waiting), signing goes through.
    Award.objects.filter(pk=award.pk).update(awarded_on=timezone.localdate() - timedelta(days=11))
    page.reload()
    page.get_by_role("button", name="Markera avtalet som undertecknat").click()
    page.wait_for_load_state()
    assert "Avtalet är markerat som undertecknat." in page.get_by_role("main").inner_text()
    award.refresh_from_db()
    assert award.signed_on == timezone.localdate()

    # The public notice and the OCDS record say the same.
    page.goto(f"{live_server.url}{reverse('procurement:tender-detail', args=[tender.pk])}")
    notice = page.locator("section[aria-labelledby=award-heading]").inner_text()
    assert "Omsorgskraft" in notice and "1 150 000 kr" in notice.replace("\u00a0", " ")
    assert "Boende för unga" in notice
    response = page.request.get(
        f"{live_server.url}{reverse('procurement:ocds-record', args=[ocid_for(tender.pk)])}"
    )
    assert response.ok
    (record,) = json.loads(response.body())["records"]
    compiled = record["compiledRelease"]
    assert [r["tag"] for r in record["releases"]] == [["tender"], ["award"], ["contract"]]
    assert compiled["tender"]["title"] == tender.title == "Secure Care Services"
    assert [lot["title"] for lot in compiled["tender"]["lots"]] == ["Säker vård", "Boende för unga"]
    assert compiled["tender"]["lots"][1]["otherRequirements"] == {
        "reservedParticipation": ["shelteredWorkshop"]
    }
    (ocds_award,) = compiled["awards"]
    assert ocds_award["relatedLots"] == ["lot-2"]
    assert ocds_award["suppliers"][0]["name"] == "Omsorgskraft"
    assert ocds_award["value"] == {"amount": 1150000.0, "currency": "SEK"}
    assert ocds_award["date"].startswith(award.awarded_on.isoformat())
    (contract,) = compiled["contracts"]
    assert contract["awardID"] == ocds_award["id"]
    assert contract["dateSigned"].startswith(timezone.localdate().isoformat())
    documents = {d["id"]: d["url"] for d in compiled["tender"]["documents"]}
    assert documents["notice"] == "https://ted.europa.eu/sv/notice/-/detail/76c82dad"
    logout(page)


def test_an_amendment_adds_a_lot_and_a_document_and_the_answer_must_be_confirmed_again(
    page, live_server, officer, tmp_path
):
    asf = RepresentativeFactory(company=CompanyFactory(verified=True, name="Omsorgskraft")).user
    tender = TenderFactory(buyer=officer.organisation, created_by=officer, published=True, title="Boenden")
    services.submission_submit(tender=tender, company=asf.representation.company, message="Vårt anbud.",
                               occupied=10, in_target_group=6, actor=asf)  # fmt: skip
    leaflet = tmp_path / "karta.pdf"
    leaflet.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    login_as(page, live_server, officer)
    page.goto(f"{live_server.url}{reverse('procurement:tender-manage', args=[tender.pk])}")
    page.get_by_role("link", name="Ändra", exact=True).click()
    assert_accessible(page)
    page.get_by_label("Delområden").fill("Säker vård\nBoende för unga *")
    page.get_by_label("Nytt dokument: titel").fill("Karta över boendena")
    page.get_by_label("Nytt dokument: fil").set_input_files(str(leaflet))
    page.get_by_label("Skäl till ändringen").fill("Upphandlingen delas i två delområden.")
    page.get_by_role("button", name="Publicera ändringen").click()
    page.wait_for_url(f"**{reverse('procurement:tender-manage', args=[tender.pk])}")
    assert [lot.title for lot in tender.lots.all()] == ["Säker vård", "Boende för unga"]
    assert [d.title for d in tender.documents.all()] == ["Karta över boendena"]
    logout(page)

    # The ASF that answered is asked to confirm again, and the change log says what changed.
    login_as(page, live_server, asf)
    page.goto(f"{live_server.url}{reverse('procurement:tender-detail', args=[tender.pk])}")
    main = page.get_by_role("main").inner_text()
    assert "Upphandlingen har ändrats: bekräfta ditt anbud igen." in main
    assert "Upphandlingen delas i två delområden. (ändrat: delområden, dokument tillagda)" in main
    assert "Karta över boendena" in main
    logout(page)
