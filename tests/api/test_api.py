"""The open API (issue 19): keys, scopes, another organisation's 404, errors in both languages, conditional
requests, CORS and rate limits; each write refused as the page refuses it, and audited as the page audits it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from asfportal.accounts import api_tokens
from asfportal.core.models import AuditEntry
from policies.models import Indicator
from procurement.models import Question, Tender
from tests.api.conftest import make_key
from tests.companies.factories import CompanyFactory
from tests.procurement.factories import TenderFactory

pytestmark = pytest.mark.django_db


def _draft_body(**extra):
    deadline = timezone.now() + timedelta(days=40)
    return {"title": "Städning av skolor", "description": "Tre skolor.", "legal_basis": Tender.LegalBasis.RESERVED_4_18_1.value,
            "procurement_id": "API-2026-1", "cpv_codes": ["90910000-9"], "estimated_value": "900000",
            "submission_deadline_at": deadline.isoformat(), "lots": [{"title": "Skola A", "is_reserved": True}],
            **extra}  # fmt: skip


def _question(tender):
    from tests.companies.factories import RepresentativeFactory

    representative = RepresentativeFactory()
    return Question.objects.create(tender=tender, company=representative.company, asked_by=representative.user,
                                   text="Hur många?")  # fmt: skip


# --- Keys ----------------------------------------------------------------------------------------------------


def test_a_key_is_stored_hashed_and_its_secret_is_given_once(municipality, organisation_admin):
    new = make_key(municipality, "read", organisation_admin)
    assert new.secret.startswith("asf_") and new.secret not in new.token.secret_hash
    assert new.token.secret_hash == api_tokens.secret_hash(new.secret)
    assert AuditEntry.objects.filter(
        action="accounts.api_token.created", object_id=str(new.token.pk)
    ).exists()


def test_a_key_without_a_name_is_refused_on_its_field(municipality, organisation_admin):
    with pytest.raises(Exception) as error:
        api_tokens.api_token_create(
            organisation=municipality, name=" ", scope="read", actor=organisation_admin
        )
    assert "name" in error.value.field_errors


def test_every_use_of_a_key_is_audited_and_stamps_last_used(api, read_key):
    assert api(read_key).get("/api/v1/companies/").status_code == 200
    read_key.token.refresh_from_db()
    assert read_key.token.last_used_at is not None
    entry = AuditEntry.objects.get(action="accounts.api_token.used")
    assert entry.actor == read_key.token.actor and entry.data["path"] == "/api/v1/companies/"


def test_a_revoked_key_is_refused_at_once_even_for_public_reads(api, read_key, organisation_admin):
    client = api(read_key)
    assert client.get("/api/v1/tenders/").status_code == 200
    api_tokens.api_token_revoke(token=read_key.token, actor=organisation_admin)
    response = client.get("/api/v1/tenders/")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_key_is_refused(api):
    response = api("asf_not-a-key").get("/api/v1/companies/")
    assert response.status_code == 401


def test_a_read_only_key_cannot_write(api, read_key):
    response = api(read_key).post("/api/v1/own/drafts/", _draft_body(), format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert not Tender.objects.exists()


def test_a_steering_key_cannot_write_tenders_and_a_tenders_key_cannot_record_progress(
    api, steering_key, tenders_key, activity
):
    assert api(steering_key).post("/api/v1/own/drafts/", _draft_body(), format="json").status_code == 403
    url = f"/api/v1/own/activities/{activity.pk}/progress/"
    assert api(tenders_key).post(url, {"text": "x"}, format="json").status_code == 403


def test_writing_without_a_key_is_refused(api):
    assert api().post("/api/v1/own/drafts/", _draft_body(), format="json").status_code == 401


# --- Another organisation ------------------------------------------------------------------------------------


def test_a_key_cannot_read_or_change_another_organisations_draft(api, tenders_key, other_municipality):
    draft = TenderFactory(buyer=other_municipality)
    client = api(tenders_key)
    assert client.get(f"/api/v1/own/tenders/{draft.pk}/").status_code == 404
    assert client.put(f"/api/v1/own/drafts/{draft.pk}/", _draft_body(), format="json").status_code == 404
    assert client.post(f"/api/v1/own/tenders/{draft.pk}/publish/").status_code == 404
    assert client.post(f"/api/v1/own/tenders/{draft.pk}/award/", {}, format="json").status_code == 404
    draft.refresh_from_db()
    assert draft.status == Tender.Status.DRAFT
    assert client.get("/api/v1/own/tenders/").json()["count"] == 0


def test_a_key_cannot_answer_another_organisations_question(api, tenders_key, other_municipality):
    tender = TenderFactory(buyer=other_municipality, published=True)
    question = _question(tender)
    url = f"/api/v1/own/questions/{question.pk}/answer/"
    assert api(tenders_key).post(url, {"answer": "Tre."}, format="json").status_code == 404


def test_a_steering_key_cannot_record_another_organisations_progress(api, outsider, activity):
    key = make_key(outsider.organisation, "steering", outsider)
    url = f"/api/v1/own/activities/{activity.pk}/progress/"
    assert api(key).post(url, {"text": "x"}, format="json").status_code == 404


# --- Writes: the page's refusal for bad input, the page's audit entry for good input --------------------------


def test_creating_a_draft_is_audited_as_on_the_page_and_the_token_is_the_actor(
    api, tenders_key, municipality
):
    response = api(tenders_key).post("/api/v1/own/drafts/", _draft_body(), format="json")
    assert response.status_code == 201, response.json()
    tender = Tender.objects.get()
    assert (tender.buyer, tender.status, response.json()["lots"][0]["title"]) == (
        municipality,
        "draft",
        "Skola A",
    )
    entry = AuditEntry.objects.get(action="procurement.tender.draft_saved")
    assert entry.actor == tenders_key.token.actor and entry.object_id == str(tender.pk)


def test_a_draft_with_a_contract_start_before_the_deadline_is_refused_on_that_field_as_on_the_page(
    api, tenders_key, officer, client
):
    body = _draft_body(contract_start_on=timezone.localdate().isoformat())
    response = api(tenders_key).post("/api/v1/own/drafts/", body, format="json")
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "rule_violated" and "contract_start_on" in error["fields"]
    # The page's form gives the same sentence on the same field.
    client.force_login(officer)
    page_body = {**body, "cpv_codes": "90910000-9", "lots": "Skola A *",
                 "submission_deadline_at": timezone.localtime(timezone.now() + timedelta(days=40)).strftime("%Y-%m-%dT%H:%M")}  # fmt: skip
    page = client.post(reverse("procurement:tender-create"), page_body)
    assert error["fields"]["contract_start_on"]["sv"][0] in page.content.decode()
    assert error["fields"]["contract_start_on"]["en"] != error["fields"]["contract_start_on"]["sv"]
    assert not Tender.objects.exists()


def test_a_missing_field_is_named_in_both_languages(api, tenders_key):
    body = _draft_body()
    del body["title"]
    response = api(tenders_key).post("/api/v1/own/drafts/", body, format="json")
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields["title"]) == {"sv", "en"} and fields["title"]["sv"] != fields["title"]["en"]


def test_publishing_an_incomplete_draft_gives_the_pages_reasons_and_a_complete_one_is_audited(
    api, tenders_key, municipality, officer
):
    draft = TenderFactory(buyer=municipality, notice_url="")
    draft.cpv_codes.clear()
    blockers = " ".join(str(r) for r in Tender.objects.get(pk=draft.pk).publish_blockers(at=timezone.now()))
    response = api(tenders_key).post(f"/api/v1/own/tenders/{draft.pk}/publish/")
    assert response.status_code == 422 and response.json()["message"]["sv"] == blockers
    ready = TenderFactory(buyer=municipality)
    response = api(tenders_key).post(f"/api/v1/own/tenders/{ready.pk}/publish/")
    assert response.status_code == 200 and response.json()["status"] == "published"
    entry = AuditEntry.objects.get(action="procurement.tender.published")
    assert entry.actor == tenders_key.token.actor and entry.object_id == str(ready.pk)


def test_a_published_tender_is_not_changed_as_a_draft(api, tenders_key, municipality):
    tender = TenderFactory(buyer=municipality, published=True)
    response = api(tenders_key).put(f"/api/v1/own/drafts/{tender.pk}/", _draft_body(), format="json")
    assert response.status_code == 422
    assert response.json()["message"]["sv"] == " ".join(str(r) for r in tender.edit_blockers())


def test_answering_a_question_is_audited_and_an_empty_answer_is_refused_on_its_field(
    api, tenders_key, municipality
):
    tender = TenderFactory(buyer=municipality, published=True)
    question = _question(tender)
    url = f"/api/v1/own/questions/{question.pk}/answer/"
    refused = api(tenders_key).post(url, {"answer": " "}, format="json")
    assert refused.status_code == 422 and refused.json()["fields"]["answer"]["sv"] == ["Skriv svaret."]
    response = api(tenders_key).post(url, {"answer": "Tre skolor."}, format="json")
    assert response.status_code == 200 and response.json()["answer"] == "Tre skolor."
    assert AuditEntry.objects.get(action="procurement.question.answered").actor == tenders_key.token.actor


def test_awarding_before_the_deadline_is_refused_with_the_pages_reasons(api, tenders_key, municipality):
    tender = TenderFactory(buyer=municipality, published=True)
    body = {"awarded_on": timezone.localdate().isoformat(),
            "awards": [{"company": CompanyFactory().pk, "value": "100000"}]}  # fmt: skip
    response = api(tenders_key).post(f"/api/v1/own/tenders/{tender.pk}/award/", body, format="json")
    assert response.status_code == 422
    assert response.json()["message"]["sv"] == " ".join(
        str(r) for r in tender.award_blockers(at=timezone.now())
    )
    assert not tender.awards.exists()


def test_awarding_after_the_deadline_is_audited_as_on_the_page(api, tenders_key, municipality):
    from procurement.models import Submission

    tender = TenderFactory(buyer=municipality, published=True)
    from tests.companies.factories import RepresentativeFactory

    representative = RepresentativeFactory()
    company = representative.company
    Submission.objects.create(tender=tender, company=company, submitted_by=representative.user,
                              message="Vi svarar.", submitted_at=timezone.now())  # fmt: skip
    Tender.objects.filter(pk=tender.pk).update(submission_deadline_at=timezone.now() - timedelta(hours=1),
                                               status=Tender.Status.CLOSED)  # fmt: skip
    body = {
        "awarded_on": timezone.localdate().isoformat(),
        "awards": [{"company": company.pk, "value": "100000"}],
    }
    response = api(tenders_key).post(f"/api/v1/own/tenders/{tender.pk}/award/", body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["awards"][0]["company"]["id"] == company.pk
    entry = AuditEntry.objects.get(action="procurement.tender.awarded")
    assert entry.actor == tenders_key.token.actor and entry.data["companies"] == [company.pk]


def test_progress_is_recorded_and_audited_and_an_empty_note_is_refused_on_its_field(
    api, steering_key, activity
):
    url = f"/api/v1/own/activities/{activity.pk}/progress/"
    refused = api(steering_key).post(url, {"text": " ", "progress": 40}, format="json")
    assert refused.status_code == 422 and "text" in refused.json()["fields"]
    response = api(steering_key).post(url, {"text": "Tre skolor anmälda.", "progress": 40}, format="json")
    assert response.status_code == 201 and response.json()["activity"]["percent"] == 40
    entry = AuditEntry.objects.get(action="policies.activity.progress")
    assert entry.actor == steering_key.token.actor
    assert activity.notes.get().author == steering_key.token.actor


def test_an_indicator_value_is_recorded_and_audited_and_a_bad_year_is_named(api, steering_key, activity):
    indicator = Indicator.objects.create(activity=activity, name="Anställda i ASF", actuals={"2025": 3})
    url = f"/api/v1/own/indicators/{indicator.pk}/values/"
    refused = api(steering_key).post(url, {"year": 1990, "value": 4}, format="json")
    assert refused.status_code == 400 and "year" in refused.json()["fields"]
    response = api(steering_key).post(url, {"year": 2026, "value": 7}, format="json")
    assert response.status_code == 200 and response.json()["actuals"] == {"2025": 3.0, "2026": 7.0}
    assert AuditEntry.objects.get(action="policies.activity.followup_saved").actor == steering_key.token.actor


# --- Public reads ----------------------------------------------------------------------------------------------


def test_only_verified_companies_are_listed_and_filtered_as_in_the_directory(api, municipality):
    from companies.models import Company

    listed = CompanyFactory(verified=True, legal_form=Company.LegalForm.EKONOMISK_FORENING)
    CompanyFactory()  # under assessment: never public
    response = api().get("/api/v1/companies/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [listed.pk]
    other_form = next(form for form in Company.LegalForm.values if form != listed.legal_form)
    assert api().get("/api/v1/companies/", {"legal_form": other_form}).json()["count"] == 0
    bad = api().get("/api/v1/companies/", {"kommun": "9999"})
    assert bad.status_code == 400 and "kommun" in bad.json()["fields"]


def test_drafts_are_never_public(api, municipality):
    draft = TenderFactory(buyer=municipality)
    published = TenderFactory(buyer=municipality, published=True)
    ids = [row["id"] for row in api().get("/api/v1/tenders/").json()["results"]]
    assert ids == [published.pk]
    assert api().get(f"/api/v1/tenders/{draft.pk}/").status_code == 404


def test_a_repeated_conditional_request_gets_304(api, municipality):
    TenderFactory(buyer=municipality, published=True)
    first = api().get("/api/v1/tenders/")
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    again = api().get("/api/v1/tenders/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_any_origin_may_read_the_api_and_the_preflight_allows_a_key(api):
    response = api().get("/api/v1/companies/", HTTP_ORIGIN="https://intranet.orebro.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = api().options("/api/v1/own/drafts/", HTTP_ORIGIN="https://x.example",
                              HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
                              HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization,content-type")  # fmt: skip
    assert preflight.status_code == 200 and "authorization" in preflight["Access-Control-Allow-Headers"]


def test_past_the_rate_limit_the_answer_is_429_with_retry_after(api, settings):
    settings.API_RATE_LIMITS = {"anonymous": "2/min", "token": "5/min"}
    client = api()
    assert [client.get("/api/v1/policies/").status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/v1/policies/")
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert response.json()["code"] == "throttled"


def test_no_endpoint_exposes_participants_or_placements(client):
    schema = client.get("/api/v1/schema/?format=json").content.decode().lower()
    assert "participant" not in schema and "placement" not in schema


def test_the_docs_page_lists_every_operation_and_links_the_schema(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/own/drafts/" in text and reverse("api:schema") in text


def test_an_unknown_page_is_a_json_404(api):
    response = api().get("/api/v1/companies/", {"page": 99})
    assert response.status_code == 404 and response.json()["message"]["sv"]


def test_errors_are_json_for_a_body_that_is_not_json(api, tenders_key):
    response = api(tenders_key).post("/api/v1/own/drafts/", "{nope", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


def test_a_nul_byte_in_a_code_is_refused_on_its_field_not_a_server_error(api, tenders_key):
    # Found by Schemathesis: PostgreSQL cannot compare a text holding NUL, so the lookup must not reach it.
    response = api(tenders_key).post("/api/v1/own/drafts/", _draft_body(cpv_codes=["a\x00b"]), format="json")
    assert response.status_code == 400 and "cpv_codes" in response.json()["fields"]
