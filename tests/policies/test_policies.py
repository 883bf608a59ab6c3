"""Policies: guardrails for samordningsförbund, progress roll-up and signals, safe Markdown, public pages, access."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from asfportal.core import reminders
from asfportal.core.exceptions import DomainError
from asfportal.core.models import Notification
from policies import selectors, services
from policies.models import ActionPlan, Activity, BoardReport, ContactPerson, Goal, Policy
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.companies.factories import CompanyFactory, RepresentativeFactory
from tests.matrix import assert_post, assert_visit

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _plan(organisation, adopted=True):
    return ActionPlan.objects.create(
        organisation=organisation, title="Handlingsplan för sociala företag", start_year=TODAY.year,
        end_year=TODAY.year + 3, adopted_by="Kommunfullmäktige" if adopted else "",
        adopted_on=TODAY - timedelta(days=30) if adopted else None,
    )  # fmt: skip


def _fields(organisation, **extra):
    return {"title": "Inspirationsdag", "category": "awareness", "responsible_organisation": organisation,
            "start_on": TODAY - timedelta(days=50), "end_on": TODAY + timedelta(days=50), "status": "ongoing", **extra}  # fmt: skip


@pytest.mark.parametrize("category", ["cash_grant", "start_or_develop_asf", "membership", "staff_competence"])
def test_each_forbidden_kind_is_refused_for_a_samordningsforbund_with_the_reason(category):
    forbund = OrganisationFactory(samordningsforbund=True)
    coordinator = UserFactory(role="coordinator", organisation=forbund)
    with pytest.raises(DomainError) as error:
        services.activity_save(activity=None, plan=_plan(forbund), fields=_fields(forbund, category=category),
                               actor=coordinator)  # fmt: skip
    assert "samordningsförbund" in error.value.message
    assert not Activity.objects.exists()


@pytest.mark.parametrize("category", ["cash_grant", "start_or_develop_asf", "membership", "staff_competence"])
def test_other_organisations_are_not_limited(coordinator, category):
    organisation = coordinator.organisation
    activity = services.activity_save(activity=None, plan=_plan(organisation),
                                      fields=_fields(organisation, category=category), actor=coordinator)  # fmt: skip
    assert activity.category == category


def test_a_public_supervisor_needs_a_logged_reason(coordinator):
    organisation = coordinator.organisation
    plan = _plan(organisation)
    with pytest.raises(DomainError):
        services.activity_save(activity=None, plan=plan, fields=_fields(organisation, public_supervisor=True),
                               actor=coordinator)  # fmt: skip
    activity = services.activity_save(
        activity=None, plan=plan, actor=coordinator,
        fields=_fields(organisation, public_supervisor=True, override_reason="Handledaren är anställd av AF under uppstart."),
    )  # fmt: skip
    assert activity.override_reason


def test_progress_rolls_up_from_activities_to_goals_and_plan_with_signals(coordinator):
    organisation = coordinator.organisation
    plan = _plan(organisation)
    goal = Goal.objects.create(plan=plan, title="Fler ASF som leverantörer")
    services.activity_save(activity=None, plan=plan, actor=coordinator,
                           fields=_fields(organisation, goal=goal, status="done"))  # fmt: skip
    services.activity_save(activity=None, plan=plan, actor=coordinator,
                           fields=_fields(organisation, goal=goal, status="planned", title="Sen"))  # fmt: skip
    services.activity_save(activity=None, plan=plan, actor=coordinator,
                           fields=_fields(organisation, goal=goal, status="cancelled", title="Struken"))  # fmt: skip
    progress = selectors.plan_progress(plan=plan, today=TODAY)
    (goal_row,) = progress["goals"]
    assert goal_row["percent"] == 50  # done 100 and planned 0; the cancelled one does not count
    assert goal_row["light"] == "at_risk"  # half the time gone, nothing done on "Sen"
    assert progress["percent"] == 50
    assert selectors.plan_progress(plan=plan, today=TODAY + timedelta(days=60))["light"] == "late"


def test_recording_progress_moves_status_and_keeps_a_dated_note(coordinator):
    organisation = coordinator.organisation
    activity = services.activity_save(activity=None, plan=_plan(organisation), fields=_fields(organisation),
                                      actor=coordinator)  # fmt: skip
    services.progress_record(activity=activity, text="Tre skolor har anmält sig.", status="ongoing", progress=70,
                             actor=coordinator)  # fmt: skip
    activity.refresh_from_db()
    assert (activity.progress, activity.notes.get().text) == (70, "Tre skolor har anmält sig.")


def test_markdown_is_rendered_without_anything_that_can_run():
    # Headings sit under the page's own h1 (the policy's title): "# Policy" is an h2.
    html = selectors.render_markdown("# Policy\n\n<script>alert(1)</script> [x](javascript:alert(1)) *ok*")
    assert "<h2>Policy</h2>" in html and "<em>ok</em>" in html
    assert "<script" not in html and "javascript:" not in html


def test_the_public_page_shows_contacts_and_only_adopted_policies(client, coordinator):
    organisation = coordinator.organisation
    ContactPerson.objects.create(organisation=organisation, name="Anna Ek", responsibility="external",
                                 email="anna@kommun.se")  # fmt: skip
    adopted = Policy.objects.create(organisation=organisation, title="Policy för ASF", status="adopted",
                                    adopted_by="Kommunfullmäktige", adopted_on=date(2026, 2, 1), text="**Vi köper socialt.**")  # fmt: skip
    Policy.objects.create(organisation=organisation, title="Utkast till ny policy")
    html = client.get(reverse("policies:organisation-page", args=[organisation.pk])).content.decode()
    assert "Anna Ek" in html and "Policy för ASF" in html and "Utkast till ny policy" not in html
    page = client.get(reverse("policies:policy-public", args=[adopted.pk])).content.decode()
    assert "<strong>Vi köper socialt.</strong>" in page


def test_an_adopted_policy_needs_body_and_date(coordinator):
    with pytest.raises(DomainError):
        services.policy_save(policy=None, organisation=coordinator.organisation, actor=coordinator,
                             fields={"title": "Policy", "status": "adopted", "adopted_by": "", "adopted_on": None})  # fmt: skip


def test_reminders_for_review_late_activities_and_forbund_reports(coordinator):
    organisation = coordinator.organisation
    Policy.objects.create(organisation=organisation, title="Policy", status="adopted", adopted_by="KF",
                          adopted_on=TODAY - timedelta(days=700), review_on=TODAY + timedelta(days=20))  # fmt: skip
    activity = services.activity_save(activity=None, plan=_plan(organisation), fields=_fields(organisation),
                                      actor=coordinator)  # fmt: skip
    Activity.objects.filter(pk=activity.pk).update(end_on=TODAY - timedelta(days=1))
    forbund = OrganisationFactory(samordningsforbund=True)
    forbund_coordinator = UserFactory(role="coordinator", organisation=forbund)
    reminders.reminders_sweep(today=TODAY)
    reminders.reminders_sweep(today=TODAY)
    kinds = set(Notification.objects.filter(recipient=coordinator).values_list("kind", flat=True))
    assert kinds == {"policies.review_due", "policies.activity_late"}
    reminders.reminders_sweep(today=date(TODAY.year, 5, 3))
    assert (
        Notification.objects.filter(recipient=forbund_coordinator, kind="policies.forbund_report_due").count()
        == 1
    )


@pytest.fixture
def rep(municipality):
    """A representative of a company working in the coordinator's municipality (policies belong to organisations,
    so a company is the organisation's only in that sense)."""
    company = CompanyFactory(verified=True, name="Kafé Gemenskap")
    company.municipalities.add(municipality)
    return RepresentativeFactory(company=company).user


@pytest.fixture
def other_rep(other_municipality):
    company = CompanyFactory(verified=True, name="Returbutiken")
    company.municipalities.add(other_municipality)
    return RepresentativeFactory(company=company).user


# Expected status per visitor; "login" = sent to the login page. The data are the coordinator's organisation's:
# another organisation's coordinator gets 404 for them (not theirs) and 403 where only coordinators go, as every
# other role; representatives, of a company near by or elsewhere, read the public pages only.
VISITORS = ["anonymous", "coordinator", "outsider", "officer", "admin_user", "rep", "other_rep"]
MATRIX = {
    "contact-index": ([], [200, 200, 200, 200, 200, 200, 200]),
    "organisation-page": (["org"], [200, 200, 200, 200, 200, 200, 200]),
    "policy-public": (["adopted_policy"], [200, 200, 200, 200, 200, 200, 200]),
    "plan-public": (["plan"], [200, 200, 200, 200, 200, 200, 200]),
    "steering": ([], ["login", 200, 200, 403, 403, 403, 403]),
    "contact-delete": (["contact"], ["login", 200, 404, 403, 403, 403, 403]),
    "policy-create": ([], ["login", 200, 200, 403, 403, 403, 403]),
    "policy-edit": (["draft_policy"], ["login", 200, 404, 403, 403, 403, 403]),
    "plan-create": ([], ["login", 200, 200, 403, 403, 403, 403]),
    "plan-manage": (["plan"], ["login", 200, 404, 403, 403, 403, 403]),
    "plan-edit": (["plan"], ["login", 200, 404, 403, 403, 403, 403]),
    "goal-edit": (["plan", "goal"], ["login", 200, 404, 403, 403, 403, 403]),
    "goal-delete": (["plan", "goal"], ["login", 200, 404, 403, 403, 403, 403]),
    "activity-create": (["plan"], ["login", 200, 404, 403, 403, 403, 403]),
    "activity-edit": (["plan", "activity"], ["login", 200, 404, 403, 403, 403, 403]),
    "activity-delete": (["plan", "activity"], ["login", 200, 404, 403, 403, 403, 403]),
    "activity-progress": (["activity"], ["login", 200, 404, 403, 403, 403, 403]),
    # Each coordinator's own organisation's report (a municipality's page says only a förbund reports here).
    "board-report-record": (["kind", "period_end"], ["login", 200, 200, 403, 403, 403, 403]),
}


def test_the_matrix_lists_every_policies_url():
    from policies.urls import urlpatterns
    from tests.policies.test_annual_report import MATRIX as REPORT_MATRIX

    assert {p.name for p in urlpatterns} == set(MATRIX) | set(REPORT_MATRIX)


@pytest.mark.parametrize("name", list(MATRIX))
@pytest.mark.parametrize("visitor_index", range(len(VISITORS)))
def test_every_policies_url_answers_each_visitor_as_expected(
    client, request, coordinator, name, visitor_index
):
    organisation = coordinator.organisation
    plan = _plan(organisation)
    values = {
        "org": organisation.pk,
        "plan": plan.pk,
        "goal": Goal.objects.create(plan=plan, title="Fler ASF som leverantörer").pk,
        "activity": services.activity_save(
            activity=None, plan=plan, fields=_fields(organisation), actor=coordinator
        ).pk,
        "contact": ContactPerson.objects.create(
            organisation=organisation, name="A", responsibility="external"
        ).pk,
        "adopted_policy": Policy.objects.create(
            organisation=organisation, title="P", status="adopted", adopted_by="KF", adopted_on=TODAY
        ).pk,
        "draft_policy": Policy.objects.create(organisation=organisation, title="D").pk,
        "kind": BoardReport.periods_due(today=TODAY)[-1][0],
        "period_end": BoardReport.periods_due(today=TODAY)[-1][1].isoformat(),
    }
    arg_names, expected = MATRIX[name]
    url = reverse(f"policies:{name}", args=[values[a] for a in arg_names])
    assert_visit(client, request, url, VISITORS[visitor_index], expected[visitor_index])


# No policies URL refuses a GET: removing asks for confirmation on a page first.
POST_ONLY: dict = {}

# The confirming POST of each remove page: the organisation's coordinator's removes (302); another organisation's
# coordinator does not find the row (404); other roles get 403; the row stays unless removed.
DELETES = {
    "contact-delete": (["contact"], ["login", 302, 404, 403, 403, 403, 403]),
    "goal-delete": (["plan", "goal"], ["login", 302, 404, 403, 403, 403, 403]),
    "activity-delete": (["plan", "activity"], ["login", 302, 404, 403, 403, 403, 403]),
}


@pytest.mark.parametrize("name", list(DELETES))
@pytest.mark.parametrize("visitor_index", range(len(VISITORS)))
def test_every_remove_url_answers_each_visitors_post_as_expected(
    client, request, coordinator, name, visitor_index
):
    organisation = coordinator.organisation
    plan = _plan(organisation)
    rows = {
        "contact": ContactPerson.objects.create(
            organisation=organisation, name="A", responsibility="external"
        ),
        "goal": Goal.objects.create(plan=plan, title="Fler ASF som leverantörer"),
        "activity": services.activity_save(
            activity=None, plan=plan, fields=_fields(organisation), actor=coordinator
        ),
    }
    values = {"plan": plan.pk, **{key: row.pk for key, row in rows.items()}}
    arg_names, expected = DELETES[name]
    url = reverse(f"policies:{name}", args=[values[a] for a in arg_names])
    assert_post(client, request, url, VISITORS[visitor_index], expected[visitor_index])
    removed = arg_names[-1]
    assert type(rows[removed]).objects.filter(pk=values[removed]).exists() == (expected[visitor_index] != 302)
