"""The company's lifecycle, where its rules live: the status a reader sees is computed when read; a back-dated
assessment that has run out never shows as verified; approving facts that break a criterion warns and reassesses;
each action is refused with its reason when it is not allowed now; the change history is complete."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from asfportal.core.exceptions import DomainError
from companies import selectors, services
from companies.models import Assessment, ChangeRequest, Company
from tests.companies.factories import CompanyFactory, RepresentativeFactory, assessment_fields

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _swedish():
    with translation.override("sv"):
        yield


def _back_dated(months_ago: int) -> date:
    return TODAY.replace(day=1) - timedelta(days=31 * months_ago)


def test_a_back_dated_assessment_that_has_run_out_lapses_the_company_at_once(coordinator):
    company = CompanyFactory()
    assessment = services.assessment_record(
        company=company, fields=assessment_fields(assessed_on=_back_dated(14)), actor=coordinator
    )
    company.refresh_from_db()
    assert assessment.is_verified and assessment.valid_until < TODAY  # the criteria were met, back then
    assert company.status == Company.Status.LAPSED  # not verified, not even until tonight's job
    assert not company.is_listed
    assert not Company.objects.listed().filter(pk=company.pk).exists()


def test_a_verification_that_ran_out_yesterday_reads_as_lapsed_before_the_nightly_job(client, coordinator):
    company = CompanyFactory(verified=True, verified_until=TODAY - timedelta(days=1), name="Gårdagens AB")
    assert company.status == Company.Status.VERIFIED  # the job has not run
    assert company.status_today == Company.Status.LAPSED
    rows = selectors.registry_list(status=Company.Status.VERIFIED)
    assert company not in rows
    assert company in selectors.registry_list(status=Company.Status.LAPSED)
    client.force_login(coordinator)
    page = client.get(reverse("companies:company-manage", args=[company.pk])).content.decode()
    assert "<strong>Förfallet</strong>" in page
    assert "<strong>Verifierad</strong>" not in page
    registry = client.get(reverse("companies:registry-list")).content.decode()
    assert ">Verifierad<" not in registry


def test_annual_figures_never_count_a_run_out_back_dated_assessment_as_verified(coordinator, municipality):
    company = CompanyFactory()
    company.municipalities.add(municipality)
    services.assessment_record(
        company=company, fields=assessment_fields(assessed_on=_back_dated(14)), actor=coordinator
    )
    figures = selectors.asf_figures(
        municipality_ids=[municipality.pk],
        assessor_organisation_id=municipality.pk,
        year=TODAY.year,
        as_of=TODAY,
    )
    assert figures["verified"] == 0


def test_an_assessment_cannot_be_dated_before_the_latest_one(coordinator):
    company = CompanyFactory()
    services.assessment_record(company=company, fields=assessment_fields(), actor=coordinator)
    with pytest.raises(DomainError) as error:
        services.assessment_record(
            company=company,
            fields=assessment_fields(assessed_on=TODAY - timedelta(days=30), c1_verdict="not_met"),
            actor=coordinator,
        )
    assert "assessed_on" in error.value.field_errors
    company.refresh_from_db()
    assert company.status == Company.Status.VERIFIED


def test_the_public_owner_rule_stands_on_criterion_four(coordinator):
    with pytest.raises(DomainError) as error:
        services.assessment_record(
            company=CompanyFactory(), fields=assessment_fields(c4_public_owner=True), actor=coordinator
        )
    assert "offentlig" in " ".join(error.value.field_errors["c4_verdict"])


def test_a_future_assessment_date_is_refused_on_the_date(coordinator):
    with pytest.raises(DomainError) as error:
        services.assessment_record(
            company=CompanyFactory(),
            fields=assessment_fields(assessed_on=TODAY + timedelta(days=1)),
            actor=coordinator,
        )
    assert list(error.value.field_errors) == ["assessed_on"]


@pytest.mark.parametrize(
    ("facts", "words", "reassessed"),
    [
        ({"has_public_owner": True}, "kriterium 4", True),
        ({"distributes_profits": True}, "kriterium 3", True),
        ({"employees_total": 10, "employees_integration": 2}, "30 %", False),
    ],
)
def test_approving_facts_that_break_a_criterion_warns_and_reassesses(coordinator, facts, words, reassessed):
    rep = RepresentativeFactory(company=CompanyFactory(verified=True))
    request = services.change_request_submit(company=rep.company, new_values=facts, actor=rep.user)
    assert any(words in w for w in request.approval_warnings())  # shown before the coordinator decides
    decided = services.change_request_decide(
        change_request=request, approve=True, comment="", actor=coordinator
    )
    assert any(words in w for w in decided.warnings)
    company = Company.objects.get(pk=rep.company_id)
    if reassessed:
        assert company.status == Company.Status.UNDER_ASSESSMENT
        assert not Company.objects.listed().filter(pk=company.pk).exists()
    else:  # the 30 % share is for reserved contracts, not one of the four criteria
        assert company.status == Company.Status.VERIFIED


def test_the_decide_page_warns_before_approval(client, coordinator):
    rep = RepresentativeFactory(company=CompanyFactory(verified=True))
    request = services.change_request_submit(
        company=rep.company, new_values={"has_public_owner": True}, actor=rep.user
    )
    client.force_login(coordinator)
    page = client.get(reverse("companies:change-request-decide", args=[request.pk])).content.decode()
    assert "kriterium 4" in page
    response = client.post(
        reverse("companies:change-request-decide", args=[request.pk]), {"decision": "approve"}, follow=True
    )
    assert "inte längre verifierat" in response.content.decode()


@pytest.mark.parametrize(
    ("action", "words"),
    [
        (lambda c, u: services.assessment_record(company=c, fields=assessment_fields(), actor=u), "avslutat"),
        (lambda c, u: services.representative_invite(company=c, email="x@y.se", full_name="X", actor=u), "avslutat"),
        (lambda c, u: services.company_close(company=c, reason="Igen.", actor=u), "redan avslutat"),
        (lambda c, u: services.company_update_profile(company=c, fields={"city": "Kumla"}, actor=u), "avslutat"),
    ],
)  # fmt: skip
def test_a_closed_company_refuses_each_action_with_its_reason(coordinator, action, words):
    company = CompanyFactory(verified=True)
    services.company_close(company=company, reason="Verksamheten har upphört.", actor=coordinator)
    with pytest.raises(DomainError) as error:
        action(company, coordinator)
    assert words in error.value.message


def test_the_manage_page_offers_only_what_is_allowed(client, coordinator):
    company = CompanyFactory(verified=True)
    services.company_close(company=company, reason="Verksamheten har upphört.", actor=coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("companies:company-manage", args=[company.pk])).content.decode()
    for url_name in ("company-assess", "company-invite", "company-close"):
        assert reverse(f"companies:{url_name}", args=[company.pk]) not in page


def test_the_change_history_names_the_applicant_and_records_contacts_and_assessments(client, coordinator):
    company = services.company_apply(
        fields={"name": "Kafé Ansökt", "org_number": _number(), "legal_form":
                "ekonomisk_forening", "employees_total": 4, "employees_integration": 2},
        applicant_email="eva@ansokt.se", applicant_name="Eva Ansökare",
    )  # fmt: skip
    rep = company.representatives.get().user
    services.company_contacts_replace(
        company=company, contacts=[{"name": "Sara Lind", "title": "VD", "email": "", "phone": "070-112 34 57"}],
        actor=rep,
    )  # fmt: skip
    services.assessment_record(
        company=company, fields=assessment_fields(c2_verdict="unclear"), actor=coordinator
    )
    client.force_login(coordinator)
    page = client.get(reverse("companies:company-manage", args=[company.pk])).content.decode()
    assert "Eva Ansökare" in page  # who created the record, not "systemet"
    assert "Kontaktpersoner tillagda: Sara Lind" in page
    assert "kriterium 2: oklart" in page


def _number():
    from tests.companies.factories import luhn_complete

    return luhn_complete("769655501")


def test_the_applicant_reads_the_applications_status_on_their_pages(client):
    company = services.company_apply(
        fields={"name": "Kafé Väntar", "org_number": _number(), "legal_form": "ekonomisk_forening"},
        applicant_email="eva@vantar.se", applicant_name="Eva Väntar",
    )  # fmt: skip
    user = company.representatives.get().user
    user.is_active = True
    user.save()
    client.force_login(user)
    page = client.get(reverse("companies:company-edit", args=[company.pk])).content.decode()
    assert "Ansökt" in page and "väntar på en samordnare" in page


def test_lapsing_is_refused_for_a_company_still_valid():
    company = CompanyFactory(verified=True)
    assert company.lapse_blockers(today=TODAY)
    assert not Company(
        status=Company.Status.VERIFIED, verified_until=TODAY - timedelta(days=1)
    ).lapse_blockers(today=TODAY)


def test_a_decided_change_request_cannot_be_decided_again(coordinator):
    rep = RepresentativeFactory()
    request = services.change_request_submit(
        company=rep.company, new_values={"employees_total": 14}, actor=rep.user
    )
    services.change_request_decide(change_request=request, approve=True, comment="", actor=coordinator)
    with pytest.raises(DomainError) as error:
        services.change_request_decide(
            change_request=request, approve=False, comment="Nej", actor=coordinator
        )
    assert "redan" in error.value.message
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.APPROVED
    assert Assessment.objects.count() == 0


def test_the_dashboard_tag_shows_the_representatives_application_status(rf):
    from django.template import Context, Template

    company = services.company_apply(
        fields={"name": "Kafé Taggen", "org_number": _number(), "legal_form": "ekonomisk_forening"},
        applicant_email="eva@taggen.se", applicant_name="Eva Taggen",
    )  # fmt: skip
    user = company.representatives.get().user
    user.is_active = True
    user.save()
    request = rf.get("/")
    request.user = user
    html = Template("{% load companies_tags %}{% company_application_status %}").render(
        Context({"request": request})
    )
    assert "Status i ASF-registret" in html and "Ansökt" in html


def test_a_closing_reason_may_not_hold_a_personnummer(coordinator):
    company = CompanyFactory(verified=True)
    with pytest.raises(DomainError) as error:
        services.company_close(company=company, reason="Ägaren 19811218-9876 har avlidit.", actor=coordinator)
    assert "personnummer" in " ".join(error.value.field_errors["reason"])


def test_an_impossible_assessment_date_is_refused_on_the_field_not_a_crash(coordinator):
    with pytest.raises(DomainError) as error:
        services.assessment_record(
            company=CompanyFactory(),
            fields=assessment_fields(assessed_on=date(9999, 12, 31)),
            actor=coordinator,
        )
    assert list(error.value.field_errors) == ["assessed_on"]
