"""Organisation administration's services: invitations, colleagues' roles, leavers, the yearly review, joining."""

from datetime import date, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from asfportal.accounts import administration, selectors
from asfportal.accounts.models import (
    AccessReview,
    JoinApplication,
    Membership,
    Organisation,
    OrganisationInvitation,
    Role,
    User,
)
from asfportal.core.exceptions import DomainError
from asfportal.core.models import AuditEntry, Notification
from asfportal.core.tokens import token_hash
from procurement.models import Watch
from tests.accounts.factories import OrganisationFactory
from tests.conftest import _member
from tests.procurement.factories import TenderFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Ett-Långt-Lösenord-9"


def _raw_token(invitation: OrganisationInvitation) -> str:
    """The token of the link the invitee was e-mailed (the database holds only its hash)."""
    url = Notification.objects.get(kind="accounts.organisation_invitation", object_id=str(invitation.pk)).url
    return url.rstrip("/").rsplit("/", 1)[1]


def _invite(org_admin, email="ny.kollega@kommun.se", role=Role.COORDINATOR):
    return administration.invitation_send(
        organisation=org_admin.organisation, email=email, full_name="Nora Ny", role=role, actor=org_admin
    )


# --- Invitations ------------------------------------------------------------------------------------------------


def test_an_invitation_stores_only_the_hash_of_its_token_and_mails_the_link(org_admin):
    invitation = _invite(org_admin, email="Nora.Ny@Kommun.SE")
    raw = _raw_token(invitation)
    assert invitation.email == "nora.ny@kommun.se"
    assert invitation.token_hash == token_hash(raw) and raw not in invitation.token_hash
    assert administration.invitation_for_token(raw) == invitation
    assert administration.invitation_for_token(invitation.token_hash) is None
    assert AuditEntry.objects.filter(action="accounts.invitation.sent", actor=org_admin).exists()


def test_a_new_person_sets_a_password_and_gets_the_role_active(org_admin):
    invitation = _invite(org_admin)
    user = administration.invitation_accept_new(invitation=invitation, password=NEW_PASSWORD)
    assert user.is_active and user.check_password(NEW_PASSWORD)
    assert (user.role, user.organisation_id) == (Role.COORDINATOR, org_admin.organisation_id)
    assert Membership.objects.current().filter(user=user, role=Role.COORDINATOR).count() == 1


def test_an_invitation_link_works_once(org_admin):
    invitation = _invite(org_admin)
    administration.invitation_accept_new(invitation=invitation, password=NEW_PASSWORD)
    invitation.refresh_from_db()
    with pytest.raises(DomainError, match="redan använts"):
        administration.invitation_accept_new(invitation=invitation, password=NEW_PASSWORD)


def test_an_expired_invitation_cannot_be_used(org_admin):
    invitation = _invite(org_admin)
    OrganisationInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    invitation.refresh_from_db()
    with pytest.raises(DomainError):
        administration.invitation_accept_new(invitation=invitation, password=NEW_PASSWORD)
    assert not User.objects.get(email=invitation.email).is_active


def test_a_second_invitation_replaces_the_first_link(org_admin):
    first = _invite(org_admin)
    second = _invite(org_admin)
    first.refresh_from_db()
    assert first.withdrawn_at is not None and second.is_pending
    with pytest.raises(DomainError):
        administration.invitation_accept_new(invitation=first, password=NEW_PASSWORD)


def test_someone_with_an_account_signs_in_and_the_membership_is_added(org_admin, officer):
    _member(Role.PROCUREMENT_OFFICER, officer.organisation, email="inkop@kommun.se")
    person = User.objects.get(email="inkop@kommun.se")
    invitation = _invite(org_admin, email=person.email)
    assert administration.invitation_needs_sign_in(invitation)
    with pytest.raises(DomainError):
        administration.invitation_accept_new(invitation=invitation, password=NEW_PASSWORD)
    with pytest.raises(DomainError, match=person.email):
        administration.invitation_accept_signed_in(invitation=invitation, user=officer)
    administration.invitation_accept_signed_in(invitation=invitation, user=person)
    person.refresh_from_db()
    assert person.role == Role.COORDINATOR
    assert set(Membership.objects.current().filter(user=person).values_list("role", flat=True)) == {
        Role.COORDINATOR,
        Role.PROCUREMENT_OFFICER,
    }


def test_inviting_someone_who_already_holds_the_role_is_refused(org_admin):
    colleague = _member(Role.COORDINATOR, org_admin.organisation)
    with pytest.raises(DomainError) as error:
        _invite(org_admin, email=colleague.email)
    assert "email" in error.value.field_errors


def test_a_withdrawn_invitation_no_longer_works(org_admin):
    invitation = _invite(org_admin)
    administration.invitation_withdraw(invitation=invitation, actor=org_admin)
    invitation.refresh_from_db()
    assert invitation.accept_blockers(at=timezone.now())


# --- Roles and leavers ------------------------------------------------------------------------------------------


def test_granting_a_colleague_a_role_adds_it_beside_the_active_one_and_mails_them(org_admin):
    colleague = _member(Role.COORDINATOR, org_admin.organisation)
    administration.colleague_role_grant(
        organisation=org_admin.organisation, person=colleague, role=Role.PROCUREMENT_OFFICER, actor=org_admin
    )
    colleague.refresh_from_db()
    assert colleague.role == Role.COORDINATOR
    assert Notification.objects.filter(recipient=colleague, kind="accounts.access_changed").count() == 1


def test_only_a_colleague_can_be_granted_a_role(org_admin, outsider):
    with pytest.raises(DomainError):
        administration.colleague_role_grant(
            organisation=org_admin.organisation, person=outsider, role=Role.COORDINATOR, actor=org_admin
        )


def test_revoking_a_role_ends_it_and_mails_the_person(org_admin):
    colleague = _member(Role.COORDINATOR, org_admin.organisation)
    membership = Membership.objects.get(user=colleague)
    administration.colleague_role_revoke(membership=membership, actor=org_admin)
    colleague.refresh_from_db()
    assert colleague.role == "" and not Membership.objects.current().filter(user=colleague).exists()
    assert Notification.objects.filter(recipient=colleague, kind="accounts.access_changed").exists()


def test_the_last_organisation_administrator_cannot_be_removed(org_admin):
    membership = Membership.objects.get(user=org_admin)
    with pytest.raises(DomainError, match="minst en"):
        administration.colleague_role_revoke(membership=membership, actor=org_admin)


def test_a_leaver_is_deactivated_signed_out_and_their_tenders_go_to_the_successor(org_admin, client):
    organisation = org_admin.organisation
    leaver = _member(Role.PROCUREMENT_OFFICER, organisation)
    successor = _member(Role.PROCUREMENT_OFFICER, organisation)
    tender = TenderFactory(buyer=organisation, created_by=leaver)
    Watch.objects.create(tender=tender, user=leaver)
    browser = Client()
    browser.force_login(leaver)
    assert Session.objects.count() == 1
    moved = administration.colleague_deactivate(
        person=leaver, organisation=organisation, successor=successor, actor=org_admin
    )
    leaver.refresh_from_db()
    assert not leaver.is_active and leaver.role == ""
    assert not Membership.objects.current().filter(user=leaver).exists()
    assert moved == {"procurement.tender_watches": 1}
    assert list(Watch.objects.filter(tender=tender).values_list("user_id", flat=True)) == [successor.pk]
    assert Session.objects.count() == 0
    assert browser.get("/oversikt/").status_code == 302
    entry = AuditEntry.objects.get(action="accounts.user.deactivated")
    assert entry.actor == org_admin and entry.data["successor"] == successor.pk
    assert Notification.objects.filter(recipient=leaver, kind="accounts.access_changed").exists()


def test_a_person_who_also_works_elsewhere_keeps_their_account(org_admin, other_municipality):
    person = _member(Role.COORDINATOR, org_admin.organisation)
    from asfportal.accounts.services import membership_grant

    membership_grant(user=person, role=Role.COORDINATOR, organisation=other_municipality)
    reasons = administration.deactivate_blockers(
        person=person, organisation=org_admin.organisation, actor=org_admin
    )
    assert any("annan organisation" in reason for reason in reasons)


def test_the_administrator_cannot_deactivate_themselves(org_admin):
    reasons = administration.deactivate_blockers(
        person=org_admin, organisation=org_admin.organisation, actor=org_admin
    )
    assert reasons


def test_the_successor_must_be_an_active_colleague(org_admin, outsider):
    leaver = _member(Role.COORDINATOR, org_admin.organisation)
    with pytest.raises(DomainError):
        administration.colleague_deactivate(
            person=leaver, organisation=org_admin.organisation, successor=outsider, actor=org_admin
        )
    leaver.refresh_from_db()
    assert leaver.is_active


# --- The access list --------------------------------------------------------------------------------------------


def test_the_access_list_shows_only_the_organisations_current_roles(org_admin, other_org_admin):
    colleague = _member(Role.COORDINATOR, org_admin.organisation)
    rows = list(selectors.access_list(organisation_id=org_admin.organisation_id))
    assert {row.user_id for row in rows} == {org_admin.pk, colleague.pk}
    assert list(selectors.access_list(organisation_id=org_admin.organisation_id, role=Role.COORDINATOR)) == [
        Membership.objects.get(user=colleague)
    ]
    assert [
        r.user for r in selectors.access_list(organisation_id=org_admin.organisation_id, text=colleague.email)
    ] == [colleague]


# --- The yearly review ------------------------------------------------------------------------------------------


def test_the_sweep_opens_one_review_a_year_and_mails_the_administrators_once(
    org_admin, other_org_admin, settings
):
    settings.ACCESS_REVIEW_MONTH = 1
    first = administration.access_reviews_sweep(today=date(2026, 12, 7))
    again = administration.access_reviews_sweep(today=date(2026, 12, 8))
    assert first == {"created": 2, "notified": 2}
    assert again == {"created": 0, "notified": 0}
    review = AccessReview.objects.get(organisation=org_admin.organisation)
    assert (review.year, review.due_on) == (2026, date(2027, 1, 6))
    assert Notification.objects.filter(kind="accounts.access_review_due", recipient=org_admin).count() == 1


def test_no_review_before_its_month(org_admin, settings):
    settings.ACCESS_REVIEW_MONTH = 3
    assert administration.access_reviews_sweep(today=date(2027, 2, 1))["created"] == 0


def test_a_review_is_confirmed_once_with_the_number_of_people(org_admin):
    _member(Role.COORDINATOR, org_admin.organisation)
    administration.access_reviews_sweep(today=date(2026, 12, 7))
    review = AccessReview.objects.get(organisation=org_admin.organisation)
    administration.access_review_confirm(review=review, actor=org_admin)
    review.refresh_from_db()
    assert review.confirmed_by == org_admin and review.confirmed_count == 2
    with pytest.raises(DomainError):
        administration.access_review_confirm(review=review, actor=org_admin)


def test_an_unconfirmed_review_past_due_shows_for_the_national_administrator(org_admin):
    administration.access_reviews_sweep(today=date(2026, 1, 10))
    overview = selectors.national_administration_overview(today=date(2026, 3, 1))
    assert [r.organisation for r in overview["overdue_reviews"]] == [org_admin.organisation]


# --- Joining ----------------------------------------------------------------------------------------------------


@pytest.fixture
def unjoined_kommun(db):
    return OrganisationFactory(kommun=True, name="Testby kommun", website="https://www.testby.se")


def _apply(organisation, email="anna@testby.se", **extra):
    return administration.join_apply(
        organisation=organisation, administrator_name="Anna Ansökare", administrator_email=email, **extra
    )


def test_the_first_administrators_address_must_be_at_the_organisations_domain(unjoined_kommun, admin_user):
    with pytest.raises(DomainError) as error:
        _apply(unjoined_kommun, email="anna@annanstans.se")
    assert "testby.se" in error.value.field_errors["administrator_email"][0]
    with pytest.raises(DomainError):
        _apply(unjoined_kommun, email="anna@gmail.com")
    assert _apply(unjoined_kommun, email="anna@skola.testby.se").status == JoinApplication.Status.PENDING


def test_an_organisation_already_in_use_cannot_apply(org_admin):
    with pytest.raises(DomainError):
        _apply(org_admin.organisation, email="x@kommun.se")


def test_approval_activates_and_invites_the_first_administrator_once(unjoined_kommun, admin_user):
    application = _apply(unjoined_kommun)
    assert Notification.objects.filter(
        recipient=admin_user, kind="accounts.join_application_received"
    ).exists()
    administration.join_approve(application=application, actor=admin_user)
    with pytest.raises(DomainError):
        administration.join_approve(application=application, actor=admin_user)
    invitation = OrganisationInvitation.objects.get(organisation=unjoined_kommun)
    assert (invitation.email, invitation.role) == ("anna@testby.se", Role.ORGANISATION_ADMINISTRATOR)
    user = administration.invitation_accept_new(invitation=invitation, password=NEW_PASSWORD)
    assert (user.role, user.organisation) == (Role.ORGANISATION_ADMINISTRATOR, unjoined_kommun)


def test_a_forbund_given_by_name_is_created_on_approval(admin_user):
    application = _apply(
        None, email="chef@nyttforbund.se", name="Nytt samordningsförbund", org_number="222222-2222"
    )
    administration.join_approve(application=application, actor=admin_user)
    organisation = Organisation.objects.get(org_number="222222-2222")
    assert organisation.kind == Organisation.Kind.SAMORDNINGSFORBUND


def test_a_refusal_needs_a_reason_and_mails_the_applicant(unjoined_kommun, admin_user):
    application = _apply(unjoined_kommun)
    with pytest.raises(DomainError):
        administration.join_refuse(application=application, reason="  ", actor=admin_user)
    administration.join_refuse(
        application=application, reason="Kommunen har redan ett avtal.", actor=admin_user
    )
    note = Notification.objects.get(kind="accounts.join_application_refused")
    assert note.recipient.email == "anna@testby.se" and "redan ett avtal" in note.body
    assert AuditEntry.objects.filter(action="accounts.join_application.refused").count() == 1


def test_invitation_mail_reaches_the_outbox_in_swedish(org_admin):
    _invite(org_admin)
    note = Notification.objects.get(kind="accounts.organisation_invitation")
    assert "bjuder in dig" in note.body and "Inbjudan" in note.subject


def test_a_deactivated_persons_session_is_refused_whatever_backend_loaded_them(rf, org_admin):
    """The single sign-on backend (mozilla-django-oidc) loads a user without looking at is_active, and cache-only
    sessions cannot be deleted: AccountActiveMiddleware signs such a session out at its next request."""
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.cache import SessionStore
    from django.http import HttpResponse

    from asfportal.accounts.middleware import AccountActiveMiddleware

    leaver = _member(Role.COORDINATOR, org_admin.organisation)
    User.objects.filter(pk=leaver.pk).update(is_active=False)
    leaver.refresh_from_db()
    request = rf.get("/oversikt/")
    request.session = SessionStore()
    request.session["_auth_user_id"] = str(leaver.pk)
    request._messages = FallbackStorage(request)
    request.user = leaver  # as a backend that ignores is_active returns it
    response = AccountActiveMiddleware(lambda r: HttpResponse("the page"))(request)
    assert response.status_code == 302 and response.url.startswith("/konto/logga-in/")
    assert "_auth_user_id" not in request.session
    request.user = org_admin
    assert AccountActiveMiddleware(lambda r: HttpResponse("the page"))(request).status_code == 200
