"""Tender pages: who reaches what, sealing, the public page, open data (OCDS, iCalendar)."""

import json
from datetime import timedelta

import icalendar
import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from referencing import Registry
from referencing.jsonschema import DRAFT4

from companies.models import ServiceCategory
from procurement import services
from procurement.models import Award, Lot, Submission, Tender, TenderDocument, Watch
from tests.companies.factories import CompanyFactory, RepresentativeFactory
from tests.conftest import PROJECT_DIR
from tests.matrix import assert_post, assert_visit
from tests.procurement.factories import TenderFactory

pytestmark = pytest.mark.django_db
OCDS = PROJECT_DIR / "tests" / "data" / "ocds"


@pytest.fixture
def rep():
    company = CompanyFactory(verified=True, name="Städkraft")
    company.service_categories.add(ServiceCategory.objects.get(slug="cleaning"))
    return RepresentativeFactory(company=company).user


@pytest.fixture
def other_rep():
    return RepresentativeFactory(company=CompanyFactory(verified=True)).user


@pytest.fixture
def outsider_officer(other_municipality):
    from tests.accounts.factories import UserFactory

    return UserFactory(role="procurement_officer", organisation=other_municipality)


VISITORS = [
    "anonymous",
    "officer",
    "outsider_officer",
    "coordinator",
    "rep",
    "admin_user",
    "other_rep",
    "outsider",
]
# Expected status per visitor; "login" = sent to the login page. The data belong to the officer's organisation (the
# buyer) and the rep's company (the answers): another organisation's officer gets 404 for the buyer's tenders and
# answers (not theirs), 403 where no officer may go; another company's representative answers public tenders like
# any company, and no representative reads answers (403). Tenders are no coordinator's, whichever organisation:
# the coordinator of another organisation (outsider) sees what the coordinator sees.
MATRIX = {
    "tender-list": ([], [200] * 8),
    "tender-detail": (["open"], [200] * 8),
    "tender-detail-draft": (["draft"], [404, 200, 404, 404, 404, 404, 404, 404]),
    "question-ask": (["open"], ["login", 405, 405, 405, 405, 405, 405, 405]),
    "submission-submit": (["open"], ["login", 403, 403, 403, 200, 403, 200, 403]),
    "submission-decline": (["open"], ["login", 403, 403, 403, 200, 403, 200, 403]),
    "tender-ics": (["open"], [200] * 8),
    "document-download": (["document"], [200] * 8),
    "saved-search-list": ([], ["login", 403, 403, 403, 200, 403, 200, 403]),
    "saved-search-delete": (["search"], ["login", 403, 403, 403, 200, 403, 404, 403]),
    "officer-tender-list": ([], ["login", 200, 200, 403, 403, 403, 403, 403]),
    "tender-create": ([], ["login", 200, 200, 403, 403, 403, 403, 403]),
    "tender-manage": (["open"], ["login", 200, 404, 403, 403, 403, 403, 403]),
    "tender-edit": (["draft"], ["login", 200, 404, 403, 403, 403, 403, 403]),
    "tender-publish": (["draft"], ["login", 405, 405, 405, 405, 405, 405, 405]),
    "document-add": (["open"], ["login", 405, 405, 405, 405, 405, 405, 405]),
    "tender-amend": (["open"], ["login", 200, 404, 403, 403, 403, 403, 403]),
    "tender-award": (["closed"], ["login", 200, 404, 403, 403, 403, 403, 403]),
    "tender-cancel": (["open"], ["login", 200, 404, 403, 403, 403, 403, 403]),
    "question-answer": (["question"], ["login", 405, 405, 405, 405, 405, 405, 405]),
    "award-sign": (["award"], ["login", 405, 405, 405, 405, 405, 405, 405]),
    "tender-follow": (["open"], ["login", 405, 405, 405, 405, 405, 405, 405]),
    "tender-unfollow": (["open"], ["login", 405, 405, 405, 405, 405, 405, 405]),
    "submission-detail": (["sealed_submission"], ["login", 403, 404, 403, 403, 403, 403, 403]),
    "submission-detail-open": (["open_submission"], ["login", 200, 404, 403, 403, 403, 403, 403]),
    "ocds-releases": ([], [200] * 8),
    "ocds-release": (["open"], [200] * 8),
    "ocds-record": (["ocid"], [200] * 8),
    "cpv-search": ([], [200] * 8),
    "tenders-ics": ([], [200] * 8),
    "tender-import": ([], ["login", 200, 200, 403, 403, 403, 403, 403]),
    "tender-import-review": (["draft"], ["login", 200, 404, 403, 403, 403, 403, 403]),
}


def test_the_matrix_lists_every_procurement_url():
    from procurement.urls import urlpatterns

    names = {pattern.name for pattern in urlpatterns}
    assert names == {name.removesuffix("-draft").removesuffix("-open") for name in MATRIX}


# The URLs that answer a GET with 405 (above), tried with a POST without data: the owner's is carried out or refused
# with a message and redirected (302); the officer of another organisation and the representative of another company
# do not find the buyer's or the company's objects (404), and other roles are refused (403).
POST_ONLY = {
    "question-ask": (["open"], ["login", 403, 403, 403, 302, 403, 302, 403]),
    "tender-publish": (["draft"], ["login", 302, 404, 403, 403, 403, 403, 403]),
    "document-add": (["open"], ["login", 302, 404, 403, 403, 403, 403, 403]),
    "question-answer": (["question"], ["login", 302, 404, 403, 403, 403, 403, 403]),
    "award-sign": (["award"], ["login", 302, 404, 403, 403, 403, 403, 403]),
    "tender-follow": (["open"], ["login", 403, 403, 403, 302, 403, 302, 403]),
    "tender-unfollow": (["open"], ["login", 403, 403, 403, 302, 403, 302, 403]),
}


def _matrix_values(officer, rep) -> dict[str, int]:
    """The URL arguments of the matrices: objects of the officer's organisation (the buyer) and the rep's company."""
    from procurement.models import SavedSearch

    buyer = officer.organisation
    open_tender = TenderFactory(buyer=buyer, published=True)
    closed = TenderFactory(
        buyer=buyer, status="closed", submission_deadline_at=timezone.now() - timedelta(hours=1)
    )
    company = rep.representation.company
    sealed = Submission.objects.create(tender=open_tender, company=company, submitted_by=rep, message="x",
                                       submitted_at=timezone.now())  # fmt: skip
    opened = Submission.objects.create(tender=closed, company=company, submitted_by=rep, message="y",
                                       submitted_at=timezone.now() - timedelta(hours=2))  # fmt: skip
    document = TenderDocument.objects.create(
        tender=open_tender, title="Förfrågningsunderlag", file=SimpleUploadedFile("fu.pdf", b"%PDF-1.4")
    )
    return {
        "open": open_tender.pk,
        "ocid": f"ocds-asfprt-{open_tender.pk}",
        "draft": TenderFactory(buyer=buyer).pk,
        "closed": closed.pk,
        "document": document.pk,
        "search": SavedSearch.objects.create(user=rep, text="städ").pk,
        "question": services.question_ask(tender=open_tender, company=company, text="?", actor=rep).pk,
        "sealed_submission": sealed.pk,
        "open_submission": opened.pk,
        "award": Award.objects.create(tender=closed, company=company, value=1).pk,
    }


@pytest.mark.parametrize("name", list(MATRIX))
@pytest.mark.parametrize("visitor_index", range(len(VISITORS)))
def test_every_procurement_url_answers_each_visitor_as_expected(
    client, request, officer, rep, name, visitor_index
):
    values = _matrix_values(officer, rep)
    arg_names, expected = MATRIX[name]
    url_name = name.removesuffix("-draft").removesuffix("-open")
    url = reverse(f"procurement:{url_name}", args=[values[a] for a in arg_names])
    assert_visit(client, request, url, VISITORS[visitor_index], expected[visitor_index])


@pytest.mark.parametrize("name", list(POST_ONLY))
@pytest.mark.parametrize("visitor_index", range(len(VISITORS)))
def test_every_post_only_procurement_url_answers_each_visitor_as_expected(
    client, request, officer, rep, name, visitor_index
):
    values = _matrix_values(officer, rep)
    arg_names, expected = POST_ONLY[name]
    url = reverse(f"procurement:{name}", args=[values[a] for a in arg_names])
    assert_post(client, request, url, VISITORS[visitor_index], expected[visitor_index])


def test_the_public_page_shows_answers_to_questions_without_naming_the_asker(client, officer, rep):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    question = services.question_ask(tender=tender, company=rep.representation.company, text="Ingår fönsterputs?",
                                     actor=rep)  # fmt: skip
    html = client.get(reverse("procurement:tender-detail", args=[tender.pk])).content.decode()
    assert "Ingår fönsterputs?" not in html  # not yet answered
    services.question_answer(question=question, answer="Nej.", actor=officer)
    html = client.get(reverse("procurement:tender-detail", args=[tender.pk])).content.decode()
    assert "Ingår fönsterputs?" in html and "Nej." in html
    assert "Städkraft" not in html


def test_downloading_a_document_subscribes_the_company(client, rep):
    tender = TenderFactory(published=True)
    document = TenderDocument.objects.create(
        tender=tender, title="FU", file=SimpleUploadedFile("fu.pdf", b"%PDF-1.4")
    )
    client.force_login(rep)
    response = client.get(reverse("procurement:document-download", args=[document.pk]))
    assert b"".join(response.streaming_content) == b"%PDF-1.4"
    assert Watch.objects.filter(tender=tender, user=rep).exists()


def test_a_late_submission_through_the_page_is_refused_with_a_message(client, rep):
    tender = TenderFactory(published=True)
    Tender.objects.filter(pk=tender.pk).update(submission_deadline_at=timezone.now() - timedelta(seconds=1))
    client.force_login(rep)
    response = client.post(
        reverse("procurement:submission-submit", args=[tender.pk]),
        {"message": "För sent", "people_occupied": 10, "people_in_target_group": 5},
    )
    assert response.status_code == 200
    assert not Submission.objects.exists()


def test_officer_list_counts_answers_in_constant_queries_and_only_after_the_deadline(
    client, officer, rep, django_assert_num_queries
):
    # Sealed means sealed: before the deadline not even the number of answers is known (issue 14 §7; the list
    # showed the count of sealed answers before).
    for closed in (True, False, True):
        tender = TenderFactory(buyer=officer.organisation, published=True)
        Submission.objects.create(tender=tender, company=rep.representation.company, submitted_by=rep, message="x",
                                  submitted_at=timezone.now())  # fmt: skip
        if closed:
            Tender.objects.filter(pk=tender.pk).update(status="closed", submission_deadline_at=timezone.now())
    client.force_login(officer)
    # With the cache empty, one of them is the header's list of the person's memberships (the switcher).
    with django_assert_num_queries(7):
        response = client.get(reverse("procurement:officer-tender-list"))
    assert sorted(t.submission_count for t in response.context["page_obj"] if t.submission_count) == [1, 1]
    assert [t.submission_count for t in response.context["page_obj"]].count(None) == 1
    assert "Förseglade till sista anbudsdag" in response.content.decode()


def _ocds_validator():
    """The official OCDS 1.1.5 release-package schema, with its $ref to the release schema resolved offline."""
    release_schema = json.loads((OCDS / "release-schema.json").read_text())
    package_schema = json.loads((OCDS / "release-package-schema.json").read_text())
    registry = Registry().with_resource(release_schema["id"], DRAFT4.create_resource(release_schema))
    return jsonschema.Draft4Validator(
        package_schema, registry=registry, format_checker=jsonschema.FormatChecker()
    )


def test_the_ocds_package_validates_against_the_official_schema(client, officer, rep):
    open_tender = TenderFactory(buyer=officer.organisation, published=True)
    Lot.objects.create(tender=open_tender, number=1, title="Skolor", is_reserved=True)
    question = services.question_ask(
        tender=open_tender, company=rep.representation.company, text="?", actor=rep
    )
    services.question_answer(question=question, answer="Svar.", actor=officer)
    services.tender_amend(tender=open_tender, changes={"title": "Ny titel"}, reason="Rättelse", is_substantial=False,
                          actor=officer)  # fmt: skip
    awarded = TenderFactory(buyer=officer.organisation, status="closed",
                            submission_deadline_at=timezone.now() - timedelta(hours=1))  # fmt: skip
    Submission.objects.create(tender=awarded, company=rep.representation.company, submitted_by=rep, message="x",
                              submitted_at=timezone.now() - timedelta(hours=2))  # fmt: skip
    services.tender_award(tender=awarded, awards=[{"company": rep.representation.company, "value": 500_000}],
                          actor=officer)  # fmt: skip
    TenderFactory(buyer=officer.organisation)  # a draft is never published as open data

    package = json.loads(b"".join(client.get(reverse("procurement:ocds-releases")).streaming_content))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _ocds_validator().iter_errors(package)]
    assert errors == []
    # Every change is a release of its own now (issue 17 §3; the package held only each tender's latest state
    # before): the open tender's publication, answered question and amendment, the other's publication and award.
    assert [r["tag"] for r in package["releases"]] == [
        ["tender"], ["tenderUpdate"], ["tenderAmendment"], ["tender"], ["award"]
    ]  # fmt: skip
    by_tag = {tuple(r["tag"]): r for r in package["releases"]}
    assert by_tag[("award",)]["awards"][0]["suppliers"][0]["id"].startswith("SE-ON-")
    amended = by_tag[("tenderAmendment",)]
    # The reservation covers the reserved lot, not the whole tender: a reservation may cover only some lots, and
    # the old package stated it for the tender and gave the other lots an empty object, which OCDS forbids.
    assert amended["tender"]["lots"][0]["otherRequirements"] == {
        "reservedParticipation": ["shelteredWorkshop"]
    }
    assert amended["tender"]["items"][0]["classification"] == {
        "scheme": "CPV", "id": "90910000", "description": "Rengöring"
    }  # fmt: skip
    assert amended["ocid"].startswith("ocds-asfprt-")


def test_the_calendar_feed_parses_as_icalendar(client):
    tender = TenderFactory(
        published=True, title="Snöröjning, Kumla; vintern 2026/2027 med en lång titel som måste vikas"
    )
    feed = client.get(reverse("procurement:tenders-ics"))
    assert feed["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(feed.content)
    # Each open tender has its last day for questions and its submission deadline (issue 15 §2).
    events = {str(event["UID"]).split("@")[0]: event for event in calendar.walk("VEVENT")}
    assert set(events) == {f"tender-{tender.pk}-questions", f"tender-{tender.pk}-submission"}
    event = events[f"tender-{tender.pk}-submission"]
    assert str(event["SUMMARY"]) == f"Sista anbudsdag: {tender.title}"
    assert event.decoded("DTSTART") == tender.submission_deadline_at.replace(microsecond=0)


def test_a_buyer_with_an_organisation_number_is_identified_under_se_on(client, officer):
    # org-id.guide's SE-ON (organisationsnummer, whoever issued it) rather than SE-BLV (Bolagsverket's register),
    # which a municipality, numbered by Skatteverket, is not in (issue 17 §3).
    officer.organisation.org_number = "212000-1876"
    officer.organisation.save()
    tender = TenderFactory(buyer=officer.organisation, published=True)
    package = json.loads(client.get(reverse("procurement:ocds-release", args=[tender.pk])).content)
    (buyer,) = [p for p in package["releases"][0]["parties"] if "buyer" in p["roles"]]
    assert buyer["identifier"] == {
        "scheme": "SE-ON",
        "id": "212000-1876",
        "legalName": officer.organisation.name,
    }


def test_awarded_value_is_summed_per_buying_organisation_and_year(officer, rep):
    from procurement import selectors

    for value in (300_000, 200_000):
        tender = TenderFactory(buyer=officer.organisation, status="closed",
                               submission_deadline_at=timezone.now() - timedelta(hours=1))  # fmt: skip
        Submission.objects.create(tender=tender, company=rep.representation.company, submitted_by=rep, message="x",
                                  submitted_at=timezone.now() - timedelta(hours=2))  # fmt: skip
        services.tender_award(tender=tender, awards=[{"company": rep.representation.company, "value": value}],
                              actor=officer)  # fmt: skip
    totals = selectors.awarded_value_by_organisation(year=timezone.localdate().year)
    assert totals == {officer.organisation_id: 500_000}


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e40", "-5", "12.5", "tolv"])
def test_an_unusable_contract_value_is_refused_without_a_crash(client, officer, rep, value):
    tender = TenderFactory(buyer=officer.organisation, status="closed",
                           submission_deadline_at=timezone.now() - timedelta(hours=1))  # fmt: skip
    submission = Submission.objects.create(tender=tender, company=rep.representation.company, submitted_by=rep,
                                           message="x", submitted_at=timezone.now() - timedelta(hours=2))  # fmt: skip
    client.force_login(officer)
    response = client.post(reverse("procurement:tender-award", args=[tender.pk]),
                           {f"award-{submission.pk}": "1", f"value-{submission.pk}": value})  # fmt: skip
    assert response.status_code == 200
    tender.refresh_from_db()
    assert tender.status == "closed"


def test_control_characters_cannot_add_lines_to_the_calendar(client):
    tender = TenderFactory(published=True, title="Städning\rBEGIN:VEVENT\r\nSUMMARY:falsk")
    calendar = icalendar.Calendar.from_ical(client.get(reverse("procurement:tenders-ics")).content)
    # Only the tender's own two entries (questions, submission): the title added none.
    uids = [str(event["UID"]).split("@")[0] for event in calendar.walk("VEVENT")]
    assert uids == [f"tender-{tender.pk}-questions", f"tender-{tender.pk}-submission"]


def test_a_representative_follows_a_tender_with_the_button_and_stops(client, rep):
    from asfportal.core.models import AuditEntry

    tender = TenderFactory(published=True)
    client.force_login(rep)
    page = client.get(reverse("procurement:tender-detail", args=[tender.pk])).content.decode()
    assert reverse("procurement:tender-follow", args=[tender.pk]) in page
    client.post(reverse("procurement:tender-follow", args=[tender.pk]))
    client.post(reverse("procurement:tender-follow", args=[tender.pk]))  # idempotent
    assert Watch.objects.filter(tender=tender, user=rep).count() == 1
    page = client.get(reverse("procurement:tender-detail", args=[tender.pk])).content.decode()
    assert reverse("procurement:tender-unfollow", args=[tender.pk]) in page
    client.post(reverse("procurement:tender-unfollow", args=[tender.pk]))
    client.post(reverse("procurement:tender-unfollow", args=[tender.pk]))
    assert not Watch.objects.filter(tender=tender, user=rep).exists()
    actions = list(AuditEntry.objects.filter(object_id=str(tender.pk)).values_list("action", flat=True))
    assert actions.count("procurement.tender.watched") == 1
    assert actions.count("procurement.tender.unwatched") == 1


def test_a_follower_hears_of_an_amendment(client, rep, officer):
    from asfportal.core.models import Notification

    tender = TenderFactory(buyer=officer.organisation, published=True)
    client.force_login(rep)
    client.post(reverse("procurement:tender-follow", args=[tender.pk]))
    services.tender_amend(tender=tender, changes={"title": "Ny titel"}, reason="Rättelse.", is_substantial=False,
                          actor=officer)  # fmt: skip
    assert Notification.objects.filter(recipient=rep, kind="procurement.tender_changed").exists()
