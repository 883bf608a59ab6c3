"""An officer imports an eForms notice in Chromium, reviews what could not be carried over, and meets a refusal."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement.models import Tender
from tests.browser.helpers import assert_accessible, login_as

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

EXAMPLES = Path(__file__).resolve().parents[1] / "procurement" / "eforms_examples"


def test_officer_imports_cn_social_reviews_it_and_a_bomb_is_refused(page, live_server, officer, tmp_path):
    notice = tmp_path / "cn-social_24.xml"
    year = timezone.now().year + 1
    notice.write_bytes(
        (EXAMPLES / "cn-social_24.xml")
        .read_bytes()
        .replace(b'listName="reserved-procurement">none<', b'listName="reserved-procurement">res-ws<')
        .replace(b"<cbc:EndDate>2020-", f"<cbc:EndDate>{year}-".encode())
    )
    bomb = tmp_path / "bomb.xml"
    bomb.write_bytes(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><x>&a;</x>')

    login_as(page, live_server, officer)
    page.goto(f"{live_server.url}{reverse('procurement:tender-import')}")
    assert_accessible(page)
    page.get_by_label("eForms-kungörelse (XML)").set_input_files(str(bomb))
    page.get_by_role("button", name="Importera kungörelsen").click()
    page.wait_for_load_state()
    assert "Filen deklarerar en dokumenttyp (DOCTYPE)" in page.content()
    assert not Tender.objects.exists()

    page.get_by_label("eForms-kungörelse (XML)").set_input_files(str(notice))
    page.get_by_role("button", name="Importera kungörelsen").click()
    page.wait_for_url("**/importerad/")
    tender = Tender.objects.get()
    assert tender.title == "Secure Care Services"
    assert tender.legal_basis == Tender.LegalBasis.RESERVED_4_18_1
    assert page.get_by_role("heading", level=1).inner_text() == "Granska den importerade kungörelsen"
    table = page.get_by_role("table")
    assert "BT-501-Organization-Company" in table.inner_text()
    assert "inget svenskt organisationsnummer" in table.inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Gå till upphandlingen").click()
    page.wait_for_url(f"**{reverse('procurement:tender-manage', args=[tender.pk])}")
