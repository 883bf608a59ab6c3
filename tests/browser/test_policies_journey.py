"""Steering in Chromium: the public finds contacts and the adopted policy; coordinators plan and follow up."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from policies.models import ActionPlan, Activity, ContactPerson, Policy
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.browser.helpers import assert_accessible, login_as, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_contacts_activity_progress_and_the_forbund_guardrail(page, live_server, coordinator):
    organisation = coordinator.organisation
    today = timezone.localdate()
    ContactPerson.objects.create(organisation=organisation, name="Anna Ek", responsibility="external",
                                 email="anna@kommun.example")  # fmt: skip
    Policy.objects.create(organisation=organisation, title="Policy för ASF", status="adopted",
                                   adopted_by="Kommunfullmäktige", adopted_on=today - timedelta(days=100),
                                   text="## Vårt förhållningssätt\n\nVi köper av ASF.")  # fmt: skip
    plan = ActionPlan.objects.create(organisation=organisation, title="Handlingsplan", start_year=today.year,
                                     end_year=today.year + 1, adopted_by="KS", adopted_on=today - timedelta(days=10))  # fmt: skip

    # The public finds the contact person and the adopted policy.
    page.goto(f"{live_server.url}{reverse('policies:contact-index')}")
    assert_accessible(page)
    page.goto(f"{live_server.url}{reverse('policies:organisation-page', args=[organisation.pk])}")
    assert "Anna Ek" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Policy för ASF").click()
    assert page.get_by_role("heading", name="Vårt förhållningssätt").is_visible()
    assert_accessible(page)

    # The coordinator adds an activity and records progress.
    login_as(page, live_server, coordinator)
    page.goto(f"{live_server.url}{reverse('policies:activity-create', args=[plan.pk])}")
    assert_accessible(page)
    page.locator("#id_title").fill("Anbudsskola för ASF")
    page.locator("#id_category").select_option("procurement")
    page.locator("#id_start_on").fill((today - timedelta(days=10)).isoformat())
    page.locator("#id_end_on").fill((today + timedelta(days=80)).isoformat())
    page.locator("#id_status").select_option("ongoing")
    page.get_by_role("button", name="Spara aktiviteten").click()
    page.wait_for_url(f"{live_server.url}{reverse('policies:plan-manage', args=[plan.pk])}")
    activity = Activity.objects.get(title="Anbudsskola för ASF")
    assert_accessible(page)
    page.goto(f"{live_server.url}{reverse('policies:activity-progress', args=[activity.pk])}")
    page.locator("#id_text").fill("Första träffen hölls med tolv företag.")
    page.locator("#id_progress").fill("40")
    page.get_by_role("button", name="Registrera läget").click()
    page.wait_for_url(f"{live_server.url}{reverse('policies:plan-manage', args=[plan.pk])}")
    activity.refresh_from_db()
    assert activity.progress == 40 and activity.notes.count() == 1
    page.goto(f"{live_server.url}{reverse('policies:plan-public', args=[plan.pk])}")
    assert "Anbudsskola för ASF" in page.content() and "40 %" in page.content()
    logout(page)

    # A samordningsförbund coordinator adding a cash grant to a company is refused, with the reason.
    forbund = OrganisationFactory(samordningsforbund=True)
    forbund_coordinator = UserFactory(role="coordinator", organisation=forbund)
    forbund_plan = ActionPlan.objects.create(organisation=forbund, title="Verksamhetsplan", start_year=today.year,
                                             end_year=today.year)  # fmt: skip
    login_as(page, live_server, forbund_coordinator)
    page.goto(f"{live_server.url}{reverse('policies:activity-create', args=[forbund_plan.pk])}")
    page.locator("#id_title").fill("Bidrag till Kafé Gemenskap")
    page.locator("#id_category").select_option("cash_grant")
    page.locator("#id_start_on").fill(today.isoformat())
    page.locator("#id_end_on").fill((today + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Spara aktiviteten").click()
    page.wait_for_load_state()
    assert "får inte ge kontantbidrag till enskilda företag" in page.content()
    assert not Activity.objects.filter(plan=forbund_plan).exists()
