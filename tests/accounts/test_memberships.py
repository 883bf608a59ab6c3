"""Memberships (issue 16): the header's switcher, recipients found through current memberships, the data migration
from one-role users, and sessions made before memberships existed."""

from datetime import date, timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from asfportal.accounts import selectors, services
from asfportal.accounts.models import Membership, Role, User
from asfportal.core.models import AuditEntry, Notification
from companies import services as company_services
from companies.models import Representative, ServiceCategory
from policies import reminders as policy_reminders
from policies.models import Policy
from procurement.models import CpvCode
from procurement.services import fanout
from tests.accounts.factories import UserFactory
from tests.companies.factories import CompanyFactory, RepresentativeFactory, assessment_fields
from tests.procurement.factories import TenderFactory

pytestmark = pytest.mark.django_db

MIGRATION = import_module("asfportal.accounts.migrations.0009_memberships_from_roles")


@pytest.fixture
def coordinator_and_officer(municipality, other_municipality):
    """Coordinator of the municipality who also posts the tenders of another organisation (acting as coordinator)."""
    person = UserFactory(role=Role.COORDINATOR, organisation=municipality)
    services.membership_grant(
        user=person, role=Role.PROCUREMENT_OFFICER, organisation=other_municipality, activate=False
    )
    return person


@pytest.fixture
def rep_of_two():
    """A representative acting for Kafé Gemenskap who also keeps Returbutiken's profile."""
    person = RepresentativeFactory(company=CompanyFactory(verified=True, name="Kafé Gemenskap")).user
    services.membership_grant(
        user=person,
        role=Role.COMPANY_REPRESENTATIVE,
        company=CompanyFactory(verified=True, name="Returbutiken"),
        activate=False,
    )
    return person


def _membership(person, **holder) -> Membership:
    return Membership.objects.get(user=person, revoked_at__isnull=True, **holder)


# --- The switcher ------------------------------------------------------------------------------------------------


def test_the_header_names_the_active_membership_of_a_person_with_one(client, coordinator):
    client.force_login(coordinator)
    html = client.get(reverse("accounts:dashboard-coordinator")).content.decode()
    assert f"Samordnare · {coordinator.organisation.name}" in html
    assert 'name="membership"' not in html  # nothing to switch to


def test_the_header_offers_every_current_membership_with_the_active_one_selected(
    client, coordinator_and_officer, other_municipality
):
    client.force_login(coordinator_and_officer)
    html = client.get(reverse("accounts:dashboard-coordinator")).content.decode()
    coordinator_id = _membership(coordinator_and_officer, role=Role.COORDINATOR).pk
    officer_id = _membership(coordinator_and_officer, role=Role.PROCUREMENT_OFFICER).pk
    assert f'<option value="{coordinator_id}" selected>' in html
    assert f'<option value="{officer_id}">Upphandlare · {other_municipality.name}</option>' in html
    assert '<label class="portal-membership-label" for="membership-switch">' in html


def test_switching_lands_on_the_new_roles_dashboard_and_is_audited(
    client, coordinator_and_officer, other_municipality
):
    officer_membership = _membership(coordinator_and_officer, role=Role.PROCUREMENT_OFFICER)
    client.force_login(coordinator_and_officer)
    response = client.post(
        reverse("accounts:membership-switch"), {"membership": officer_membership.pk}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("accounts:dashboard-procurement")
    person = User.objects.get(pk=coordinator_and_officer.pk)
    assert (person.role, person.organisation_id) == (Role.PROCUREMENT_OFFICER, other_municipality.pk)
    entry = AuditEntry.objects.filter(action="accounts.membership.activated").latest("pk")
    assert entry.actor_id == person.pk and entry.data["membership"] == officer_membership.pk
    assert client.get(reverse("accounts:dashboard-coordinator")).status_code == 403  # never the union


def test_the_header_list_follows_a_switch_at_once(client, coordinator_and_officer):
    officer_membership = _membership(coordinator_and_officer, role=Role.PROCUREMENT_OFFICER)
    client.force_login(coordinator_and_officer)
    client.get(reverse("accounts:dashboard-coordinator"))  # caches the list
    client.post(reverse("accounts:membership-switch"), {"membership": officer_membership.pk})
    html = client.get(reverse("accounts:dashboard-procurement")).content.decode()
    assert f'<option value="{officer_membership.pk}" selected>' in html


@pytest.mark.parametrize("which", ["someone else's", "revoked", "not a number", "too long"])
def test_a_person_can_switch_only_to_their_own_current_memberships(
    client, coordinator_and_officer, officer, which
):
    mine = _membership(coordinator_and_officer, role=Role.PROCUREMENT_OFFICER)
    if which == "revoked":
        services.membership_revoke(membership=mine, actor=None)
    value = {
        "someone else's": _membership(officer).pk,
        "revoked": mine.pk,
        "not a number": "x1",
        "too long": "9" * 40,
    }[which]
    client.force_login(coordinator_and_officer)
    assert client.post(reverse("accounts:membership-switch"), {"membership": value}).status_code == 404
    person = User.objects.get(pk=coordinator_and_officer.pk)
    assert person.role == Role.COORDINATOR and officer.role == Role.PROCUREMENT_OFFICER


def test_switching_answers_only_a_post(client, coordinator_and_officer):
    client.force_login(coordinator_and_officer)
    assert client.get(reverse("accounts:membership-switch")).status_code == 405


def test_a_representative_of_two_companies_edits_only_the_active_ones_profile(client, rep_of_two):
    first = rep_of_two.representation.company
    second_membership = Membership.objects.get(user=rep_of_two, company__name="Returbutiken")
    client.force_login(rep_of_two)
    assert client.get(reverse("companies:company-edit", args=[first.pk])).status_code == 200
    assert (
        client.get(reverse("companies:company-edit", args=[second_membership.company_id])).status_code == 404
    )
    client.post(reverse("accounts:membership-switch"), {"membership": second_membership.pk})
    assert Representative.objects.get(user=rep_of_two).company_id == second_membership.company_id
    assert (
        client.get(reverse("companies:company-edit", args=[second_membership.company_id])).status_code == 200
    )
    assert client.get(reverse("companies:company-edit", args=[first.pk])).status_code == 404


# --- Recipients through memberships ------------------------------------------------------------------------------


def test_people_with_role_finds_holders_whichever_membership_they_act_in(
    coordinator_and_officer, municipality
):
    services.membership_activate(
        user=coordinator_and_officer,
        membership=_membership(coordinator_and_officer, role=Role.PROCUREMENT_OFFICER),
    )
    found = selectors.people_with_role(Role.COORDINATOR, organisation_ids=[municipality.pk])
    assert list(found) == [coordinator_and_officer]


def test_people_with_role_leaves_out_revoked_memberships_and_deactivated_people(municipality):
    revoked, deactivated, kept = (UserFactory(organisation=municipality) for _ in range(3))
    services.membership_revoke(membership=_membership(revoked), actor=None)
    User.objects.filter(pk=deactivated.pk).update(is_active=False)
    assert list(selectors.people_with_role(Role.COORDINATOR, organisation_ids=[municipality.pk])) == [kept]


def test_a_coordinator_switched_to_officer_still_gets_the_coordinators_reminders(
    coordinator_and_officer, municipality
):
    services.membership_activate(
        user=coordinator_and_officer,
        membership=_membership(coordinator_and_officer, role=Role.PROCUREMENT_OFFICER),
    )
    today = date(2026, 12, 7)
    policy = Policy.objects.create(
        organisation=municipality, title="Policy för ASF", status="adopted", adopted_by="Kommunfullmäktige",
        adopted_on=date(2025, 1, 1), review_on=today + timedelta(days=10),
    )  # fmt: skip
    reminders = [r for r in policy_reminders.policies_due_for_review(today) if r.subject_object == policy]
    assert [r.recipient for r in reminders] == [coordinator_and_officer]


def test_a_representative_of_two_companies_hears_of_both_companies_assessments(rep_of_two, coordinator):
    second = Membership.objects.get(user=rep_of_two, company__name="Returbutiken").company
    company_services.assessment_record(company=second, fields=assessment_fields(), actor=coordinator)
    assert (
        Notification.objects.filter(recipient=rep_of_two, kind="companies.assessment_recorded").count() == 1
    )


def test_a_representative_of_two_companies_gets_both_companies_tender_alerts(rep_of_two, officer):
    cleaning = ServiceCategory.objects.get(slug="cleaning")
    companies = {m.company for m in Membership.objects.filter(user=rep_of_two).select_related("company")}
    inactive = next(c for c in companies if c.pk != rep_of_two.representation.company_id)
    inactive.service_categories.add(cleaning)
    tender = TenderFactory(buyer=officer.organisation, published=True)
    prefix = cleaning.cpv_prefixes.split(",")[0].strip()
    tender.cpv_codes.add(CpvCode.objects.filter(code__startswith=prefix).first())
    fanout.notify_matching(tender)
    assert Notification.objects.filter(recipient=rep_of_two, kind="procurement.tender_matching").count() == 1


def test_an_officer_acting_as_coordinator_still_hears_of_the_buyers_tenders(
    coordinator_and_officer, other_municipality
):
    tender = TenderFactory(buyer=other_municipality, published=True)
    officers = list(fanout.officers_of(tender))
    assert coordinator_and_officer in officers and coordinator_and_officer.role == Role.COORDINATOR


def test_inviting_a_representative_grants_the_company_membership(coordinator):
    company = CompanyFactory(verified=True)
    invitation = company_services.representative_invite(
        company=company, email="ny@foretag.se", full_name="Ny Person", actor=coordinator
    )
    company_services.invitation_accept(invitation=invitation, password="Korrekt-Häst-Batteri-7")
    person = User.objects.get(email="ny@foretag.se")
    membership = _membership(person)
    assert (membership.role, membership.company_id, membership.granted_by_id) == (
        Role.COMPANY_REPRESENTATIVE, company.pk, coordinator.pk,
    )  # fmt: skip
    assert person.representation.company_id == company.pk
    assert list(selectors.people_with_role(Role.COMPANY_REPRESENTATIVE, company_ids=[company.pk])) == [person]


# --- The data migration and old sessions -------------------------------------------------------------------------


def _old_style_people(municipality):
    """People as the release before memberships made them: a role and an organisation, or a Representative row."""
    coordinator = User.objects.create(
        email="samordnare@gammal.se", role=Role.COORDINATOR, organisation=municipality
    )
    officer = User.objects.create(
        email="upphandlare@gammal.se", role=Role.PROCUREMENT_OFFICER, organisation=municipality
    )
    rep = User.objects.create(email="foretag@gammal.se", role=Role.COMPANY_REPRESENTATIVE)
    company = CompanyFactory(verified=True)
    Representative.objects.create(user=rep, company=company)
    administrator = User.objects.create(email="admin@gammal.se", role=Role.ADMINISTRATOR, is_staff=True)
    return coordinator, officer, rep, company, administrator


def test_the_data_migration_gives_each_old_style_person_exactly_their_one_role(municipality):
    coordinator, officer, rep, company, administrator = _old_style_people(municipality)
    assert not Membership.objects.filter(user__email__endswith="@gammal.se").exists()
    MIGRATION.forwards(apps, None)
    MIGRATION.forwards(apps, None)  # a re-run after a partial deploy creates nothing twice
    for person, holder in ((coordinator, {"organisation": municipality}), (officer, {"organisation": municipality}),
                           (rep, {"company": company})):  # fmt: skip
        memberships = list(Membership.objects.filter(user=person))
        assert len(memberships) == 1 and memberships[0].role == person.role
        assert selectors.active_membership(user=person) == memberships[0]
        assert memberships[0].organisation_id == getattr(holder.get("organisation"), "pk", None)
        assert memberships[0].company_id == getattr(holder.get("company"), "pk", None)
        person.refresh_from_db()
        assert person.role and (person.organisation_id or person.representation.company_id)  # nothing lost
    assert not Membership.objects.filter(user=administrator).exists()


def test_a_session_made_before_memberships_existed_still_serves_the_dashboard(client, municipality):
    coordinator = _old_style_people(municipality)[0]
    client.force_login(coordinator)  # the old release's session: nothing in it names a membership
    before = dict(client.session)
    assert client.get(reverse("accounts:dashboard")).url == reverse("accounts:dashboard-coordinator")
    assert client.get(reverse("accounts:dashboard-coordinator")).status_code == 200
    MIGRATION.forwards(apps, None)  # the deploy's migration runs while the session is open
    response = client.get(reverse("accounts:dashboard-coordinator"))
    assert response.status_code == 200
    assert f"Samordnare · {municipality.name}" in response.content.decode()
    assert set(before) <= set(client.session.keys())


def test_a_revoked_active_membership_hands_over_to_the_next_one(coordinator_and_officer, other_municipality):
    services.membership_revoke(
        membership=_membership(coordinator_and_officer, role=Role.COORDINATOR), actor=None
    )
    person = User.objects.get(pk=coordinator_and_officer.pk)
    assert (person.role, person.organisation_id) == (Role.PROCUREMENT_OFFICER, other_municipality.pk)
    assert timezone.now() >= Membership.objects.get(user=person, role=Role.COORDINATOR).revoked_at


def test_the_headers_membership_list_costs_no_query_once_cached(client, coordinator_and_officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(coordinator_and_officer)
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("core:notification-list"))
    with CaptureQueriesContext(connection) as second:
        assert "Byt roll" in client.get(reverse("core:notification-list")).content.decode()
    reads = [
        [q["sql"] for q in run.captured_queries if '"accounts_membership"' in q["sql"]]
        for run in (first, second)
    ]
    assert len(reads[0]) == 1 and reads[1] == []
