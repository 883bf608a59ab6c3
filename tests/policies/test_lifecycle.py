"""The lifecycles of policies, plans, activities and contacts where their rules live: repeated actions give the
first result, the status decides progress, paused work has its own signal, the samordningsförbund's "Other"
activities are held for a logged reason, and the report's shares carry their n and denominator."""

import re
from datetime import timedelta

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from asfportal.core.exceptions import DomainError
from asfportal.core.models import AuditEntry
from policies import selectors, services
from policies.models import ActionPlan, Activity, AnnualReport, ContactPerson, Goal, Policy
from policies.templatetags.policies_tags import figure
from tests.accounts.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
Y = TODAY.year


@pytest.fixture
def plan(coordinator):
    return ActionPlan.objects.create(organisation=coordinator.organisation, title="Handlingsplan",
                                     start_year=Y - 1, end_year=Y + 1)  # fmt: skip


def _fields(plan, **extra):
    return {"title": "Inspirationsdag", "category": "awareness", "responsible_organisation": plan.organisation,
            "start_on": TODAY - timedelta(days=20), "end_on": TODAY + timedelta(days=20), "status": "ongoing", **extra}  # fmt: skip


# --- Nothing twice ---------------------------------------------------------------------------------------------


def test_saving_the_same_new_contact_twice_gives_the_first_one(coordinator):
    fields = {"name": "Anna Ek", "responsibility": "external", "phone": "0701123457"}
    first = services.contact_save(
        contact=None, organisation=coordinator.organisation, fields=fields, actor=coordinator
    )
    again = services.contact_save(
        contact=None, organisation=coordinator.organisation, fields=fields, actor=coordinator
    )
    assert first.pk == again.pk and ContactPerson.objects.count() == 1
    assert first.phone == "070-112 34 57"  # stored as people read it
    assert AuditEntry.objects.filter(action="policies.contact.saved").count() == 1


def test_saving_the_same_new_activity_plan_and_policy_twice_gives_the_first_one(coordinator, plan):
    organisation = coordinator.organisation
    one = services.activity_save(activity=None, plan=plan, fields=_fields(plan), actor=coordinator)
    two = services.activity_save(activity=None, plan=plan, fields=_fields(plan), actor=coordinator)
    assert one.pk == two.pk and Activity.objects.count() == 1
    plan_fields = {"title": "Ny plan", "start_year": Y, "end_year": Y + 3}
    plans = [services.plan_save(plan=None, organisation=organisation, fields=plan_fields, goals=["Fler ASF", "Fler ASF"],
                                actor=coordinator) for _ in range(2)]  # fmt: skip
    assert plans[0].pk == plans[1].pk and list(plans[0].goals.values_list("title", flat=True)) == ["Fler ASF"]
    policy_fields = {"title": "Utkast", "status": "draft", "text": "Text"}
    policies = [services.policy_save(policy=None, organisation=organisation, fields=policy_fields, actor=coordinator)
                for _ in range(2)]  # fmt: skip
    assert policies[0].pk == policies[1].pk


def test_removing_twice_does_nothing_the_second_time(coordinator, plan):
    activity = services.activity_save(activity=None, plan=plan, fields=_fields(plan), actor=coordinator)
    services.activity_delete(activity=activity, actor=coordinator)
    services.activity_delete(activity=activity, actor=coordinator)
    assert AuditEntry.objects.filter(action="policies.activity.deleted").count() == 1


def test_a_second_click_on_remove_says_it_is_already_removed(client, coordinator):
    contact = ContactPerson.objects.create(
        organisation=coordinator.organisation, name="A", responsibility="external"
    )
    client.force_login(coordinator)
    url = reverse("policies:contact-delete", args=[contact.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "Kontaktpersonen är redan borttagen." in response.content.decode()


# --- Status and progress ---------------------------------------------------------------------------------------


def test_recording_done_without_a_progress_makes_it_100_percent(coordinator, plan):
    activity = services.activity_save(
        activity=None, plan=plan, fields=_fields(plan, progress=40), actor=coordinator
    )
    services.progress_record(
        activity=activity, text="Klart.", status="done", progress=None, actor=coordinator
    )
    activity.refresh_from_db()
    assert (activity.progress, activity.effective_progress()) == (None, 100)


def test_postponed_and_cancelled_work_has_its_own_signal_and_no_light_for_the_goal(coordinator, plan):
    goal = Goal.objects.create(plan=plan, title="Mål")
    past = {"start_on": TODAY - timedelta(days=60), "end_on": TODAY - timedelta(days=1), "goal": goal}
    for title, status in (("Uppskjuten", "postponed"), ("Inställd", "cancelled")):
        services.activity_save(activity=None, plan=plan, fields=_fields(plan, title=title, status=status, **past),
                               actor=coordinator)  # fmt: skip
    progress = selectors.plan_progress(plan=plan, today=TODAY)
    (row,) = progress["goals"]
    assert [a.light for a in row["activities"]] == ["postponed", "cancelled"]
    assert row["light"] == "postponed" and progress["light"] == "postponed"


def test_a_plans_years_cannot_shrink_away_from_its_activities(coordinator, plan):
    services.activity_save(activity=None, plan=plan, fields=_fields(plan), actor=coordinator)
    with pytest.raises(DomainError) as error:
        services.plan_save(plan=plan, organisation=plan.organisation, fields={"start_year": Y + 1}, goals=[],
                           actor=coordinator)  # fmt: skip
    assert "Inspirationsdag" in error.value.field_errors["start_year"][0]


# --- Policies --------------------------------------------------------------------------------------------------


def test_an_adopted_policy_never_becomes_a_draft_again_but_may_be_archived(coordinator):
    policy = Policy.objects.create(organisation=coordinator.organisation, title="P", status="adopted",
                                   adopted_by="KF", adopted_on=TODAY, text="Text")  # fmt: skip
    with pytest.raises(DomainError) as error:
        services.policy_save(policy=policy, organisation=policy.organisation, fields={"status": "draft"},
                             actor=coordinator)  # fmt: skip
    assert "status" in error.value.field_errors
    services.policy_save(policy=policy, organisation=policy.organisation, fields={"status": "archived"},
                         actor=coordinator)  # fmt: skip
    policy.refresh_from_db()
    assert policy.status == "archived" and not policy.is_public


def test_policy_markdown_keeps_one_h1_and_no_image():
    html = selectors.render_markdown(
        "# A\n\n## B\n\n![x](https://tracker.example/p.png)<img src='//x.example/a'>"
    )
    assert "<h1" not in html and "<h2>A</h2>" in html and "<h3>B</h3>" in html
    assert "<img" not in html and "tracker.example" not in html


# --- Samordningsförbund guardrails -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Kontantbidrag till Kafé Gemenskap", "cash_grant"),
        ("Stöd för att starta ett ASF i Lindesberg", "start_or_develop_asf"),
        ("Medlemskap i Skoopi", "membership"),
        ("Kompetensutveckling för anställda på ASF", "staff_competence"),
    ],
)
def test_an_other_activity_naming_a_forbidden_kind_is_held_until_a_logged_reason(text, kind):
    forbund = OrganisationFactory(samordningsforbund=True)
    coordinator = UserFactory(role="coordinator", organisation=forbund)
    plan = ActionPlan.objects.create(organisation=forbund, title="Verksamhetsplan", start_year=Y, end_year=Y)
    fields = {**_fields(plan, category="other", title="Insats", description=text),
              "start_on": TODAY.replace(month=1, day=1), "end_on": TODAY.replace(month=12, day=31)}  # fmt: skip
    with pytest.raises(DomainError) as error:
        services.activity_save(activity=None, plan=plan, fields=fields, actor=coordinator)
    assert "override_reason" in error.value.field_errors and not Activity.objects.exists()
    reason = "Styrelsen har prövat insatsen: den gäller deltagarnas arbetsträning."
    activity = services.activity_save(activity=None, plan=plan, fields={**fields, "override_reason": reason},
                                      actor=coordinator)  # fmt: skip
    entry = AuditEntry.objects.get(action="policies.activity.saved", object_id=str(activity.pk))
    assert entry.data == {"override": reason, "held_for": [kind]}


def test_a_municipality_is_not_held_for_the_same_words(coordinator, plan):
    fields = _fields(plan, category="other", title="Medlemskap i Skoopi")
    assert services.activity_save(activity=None, plan=plan, fields=fields, actor=coordinator).pk


# --- Shown numbers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "shown"), [(None, "\u2013"), (0, "0"), ("12.00", "12"), ("2.50", "2,5"),
                                              (12000, "12\xa0000")])  # fmt: skip
def test_an_empty_figure_is_a_dash_and_zero_stays_zero(value, shown):
    from decimal import Decimal

    assert figure(Decimal(value) if isinstance(value, str) else value) == shown


def _report(coordinator, year):
    with TestCase.captureOnCommitCallbacks(execute=True):
        report = services.report_request(organisation=coordinator.organisation, year=year, actor=coordinator)
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DONE, report.error
    figures = report.figures
    figures["current"]["companies"].update(assessments=4, assessments_verified=3)
    figures["current"]["placements"].update(ended=9, employed=3, employment_share=33.3, active=5)
    figures["current"]["procurement"].update(asf_value=300_000, total_value=6_000_000, asf_share=5.0)
    AnnualReport.objects.filter(pk=report.pk).update(figures=figures)
    return report


@pytest.mark.parametrize(("year", "shows_active"), [(Y - 1, False), (Y, True)])
def test_the_report_page_gives_each_share_its_n_and_denominator_and_active_now_only_this_year(
    client, coordinator, year, shows_active
):
    report = _report(coordinator, year)
    client.force_login(coordinator)
    text = " ".join(client.get(reverse("policies:report-detail", args=[report.pk])).content.decode().split())
    assert re.search(r"33[,.]3 % \(3 av 9 avslutade\)", text)  # the placements share names its denominator
    assert ">3 av 4<" in text
    assert re.search(r"5[,.]0 % \(300 000 av 6 000 000 kr\)", text)  # split() also split the thin spaces
    assert ("Pågående nu" in text) is shows_active
