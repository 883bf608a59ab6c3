"""Action plans in Chromium, where new coordinators met the holes: postponed and cancelled work shown "on track",
goals that could be neither renamed nor removed, a repeated year silently kept, a milestone that could not be saved
without an indicator, a second h1 and an external image in a policy, contact persons removed on one click."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from asfportal.core.models import AuditEntry
from policies import services
from policies.models import ActionPlan, Activity, ContactPerson, Goal, Indicator, Milestone, Policy
from tests.browser.helpers import assert_accessible, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _plan(organisation, today):
    return ActionPlan.objects.create(
        organisation=organisation, title="Handlingsplan för ASF", start_year=today.year - 1, end_year=today.year + 1,
        adopted_by="Kommunstyrelsen", adopted_on=today - timedelta(days=40),
    )  # fmt: skip


def _activity(plan, coordinator, title, status, goal=None, **extra):
    today = timezone.localdate()
    fields = {"title": title, "category": "awareness", "responsible_organisation": plan.organisation, "goal": goal,
              "start_on": today - timedelta(days=60), "end_on": today - timedelta(days=5), "status": status, **extra}  # fmt: skip
    return services.activity_save(activity=None, plan=plan, fields=fields, actor=coordinator)


def test_postponed_and_cancelled_activities_get_a_grey_signal_never_on_track(page, live_server, coordinator):
    today = timezone.localdate()
    plan = _plan(coordinator.organisation, today)
    # Both ended in the past unfinished: as running work they would be "late"; paused, they are neither.
    _activity(plan, coordinator, "Mässa för ASF", "postponed")
    _activity(plan, coordinator, "Studieresa", "cancelled")
    _activity(plan, coordinator, "Anbudsskola", "done")

    page.goto(f"{live_server.url}{reverse('policies:plan-public', args=[plan.pk])}")
    for title, label in (
        ("Mässa för ASF", "Uppskjuten"),
        ("Studieresa", "Avbruten"),
        ("Anbudsskola", "Enligt plan"),
    ):
        row = page.get_by_role("row").filter(has_text=title)
        badge = row.locator(".badge")
        assert badge.inner_text() == label, title
    grey = page.locator(".badge.text-bg-secondary")
    assert grey.count() == 2
    assert page.get_by_role("row").filter(has_text="Mässa för ASF").locator(".text-bg-success").count() == 0
    assert_accessible(page)


def test_a_coordinator_renames_and_removes_a_goal_and_removes_an_activity(page, live_server, coordinator):
    today = timezone.localdate()
    plan = _plan(coordinator.organisation, today)
    goal = Goal.objects.create(plan=plan, title="Fler ASF som levrantörer", order=1)
    activity = _activity(
        plan, coordinator, "Anbudsskola", "ongoing", goal=goal, end_on=today + timedelta(days=30)
    )
    login_as(page, live_server, coordinator)
    manage = f"{live_server.url}{reverse('policies:plan-manage', args=[plan.pk])}"

    page.goto(manage)
    page.get_by_role("link", name="Byt namn på målet Fler ASF som levrantörer").click()
    assert_accessible(page)
    page.locator("#id_title").fill("Fler ASF som leverantörer")
    page.get_by_role("button", name="Byt namn på målet").click()
    page.wait_for_url(manage)
    assert page.get_by_role("heading", name="Fler ASF som leverantörer").is_visible()

    page.get_by_role("link", name="Ta bort målet Fler ASF som leverantörer").click()
    assert "Dess 1 aktivitet finns kvar i planen" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Ta bort målet").click()
    page.wait_for_url(manage)
    assert not Goal.objects.filter(pk=goal.pk).exists()
    assert page.get_by_role("heading", name="Övriga aktiviteter").is_visible()
    assert "Anbudsskola" in page.locator("main").inner_text()

    page.get_by_role("link", name="Ta bort Anbudsskola").click()
    assert_accessible(page)
    page.get_by_role("link", name="Behåll").click()
    page.wait_for_url(manage)
    assert Activity.objects.filter(pk=activity.pk).exists()
    page.get_by_role("link", name="Ta bort Anbudsskola").click()
    page.get_by_role("button", name="Ta bort aktiviteten").click()
    page.wait_for_url(manage)
    assert "Aktiviteten är borttagen." in page.locator("main").inner_text()
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert AuditEntry.objects.filter(action="policies.activity.deleted", object_id=str(activity.pk)).exists()


def test_a_repeated_year_is_refused_and_a_milestone_needs_no_indicator(page, live_server, coordinator):
    today = timezone.localdate()
    plan = _plan(coordinator.organisation, today)
    activity = _activity(plan, coordinator, "Anbudsskola", "ongoing", end_on=today + timedelta(days=30))
    login_as(page, live_server, coordinator)
    followup = f"{live_server.url}{reverse('policies:activity-followup', args=[activity.pk])}"

    # A milestone alone, with the empty indicator row left as it is.
    page.goto(followup)
    page.locator("#id_milestones-0-title").fill("Inbjudan skickad")
    page.locator("#id_milestones-0-due_on").fill(today.isoformat())
    page.get_by_role("button", name="Spara indikatorer och delmål").click()
    page.wait_for_url(f"{live_server.url}{reverse('policies:plan-manage', args=[plan.pk])}")
    assert Milestone.objects.filter(activity=activity, title="Inbjudan skickad").exists()
    # The manage page shows the milestone.
    assert "Inbjudan skickad" in page.locator("main").inner_text()

    page.goto(followup)
    page.locator("#id_indicators-0-name").fill("Antal ASF med uppdrag")
    page.locator("#id_indicators-0-actuals").fill(f"{today.year}: 3, {today.year}: 4")
    page.get_by_role("button", name="Spara indikatorer och delmål").click()
    page.wait_for_load_state()
    field = page.locator("#id_indicators-0-actuals")
    assert field.get_attribute("aria-invalid") == "true" or "is-invalid" in (
        field.get_attribute("class") or ""
    )
    assert f"Året {today.year} står två gånger" in page.locator("main").inner_text()
    assert not Indicator.objects.exists()
    assert_accessible(page)

    # Corrected, the values and an empty baseline show on the manage page and the public page.
    page.locator("#id_indicators-0-actuals").fill(f"{today.year - 1}: 2, {today.year}: 4")
    page.get_by_role("button", name="Spara indikatorer och delmål").click()
    page.wait_for_url(f"{live_server.url}{reverse('policies:plan-manage', args=[plan.pk])}")
    for url in (page.url, f"{live_server.url}{reverse('policies:plan-public', args=[plan.pk])}"):
        page.goto(url)
        text = page.locator("main").inner_text()
        assert f"Utfall: {today.year - 1}: 2, {today.year}: 4" in text
        assert "utgångsvärde \u2013, målvärde \u2013" in text  # an empty baseline is a dash, never 0


def test_a_policy_cannot_add_a_second_h1_or_an_external_image(page, live_server, coordinator):
    login_as(page, live_server, coordinator)
    page.goto(f"{live_server.url}{reverse('policies:policy-create')}")
    page.locator("#id_title").fill("Policy för ASF")
    page.locator("#id_status").select_option("adopted")
    page.locator("#id_adopted_by").fill("Kommunfullmäktige")
    page.locator("#id_adopted_on").fill((timezone.localdate() - timedelta(days=3)).isoformat())
    page.locator("#id_text").fill(
        "# Vår hållning\n\nVi köper av ASF.\n\n![spårning](https://tracker.example/pixel.png)\n\n<h1>Till sist</h1>"
    )
    page.get_by_role("button", name="Spara policyn").click()
    page.wait_for_url(f"{live_server.url}{reverse('policies:steering')}")
    policy = Policy.objects.get(title="Policy för ASF")

    page.goto(f"{live_server.url}{reverse('policies:policy-public', args=[policy.pk])}")
    assert page.locator("h1").count() == 1 and page.locator("h1").inner_text() == "Policy för ASF"
    assert page.get_by_role("heading", name="Vår hållning", level=2).is_visible()
    assert page.locator("img").filter(has=page.locator("[src*='tracker.example']")).count() == 0
    assert "tracker.example" not in page.content()
    assert_accessible(page)


def test_removing_a_contact_person_asks_first(page, live_server, coordinator):
    contact = ContactPerson.objects.create(
        organisation=coordinator.organisation, name="Anna Ek", responsibility="external"
    )
    login_as(page, live_server, coordinator)
    steering = f"{live_server.url}{reverse('policies:steering')}"
    page.goto(steering)
    page.get_by_role("link", name="Ta bort Anna Ek").click()
    assert page.get_by_role("heading", name="Ta bort Anna Ek?").is_visible()
    assert ContactPerson.objects.filter(pk=contact.pk).exists()
    assert_accessible(page)
    page.get_by_role("link", name="Behåll").click()
    page.wait_for_url(steering)
    assert ContactPerson.objects.filter(pk=contact.pk).exists()

    page.get_by_role("link", name="Ta bort Anna Ek").click()
    page.get_by_role("button", name="Ta bort kontaktpersonen").click()
    page.wait_for_url(steering)
    assert "Kontaktpersonen är borttagen." in page.locator("main").inner_text()
    assert not ContactPerson.objects.filter(pk=contact.pk).exists()


def test_a_double_click_on_save_makes_one_activity_and_one_contact(page, live_server, coordinator):
    today = timezone.localdate()
    plan = _plan(coordinator.organisation, today)
    login_as(page, live_server, coordinator)
    page.goto(f"{live_server.url}{reverse('policies:activity-create', args=[plan.pk])}")
    page.locator("#id_title").fill("Anbudsskola för ASF")
    page.locator("#id_category").select_option("procurement")
    page.locator("#id_start_on").fill(today.isoformat())
    page.locator("#id_end_on").fill((today + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Spara aktiviteten").dblclick()
    page.wait_for_url(f"{live_server.url}{reverse('policies:plan-manage', args=[plan.pk])}")
    assert Activity.objects.filter(plan=plan, title="Anbudsskola för ASF").count() == 1

    page.goto(f"{live_server.url}{reverse('policies:steering')}")
    page.locator("#id_name").fill("Bo Berg")
    page.locator("#id_responsibility").select_option("procurement")
    page.locator("#id_phone").fill("070-112 34 57")
    page.get_by_role("button", name="Spara kontaktpersonen").dblclick()
    # The steering page posts to itself, so the old page is already "loaded": wait for the answer's message (the
    # save's, or the one-time token's "already done" when a second POST went out) before reading the list.
    page.get_by_role("status").get_by_text(
        re.compile("Kontaktpersonen är tillagd|Det här är redan gjort: här är resultatet")
    ).wait_for()
    assert "Bo Berg" in page.locator("main").inner_text()
    assert ContactPerson.objects.filter(name="Bo Berg").count() == 1
