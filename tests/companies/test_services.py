"""Registry services: registration, invitations, assessments, change requests, closing, lapsing, reminders."""

from datetime import timedelta

import pytest
from django.utils import timezone

from asfportal.core import reminders
from asfportal.core.exceptions import DomainError
from asfportal.core.models import AuditEntry, Notification
from companies import services
from companies.models import Assessment, ChangeRequest, Company, Invitation
from tests.companies.factories import CompanyFactory, RepresentativeFactory, assessment_fields, luhn_complete

pytestmark = pytest.mark.django_db


def _fields(**overrides):
    return {
        "name": "Cykelköket ekonomisk förening",
        "org_number": "769612-3456",
        "legal_form": Company.LegalForm.EKONOMISK_FORENING,
        "employees_total": 5,
        "employees_integration": 3,
        **overrides,
    }


def test_register_normalises_the_number_and_audits(coordinator):
    number = luhn_complete("769612345")
    company = services.company_register(fields=_fields(org_number=number.replace("-", "")), actor=coordinator)
    assert company.org_number == number
    assert company.status == Company.Status.UNDER_ASSESSMENT
    assert AuditEntry.objects.filter(
        action="companies.company.registered", object_id=str(company.pk)
    ).exists()


def test_a_second_registration_names_the_existing_company(coordinator):
    existing = CompanyFactory(name="Returbutiken Kumla")
    with pytest.raises(DomainError) as error:
        services.company_register(fields=_fields(org_number=existing.org_number), actor=coordinator)
    assert "Returbutiken Kumla" in error.value.message
    assert Company.objects.count() == 1


def test_the_group_digit_must_fit_the_legal_form(coordinator):
    with pytest.raises(DomainError):
        services.company_register(
            fields=_fields(org_number=luhn_complete("769612345"), legal_form=Company.LegalForm.AKTIEBOLAG),
            actor=coordinator,
        )
    assert not Company.objects.exists()


def test_all_four_criteria_met_verifies_for_twelve_months(coordinator):
    company = CompanyFactory()
    today = timezone.localdate()
    assessment = services.assessment_record(company=company, fields=assessment_fields(), actor=coordinator)
    company.refresh_from_db()
    assert assessment.is_verified
    assert company.status == Company.Status.VERIFIED
    assert company.verified_until == assessment.valid_until
    assert 365 <= (assessment.valid_until - today).days <= 366
    assert Company.objects.listed().filter(pk=company.pk).exists()


def test_one_criterion_not_met_means_not_verified_and_unlisted(coordinator):
    company = CompanyFactory()
    services.assessment_record(
        company=company, fields=assessment_fields(c2_verdict=Assessment.Verdict.UNCLEAR), actor=coordinator
    )
    company.refresh_from_db()
    assert company.status == Company.Status.NOT_VERIFIED
    assert company.verified_until is None
    assert not Company.objects.listed().exists()


def test_a_public_owner_cannot_meet_criterion_four(coordinator):
    company = CompanyFactory()
    with pytest.raises(DomainError):
        services.assessment_record(
            company=company, fields=assessment_fields(c4_public_owner=True), actor=coordinator
        )
    assert not Assessment.objects.exists()


def test_warnings_flag_placements_only_high_salary_ratio_and_public_supervisors(coordinator):
    assessment = services.assessment_record(
        company=CompanyFactory(),
        fields=assessment_fields(
            c1_employees=0,
            c1_target_group_hires=0,
            c1_participants=6,
            c3_salary_ratio="3.10",
            c4_public_supervisor=True,
        ),
        actor=coordinator,
    )
    assert len(assessment.warnings()) == 3


def test_every_assessment_is_kept_as_history(coordinator):
    company = CompanyFactory()
    services.assessment_record(company=company, fields=assessment_fields(), actor=coordinator)
    services.assessment_record(
        company=company, fields=assessment_fields(c1_verdict=Assessment.Verdict.NOT_MET), actor=coordinator
    )
    assert company.assessments.count() == 2
    company.refresh_from_db()
    assert company.status == Company.Status.NOT_VERIFIED


def test_invitation_creates_an_inactive_account_and_mails_a_single_use_link(coordinator):
    company = CompanyFactory()
    invitation = services.representative_invite(
        company=company, email="Maja@Foretag.se", full_name="Maja Ek", actor=coordinator
    )
    assert invitation.user.email == "maja@foretag.se"
    assert not invitation.user.is_active
    notification = Notification.objects.get(recipient=invitation.user)
    assert notification.url == f"/foretag/inbjudan/{invitation.token}/"
    user = services.invitation_accept(invitation=invitation, password="Ett-Långt-Lösenord-9")
    assert user.is_active and user.check_password("Ett-Långt-Lösenord-9")
    with pytest.raises(DomainError):
        services.invitation_accept(invitation=invitation, password="Ett-Annat-Lösenord-9")


def test_an_expired_invitation_cannot_be_used(coordinator):
    invitation = services.representative_invite(
        company=CompanyFactory(), email="sen@foretag.se", full_name="Sen", actor=coordinator
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    invitation.refresh_from_db()
    with pytest.raises(DomainError):
        services.invitation_accept(invitation=invitation, password="Ett-Långt-Lösenord-9")


def test_inviting_someone_who_already_has_an_account_is_refused(coordinator, officer):
    with pytest.raises(DomainError):
        services.representative_invite(
            company=CompanyFactory(), email=officer.email, full_name="X", actor=coordinator
        )


def test_a_change_request_keeps_the_old_facts_until_approved(coordinator):
    rep = RepresentativeFactory(company=CompanyFactory(verified=True))
    company = rep.company
    request = services.change_request_submit(
        company=company, new_values={"legal_form": "other", "employees_total": 12}, actor=rep.user
    )
    company.refresh_from_db()
    assert company.legal_form == "ekonomisk_forening"
    assert request.old_values == {"legal_form": "ekonomisk_forening", "employees_total": 10}
    assert request.new_values == {"legal_form": "other", "employees_total": 12}


def test_a_change_request_that_could_never_be_approved_is_refused_when_sent():
    # The group digit 7 does not fit an ideell förening (8): the model's rule refuses the proposal at once, on the
    # legal form, instead of filing a request the coordinator could never approve.
    rep = RepresentativeFactory(company=CompanyFactory(verified=True))
    with pytest.raises(DomainError) as error:
        services.change_request_submit(
            company=rep.company, new_values={"legal_form": "ideell_forening"}, actor=rep.user
        )
    assert "legal_form" in error.value.field_errors
    assert not ChangeRequest.objects.exists()


def test_an_approved_change_request_updates_the_record_and_tells_the_requester(coordinator):
    rep = RepresentativeFactory(company=CompanyFactory(verified=True))
    request = services.change_request_submit(
        company=rep.company, new_values={"employees_total": 14}, actor=rep.user
    )
    services.change_request_decide(change_request=request, approve=True, comment="OK", actor=coordinator)
    rep.company.refresh_from_db()
    assert rep.company.employees_total == 14
    assert Notification.objects.filter(recipient=rep.user, kind="companies.change_request_decided").exists()


def test_a_rejection_needs_a_comment(coordinator):
    rep = RepresentativeFactory()
    request = services.change_request_submit(
        company=rep.company, new_values={"employees_total": 14}, actor=rep.user
    )
    with pytest.raises(DomainError):
        services.change_request_decide(change_request=request, approve=False, comment=" ", actor=coordinator)


def test_only_one_change_request_waits_at_a_time():
    rep = RepresentativeFactory()
    services.change_request_submit(company=rep.company, new_values={"employees_total": 14}, actor=rep.user)
    with pytest.raises(DomainError):
        services.change_request_submit(
            company=rep.company, new_values={"employees_total": 15}, actor=rep.user
        )


def test_a_closed_company_leaves_the_directory_and_keeps_its_history(coordinator):
    company = CompanyFactory(verified=True)
    services.company_close(company=company, reason="Verksamheten har upphört.", actor=coordinator)
    company.refresh_from_db()
    assert company.status == Company.Status.CLOSED
    assert not Company.objects.listed().exists()
    assert company.history.count() >= 2


def test_expired_assessments_lapse(coordinator):
    company = CompanyFactory(verified=True, verified_until=timezone.localdate() - timedelta(days=1))
    assert not Company.objects.listed().exists()
    assert services.companies_lapse(today=timezone.localdate()) == 1
    assert services.companies_lapse(today=timezone.localdate()) == 0
    company.refresh_from_db()
    assert company.status == Company.Status.LAPSED


def test_expiry_reminders_go_to_the_company_and_the_assessor_at_60_and_14_days_once_each(coordinator):
    rep = RepresentativeFactory()
    services.assessment_record(company=rep.company, fields=assessment_fields(), actor=coordinator)
    valid_until = Company.objects.get(pk=rep.company_id).verified_until

    def expiring():
        return Notification.objects.filter(kind="companies.assessment_expiring")

    reminders.reminders_sweep(today=valid_until - timedelta(days=61))
    assert not expiring().exists()
    reminders.reminders_sweep(today=valid_until - timedelta(days=60))
    reminders.reminders_sweep(today=valid_until - timedelta(days=59))
    assert set(expiring().values_list("recipient", flat=True)) == {rep.user_id, coordinator.pk}
    assert expiring().count() == 2
    reminders.reminders_sweep(today=valid_until - timedelta(days=14))
    assert expiring().count() == 4


def test_a_lapse_reminder_is_sent_once(coordinator):
    rep = RepresentativeFactory()
    services.assessment_record(company=rep.company, fields=assessment_fields(), actor=coordinator)
    valid_until = Company.objects.get(pk=rep.company_id).verified_until
    reminders.reminders_sweep(today=valid_until + timedelta(days=1))
    reminders.reminders_sweep(today=valid_until + timedelta(days=2))
    assert Notification.objects.filter(kind="companies.assessment_lapsed").count() == 2  # rep and coordinator
