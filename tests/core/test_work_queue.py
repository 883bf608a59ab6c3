"""The dashboards' work queue (core/queue.py and each app's queue.py): every kind of item appears when it is due
and disappears once its action is done; overdue first; the header's count follows."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from asfportal.accounts.models import Organisation, Role
from asfportal.core.queue import queue_count, work_queue
from companies import services as company_services
from companies.models import ChangeRequest, Company, ServiceCategory
from placements import services as placement_services
from placements.models import FollowUp, Placement
from policies import services as policy_services
from policies.models import ActionPlan, Activity, AnnualReport, Policy
from procurement import services as procurement_services
from procurement.models import CpvCode, Question, Submission, Tender
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.companies.factories import CompanyFactory, RepresentativeFactory, assessment_fields
from tests.placements.factories import OfferFactory, ParticipantFactory
from tests.procurement.factories import TenderFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def kinds(user, *, with_report=False) -> list[str]:
    """The kinds in the queue, in order; a kommun's coordinator also has last year's annual report to generate,
    left out here except where it is the subject."""
    return [i.kind for i in work_queue(user).items if with_report or i.kind != "policies.annual_report"]


def _place(coordinator, *, start=TODAY, days=60, offer=None, measure="af_work_training"):
    participant = ParticipantFactory(organisation=coordinator.organisation)
    fields = {"support_measure": measure, "start_on": start, "planned_end_on": start + timedelta(days=days),
              "hours_per_week": 20}  # fmt: skip
    return placement_services.placement_create(
        participant=participant, offer=offer or OfferFactory(), fields=fields, actor=coordinator
    )


def _started(coordinator, *, start_days_ago=30, days=60, offer=None):
    placement = _place(coordinator, start=TODAY - timedelta(days=start_days_ago), days=days, offer=offer)
    return placement_services.placement_start(placement=placement, actor=coordinator)


END = {
    "outcome": "work_at_asf",
    "end_reason": "Planerat slut",
    "income_after": "wage",
    "occupation_after": "work",
}


def _end(placement, coordinator, when=TODAY):
    return placement_services.placement_end(
        placement=placement, fields={"ended_on": when, **END}, interrupted=False, actor=coordinator
    )


# --- Coordinator: placements -----------------------------------------------------------------------------------


def test_a_follow_up_due_appears_overdue_and_disappears_once_recorded(coordinator):
    placement = _started(coordinator, start_days_ago=40, days=120)
    follow_up = placement.follow_ups.order_by("due_on").first()
    assert follow_up.due_on < TODAY  # booked four weeks after a start 40 days ago
    queue = work_queue(coordinator)
    item = next(i for i in queue.items if i.kind == "placements.follow_up")
    assert item.overdue and item.whom == placement.participant.code
    assert item.url == reverse("placements:follow-up-record", args=[follow_up.pk])
    placement_services.follow_up_record(follow_up=follow_up, held_on=TODAY, note="Bra", actor=coordinator)
    assert "placements.follow_up" not in kinds(coordinator)


def test_a_follow_up_without_consent_is_not_listed(coordinator):
    placement = _started(coordinator, start_days_ago=40, days=120)
    placement_services.consent_withdraw(participant=placement.participant, actor=coordinator)
    assert "placements.follow_up" not in kinds(coordinator)


def test_a_placement_ending_within_14_days_appears_and_disappears_once_ended(coordinator):
    placement = _started(coordinator, start_days_ago=50, days=60)
    FollowUp.objects.filter(placement=placement).delete()  # only the end is at issue here
    assert kinds(coordinator) == ["placements.ending"]
    _end(placement, coordinator)
    assert kinds(coordinator) == []


def test_a_missing_outcome_is_overdue_and_disappears_once_the_end_is_recorded(coordinator):
    placement = _started(coordinator, start_days_ago=70, days=60)
    FollowUp.objects.filter(placement=placement).delete()
    queue = work_queue(coordinator)
    assert [(i.kind, i.overdue) for i in queue.items][:1] == [("placements.outcome_missing", True)]
    assert kinds(coordinator) == ["placements.outcome_missing"]
    _end(placement, coordinator, when=placement.planned_end_on)
    assert kinds(coordinator) == []


def test_the_90_day_follow_up_appears_from_day_90_and_disappears_once_recorded(coordinator):
    placement = _started(coordinator, start_days_ago=200, days=100)
    _end(placement, coordinator, when=TODAY - timedelta(days=89))
    assert "placements.follow_up_90" not in kinds(
        coordinator
    )  # not yet: the outcome is what happens on day 90
    Placement.objects.filter(pk=placement.pk).update(ended_on=TODAY - timedelta(days=92))
    follow_up = FollowUp.objects.get(placement=placement, kind=FollowUp.Kind.AFTER_90_DAYS)
    FollowUp.objects.filter(pk=follow_up.pk).update(due_on=TODAY - timedelta(days=2))
    assert kinds(coordinator) == ["placements.follow_up_90"]
    placement_services.follow_up_record(follow_up=follow_up, held_on=TODAY, note="", outcome_90="work_elsewhere",
                                        actor=coordinator)  # fmt: skip
    assert kinds(coordinator) == []


def test_another_organisations_placements_never_show(coordinator, outsider):
    _started(coordinator, start_days_ago=70, days=60)
    assert kinds(outsider) == []


# --- Coordinator: registry -------------------------------------------------------------------------------------


def _in_area(company, coordinator):
    company.municipalities.add(coordinator.organisation)
    return company


def test_an_application_appears_and_disappears_once_assessed(coordinator):
    company = _in_area(CompanyFactory(status=Company.Status.APPLIED), coordinator)
    item = next(i for i in work_queue(coordinator).items if i.kind != "policies.annual_report")
    assert (item.kind, item.whom) == ("companies.application", company.name)
    assert item.url == reverse("companies:company-assess", args=[company.pk])
    company_services.assessment_record(company=company, fields=assessment_fields(), actor=coordinator)
    assert kinds(coordinator) == []


def test_an_assessment_running_out_within_60_days_appears_and_disappears_once_reassessed(coordinator):
    company = _in_area(CompanyFactory(verified=True), coordinator)
    assert kinds(coordinator) == []
    Company.objects.filter(pk=company.pk).update(verified_until=TODAY + timedelta(days=59))
    assert kinds(coordinator) == ["companies.expiring"]
    company_services.assessment_record(company=company, fields=assessment_fields(), actor=coordinator)
    assert kinds(coordinator) == []


def test_a_lapsed_company_is_to_be_rechecked_overdue(coordinator):
    company = _in_area(CompanyFactory(verified=True), coordinator)
    Company.objects.filter(pk=company.pk).update(verified_until=TODAY - timedelta(days=1))
    item = work_queue(coordinator).items[0]  # overdue, so first
    assert (item.kind, item.overdue) == ("companies.recheck", True)
    company_services.assessment_record(company=company, fields=assessment_fields(), actor=coordinator)
    assert kinds(coordinator) == []


def test_a_company_outside_the_area_is_not_listed(coordinator):
    CompanyFactory(status=Company.Status.APPLIED).municipalities.add(OrganisationFactory(kommun=True))
    assert kinds(coordinator) == []


def test_a_change_request_appears_and_disappears_once_decided(coordinator):
    company = _in_area(CompanyFactory(verified=True), coordinator)
    rep = RepresentativeFactory(company=company).user
    change = company_services.change_request_submit(company=company, new_values={"employees_total": 12},
                                                    actor=rep)  # fmt: skip
    assert kinds(coordinator) == ["companies.change_request"]
    company_services.change_request_decide(change_request=change, approve=True, comment="", actor=coordinator)
    assert ChangeRequest.objects.get(pk=change.pk).status == ChangeRequest.Status.APPROVED
    assert kinds(coordinator) == []


# --- Coordinator: steering -------------------------------------------------------------------------------------


def _plan(coordinator):
    return ActionPlan.objects.create(organisation=coordinator.organisation, title="Plan",
                                     start_year=TODAY.year - 1, end_year=TODAY.year + 1)  # fmt: skip


def _activity(plan, title, *, start, end, progress):
    return Activity.objects.create(plan=plan, title=title, start_on=start, end_on=end, progress=progress,
                                   status=Activity.Status.ONGOING, responsible_organisation=plan.organisation)  # fmt: skip


def test_a_policy_review_due_appears_and_disappears_once_the_review_date_moves(coordinator):
    policy = Policy.objects.create(organisation=coordinator.organisation, title="ASF-policy",
                                   status=Policy.Status.ADOPTED, adopted_by="KF",
                                   adopted_on=TODAY - timedelta(days=400), review_on=TODAY - timedelta(days=3),
                                   text="Text")  # fmt: skip
    item = work_queue(coordinator).items[0]
    assert (item.kind, item.overdue) == ("policies.review", True)
    policy_services.policy_save(policy=policy, organisation=coordinator.organisation,
                                fields={"review_on": TODAY + timedelta(days=365)}, actor=coordinator)  # fmt: skip
    assert "policies.review" not in kinds(coordinator)


def test_an_activity_late_or_at_risk_appears_and_disappears_once_progress_is_recorded(coordinator):
    plan = _plan(coordinator)
    late = _activity(
        plan, "Sen", start=TODAY - timedelta(days=100), end=TODAY - timedelta(days=1), progress=50
    )
    at_risk = _activity(
        plan, "Risk", start=TODAY - timedelta(days=50), end=TODAY + timedelta(days=50), progress=0
    )
    _activity(plan, "I fas", start=TODAY - timedelta(days=50), end=TODAY + timedelta(days=50), progress=50)
    items = [i for i in work_queue(coordinator).items if i.kind == "policies.activity"]
    assert [(i.whom, i.overdue) for i in items] == [("Sen", True), ("Risk", False)]
    policy_services.progress_record(activity=late, text="Klar", status=Activity.Status.DONE, progress=None,
                                    actor=coordinator)  # fmt: skip
    policy_services.progress_record(activity=at_risk, text="Ikapp", status="", progress=60, actor=coordinator)
    assert "policies.activity" not in kinds(coordinator)


def test_last_years_annual_report_is_due_until_it_is_generated(coordinator):
    assert kinds(coordinator, with_report=True) == ["policies.annual_report"]  # the municipality is a kommun
    AnnualReport.objects.create(organisation=coordinator.organisation, year=TODAY.year - 1,
                                status=AnnualReport.Status.DONE)  # fmt: skip
    assert kinds(coordinator, with_report=True) == []


# --- Company representative ------------------------------------------------------------------------------------


@pytest.fixture
def rep_company(company_rep):
    company = CompanyFactory(verified=True)
    RepresentativeFactory(user=company_rep, company=company)
    company_rep.refresh_from_db()
    return company


def test_a_placement_starting_within_a_week_shows_its_code_until_it_starts(
    coordinator, company_rep, rep_company
):
    offer = OfferFactory(company=rep_company, places=3)
    placement = _place(coordinator, start=TODAY + timedelta(days=5), offer=offer)
    item = work_queue(company_rep).items[0]
    assert (item.kind, item.whom) == ("placements.starting", placement.participant.code)
    Placement.objects.filter(pk=placement.pk).update(start_on=TODAY)
    placement_services.placement_start(placement=placement, actor=coordinator)
    assert "placements.starting" not in kinds(company_rep)


def test_a_follow_up_meeting_at_the_company_shows_until_the_coordinator_records_it(coordinator, company_rep,
                                                                                   rep_company):  # fmt: skip
    placement = _started(coordinator, start_days_ago=40, days=120, offer=OfferFactory(company=rep_company))
    assert "placements.meeting_at_company" in kinds(company_rep)
    for follow_up in placement.follow_ups.filter(due_on__lte=TODAY + timedelta(days=7)):
        placement_services.follow_up_record(follow_up=follow_up, held_on=TODAY, note="", actor=coordinator)
    assert "placements.meeting_at_company" not in kinds(company_rep)


def test_an_offer_running_full_or_ending_shows_until_places_are_added(coordinator, company_rep, rep_company):
    offer = OfferFactory(company=rep_company, places=1, available_to=TODAY + timedelta(days=300))
    _started(coordinator, start_days_ago=1, days=60, offer=offer)
    assert "placements.offer_full_or_ending" in kinds(company_rep)
    placement_services.offer_save(offer=offer, company=rep_company, fields={"places": 2}, actor=company_rep)
    assert "placements.offer_full_or_ending" not in kinds(company_rep)
    ending = OfferFactory(company=rep_company, places=2, available_to=TODAY + timedelta(days=10))
    assert "placements.offer_full_or_ending" in kinds(company_rep)
    placement_services.offer_save(offer=ending, company=rep_company,
                                  fields={"available_to": TODAY + timedelta(days=100)}, actor=company_rep)  # fmt: skip
    assert "placements.offer_full_or_ending" not in kinds(company_rep)


def test_the_application_and_the_verification_show_to_the_representative(
    coordinator, company_rep, rep_company
):
    Company.objects.filter(pk=rep_company.pk).update(status=Company.Status.APPLIED, verified_until=None)
    assert "companies.my_application" in kinds(company_rep)
    company_services.assessment_record(company=rep_company, fields=assessment_fields(), actor=coordinator)
    assert "companies.my_application" not in kinds(company_rep)
    Company.objects.filter(pk=rep_company.pk).update(verified_until=TODAY + timedelta(days=30))
    assert "companies.my_verification" in kinds(company_rep)
    company_services.assessment_record(company=rep_company, fields=assessment_fields(), actor=coordinator)
    assert "companies.my_verification" not in kinds(company_rep)


def test_a_pending_change_request_shows_to_the_representative_until_decided(
    coordinator, company_rep, rep_company
):
    change = company_services.change_request_submit(company=rep_company, new_values={"employees_total": 12},
                                                    actor=company_rep)  # fmt: skip
    assert "companies.my_change_request" in kinds(company_rep)
    company_services.change_request_decide(change_request=change, approve=False, comment="Fel siffra",
                                           actor=coordinator)  # fmt: skip
    assert "companies.my_change_request" not in kinds(company_rep)


def _matching_tender(officer, **extra):
    tender = TenderFactory(buyer=officer.organisation, published=True, **extra)
    tender.cpv_codes.set([CpvCode.objects.get(code="90910000-9")])
    return tender


def test_a_matching_tender_shows_with_its_deadline_until_answered_or_declined(
    officer, company_rep, rep_company
):
    cleaning = ServiceCategory.objects.exclude(cpv_prefixes="").filter(cpv_prefixes__contains="909").first()
    rep_company.service_categories.set([cleaning])
    first, second = _matching_tender(officer), _matching_tender(officer)
    TenderFactory(buyer=officer.organisation)  # a draft matches nobody
    items = [i for i in work_queue(company_rep).items if i.kind == "procurement.matching"]
    assert {i.whom for i in items} == {first.title, second.title}
    procurement_services.submission_decline(
        tender=first, company=rep_company, reason="Inte nu", actor=company_rep
    )
    procurement_services.submission_submit(tender=second, company=rep_company, message="Vi svarar",
                                           occupied=10, in_target_group=6, actor=company_rep)  # fmt: skip
    assert "procurement.matching" not in kinds(company_rep)


def test_an_answer_to_confirm_again_shows_until_confirmed(officer, company_rep, rep_company):
    tender = _matching_tender(officer)
    procurement_services.submission_submit(tender=tender, company=rep_company, message="Vi svarar",
                                           occupied=10, in_target_group=6, actor=company_rep)  # fmt: skip
    Submission.objects.filter(tender=tender).update(needs_reconfirmation=True)
    assert "procurement.reconfirm" in kinds(company_rep)
    procurement_services.submission_submit(tender=tender, company=rep_company, message="Vi svarar",
                                           occupied=10, in_target_group=6, actor=company_rep)  # fmt: skip
    assert "procurement.reconfirm" not in kinds(company_rep)


# --- Procurement officer ---------------------------------------------------------------------------------------


def test_a_question_shows_the_last_day_the_6_day_rule_allows_until_answered(
    officer, company_rep, rep_company
):
    tender = _matching_tender(officer, answers_published_by_at=None)
    question = procurement_services.question_ask(tender=tender, company=rep_company, text="Hur många skolor?",
                                                 actor=company_rep)  # fmt: skip
    item = work_queue(officer).items[0]
    assert item.kind == "procurement.question"
    assert item.due == tender.submission_deadline_at - timedelta(days=6) == tender.latest_answers_at()
    assert "." not in item.due_iso  # valid in <time datetime>: no microseconds
    assert not item.overdue
    procurement_services.question_answer(question=question, answer="Tre.", actor=officer)
    assert kinds(officer) == []


def test_a_question_past_the_promised_date_is_overdue(officer, company_rep, rep_company):
    tender = _matching_tender(officer)
    Question.objects.create(tender=tender, company=rep_company, asked_by=company_rep, text="Fråga?")
    Tender.objects.filter(pk=tender.pk).update(answers_published_by_at=timezone.now() - timedelta(hours=1))
    item = work_queue(officer).items[0]
    assert (item.kind, item.overdue) == ("procurement.question", True)


def test_a_tender_closing_soon_and_then_to_award(officer, company_rep, rep_company):
    tender = _matching_tender(officer, submission_deadline_at=timezone.now() + timedelta(days=3),
                              answers_published_by_at=None, question_deadline_at=None)  # fmt: skip
    assert kinds(officer) == ["procurement.closing"]
    procurement_services.submission_submit(tender=tender, company=rep_company, message="Vi svarar",
                                           occupied=10, in_target_group=6, actor=company_rep)  # fmt: skip
    Tender.objects.filter(pk=tender.pk).update(submission_deadline_at=timezone.now() - timedelta(minutes=1))
    assert kinds(officer) == ["procurement.award"]
    tender.refresh_from_db()
    procurement_services.tender_award(tender=tender, awards=[{"company": rep_company, "value": 800_000}],
                                      actor=officer)  # fmt: skip
    assert kinds(officer) == []


def test_a_closed_tender_without_answers_is_not_to_award(officer):
    tender = _matching_tender(officer)
    Tender.objects.filter(pk=tender.pk).update(submission_deadline_at=timezone.now() - timedelta(minutes=1))
    assert kinds(officer) == []


# --- The queue as a whole --------------------------------------------------------------------------------------


def test_overdue_items_come_first_and_groups_count_them(coordinator):
    _in_area(CompanyFactory(status=Company.Status.APPLIED), coordinator)
    FollowUp.objects.filter(placement=_started(coordinator, start_days_ago=70, days=60)).delete()
    queue = work_queue(coordinator)
    assert queue.items[0].overdue and queue.items[0].kind == "placements.outcome_missing"
    assert queue.groups[0].kind.key == "placements.outcome_missing"
    assert queue.overdue_count >= 1
    assert {g.kind.key: g.count for g in queue.groups}["companies.application"] == 1


def test_the_header_count_follows_a_change_at_once(coordinator):
    company = _in_area(CompanyFactory(status=Company.Status.APPLIED), coordinator)
    before = queue_count(coordinator)
    company_services.assessment_record(company=company, fields=assessment_fields(), actor=coordinator)
    assert queue_count(coordinator) == before - 1


def test_the_administrator_has_no_queue(admin_user):
    assert work_queue(admin_user).items == []
    assert queue_count(admin_user) == 0


def test_a_samordningsforbund_coordinator_sees_its_member_kommuners_companies(db):
    kommun = OrganisationFactory(kommun=True)
    forbund = OrganisationFactory(samordningsforbund=True)
    forbund.members.add(kommun)
    person = UserFactory(role=Role.COORDINATOR, organisation=forbund)
    assert forbund.kind == Organisation.Kind.SAMORDNINGSFORBUND
    CompanyFactory(status=Company.Status.APPLIED).municipalities.add(kommun)
    assert "companies.application" in kinds(person)


def test_the_header_shows_the_count_the_dashboard_stored_until_something_it_reads_changes(
    client, coordinator
):
    from asfportal.core.queue import queue_count_cached

    company = _in_area(CompanyFactory(status=Company.Status.APPLIED), coordinator)
    assert queue_count_cached(coordinator) is None  # never computed on an ordinary page
    client.force_login(coordinator)
    page = client.get(reverse("accounts:dashboard-coordinator")).content.decode()
    assert "2 att göra" in page  # the application and last year's annual report
    assert queue_count_cached(coordinator) == 2
    assert "2 att göra" in client.get(reverse("placements:participant-list")).content.decode()
    company_services.assessment_record(company=company, fields=assessment_fields(), actor=coordinator)
    assert queue_count_cached(coordinator) is None  # changed: left out rather than wrong
    assert "att göra" not in client.get(reverse("placements:participant-list")).content.decode()


def test_a_change_in_another_organisation_leaves_the_count_cached(client, coordinator, outsider):
    from asfportal.core.queue import queue_count_cached

    offer = (
        OfferFactory()
    )  # a new company changes the national registry, which every coordinator's queue reads
    client.force_login(coordinator)
    client.get(reverse("accounts:dashboard-coordinator"))
    assert queue_count_cached(coordinator) == 1
    _started(outsider, start_days_ago=70, days=60, offer=offer)
    assert queue_count_cached(coordinator) == 1
    assert queue_count_cached(outsider) is None


def test_the_dashboard_lists_the_items_and_says_when_there_is_nothing_to_do(client, coordinator):
    AnnualReport.objects.create(organisation=coordinator.organisation, year=TODAY.year - 1,
                                status=AnnualReport.Status.DONE)  # fmt: skip
    client.force_login(coordinator)
    assert "Inget att göra just nu." in client.get(reverse("accounts:dashboard-coordinator")).content.decode()
    company = _in_area(CompanyFactory(status=Company.Status.APPLIED), coordinator)
    FollowUp.objects.filter(placement=_started(coordinator, start_days_ago=70, days=60)).delete()
    page = client.get(reverse("accounts:dashboard-coordinator")).content.decode()
    assert "Inget att göra just nu." not in page
    assert "Utfall som saknas (1)" in page and "Försenad" in page
    assert company.name in page and reverse("companies:company-assess", args=[company.pk]) in page
    assert page.index("Utfall som saknas (1)") < page.index("Ansökningar som väntar på bedömning (1)")


def test_every_items_link_opens_its_page_for_its_person(
    client, coordinator, officer, company_rep, rep_company
):
    """Each kind's link is a page the person may open (an action that takes only a POST is reached through the
    page that holds its form)."""
    from tests.test_query_counts import _queue_items

    _queue_items(coordinator, officer, company_rep, rep_company, 1)
    _in_area(CompanyFactory(status=Company.Status.APPLIED), coordinator)
    seen = set()
    for person in (coordinator, officer, company_rep):
        client.force_login(person)
        for item in work_queue(person).items:
            response = client.get(item.url)
            assert response.status_code == 200, (item.kind, item.url, response.status_code)
            seen.add(item.kind)
    assert len(seen) >= 13, seen


def test_the_coordinators_cached_queue_changes_at_once_with_every_change_a_service_makes(client, coordinator):
    """The coordinator's dashboard keeps its queue whole in the cache (core/queue.work_queue_cached): a recorded
    follow-up and an assessed company leave it, and another language renders its own words, each on the very
    next visit."""
    from asfportal.accounts import services as account_services

    placement = _started(coordinator, start_days_ago=40, days=120)
    follow_up = placement.follow_ups.order_by("due_on").first()
    company = _in_area(CompanyFactory(status=Company.Status.APPLIED), coordinator)
    client.force_login(coordinator)
    url = reverse("accounts:dashboard-coordinator")
    record = reverse("placements:follow-up-record", args=[follow_up.pk])
    assess = reverse("companies:company-assess", args=[company.pk])
    page = client.get(url).content.decode()
    assert record in page and assess in page and "Ansökningar som väntar på bedömning (1)" in page

    def queue(html):
        return html[html.index('id="work-queue"') : html.index("</section>", html.index('id="work-queue"'))]

    assert queue(client.get(url).content.decode()) == queue(
        page
    )  # the second visit, from the cache, the same
    placement_services.follow_up_record(follow_up=follow_up, held_on=TODAY, note="Bra", actor=coordinator)
    page = client.get(url).content.decode()
    assert record not in page and assess in page
    company_services.assessment_record(company=company, fields=assessment_fields(), actor=coordinator)
    page = client.get(url).content.decode()
    assert assess not in page and "Ansökningar som väntar på bedömning" not in page
    _in_area(CompanyFactory(status=Company.Status.APPLIED), coordinator)
    assert "Ansökningar som väntar på bedömning (1)" in client.get(url).content.decode()
    account_services.user_language_set(user=coordinator, language="en")
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert "Applications waiting for assessment (1)" in page and "Ansökningar som väntar" not in page


def test_queue_rows_escape_and_mark_overdue_as_the_template_did():
    """Issue 18: the rows are rendered in Python (core/templatetags/work_queue.py); the markup stays: overdue in
    text, the due moment in <time>, an en dash without one, the default action "Open", everything escaped."""
    from datetime import date

    from django.template import engines
    from django.utils import translation

    from asfportal.core.queue import QueueItem

    items = [
        QueueItem(
            kind="k",
            what="Gör <b>detta</b>",
            whom="P-1&2",
            url="/a/?x=1&y=2",
            due=date(2026, 12, 1),
            overdue=True,
            action="Svara",
        ),
        QueueItem(kind="k", what="Sedan", whom="P-3", url="/b/"),
    ]
    template = engines["django"].from_string("{% load work_queue %}{% queue_rows items %}")
    with translation.override("sv"):
        html = template.render({"items": items})
    assert html.count('<tr class="queue-item') == 2
    assert '<tr class="queue-item queue-overdue">' in html
    assert '<span class="badge text-bg-warning">Försenad</span> Gör &lt;b&gt;detta&lt;/b&gt;' in html
    assert '<time datetime="2026-12-01">1 december 2026</time>' in html
    assert "<td>\u2013</td>" in html
    assert 'href="/a/?x=1&amp;y=2">Svara<span class="visually-hidden">: P-1&amp;2</span>' in html
    assert ">Öppna<span" in html


# --- The clock within a day: every dashboard keeps its queue cached, and a deadline changes it without a write ---


def _queue_html(client, url) -> str:
    html = client.get(url).content.decode()
    start = html.index('id="work-queue"')
    return html[start : html.index("</section>", start)]


def _clock_moved(monkeypatch, by: timedelta) -> None:
    """The clock moves on, as it does between two visits; nothing is written."""
    moved = timezone.now() + by
    monkeypatch.setattr(timezone, "now", lambda: moved)


def test_the_officers_cached_dashboard_shows_a_tender_to_award_once_its_deadline_has_passed(
    client, officer, company_rep, rep_company, monkeypatch
):
    """Issue 18: the officer's queue is kept whole in the cache like the coordinator's, yet a tender's deadline
    changes it with no write at all (the close sweep may not have run): the first visit after the deadline lists
    it to award, not as closing soon, and the header elsewhere counts it."""
    tender = _matching_tender(officer, submission_deadline_at=timezone.now() + timedelta(minutes=5),
                              answers_published_by_at=None, question_deadline_at=None)  # fmt: skip
    procurement_services.submission_submit(tender=tender, company=rep_company, message="Vi svarar",
                                           occupied=10, in_target_group=6, actor=company_rep)  # fmt: skip
    client.force_login(officer)
    url = reverse("accounts:dashboard-procurement")
    before = _queue_html(client, url)
    assert 'data-kind="procurement.closing"' in before and 'data-kind="procurement.award"' not in before
    assert _queue_html(client, url) == before  # from the cache
    _clock_moved(monkeypatch, timedelta(minutes=6))
    after = _queue_html(client, url)
    assert 'data-kind="procurement.award"' in after and 'data-kind="procurement.closing"' not in after
    assert reverse("procurement:tender-award", args=[tender.pk]) in after
    assert "1 att göra" in client.get(reverse("procurement:officer-tender-list")).content.decode()


def test_a_tender_coming_within_the_closing_window_joins_the_cached_queue_then(officer, monkeypatch):
    from asfportal.accounts.views import QUEUE_TEMPLATE
    from asfportal.core.queue import work_queue_cached

    tender = _matching_tender(officer, submission_deadline_at=timezone.now() + timedelta(days=7, minutes=5),
                              answers_published_by_at=None, question_deadline_at=None)  # fmt: skip
    queue, html = work_queue_cached(officer, QUEUE_TEMPLATE)
    assert queue.items == [] and queue.changes_at == tender.submission_deadline_at - timedelta(days=7)
    _clock_moved(monkeypatch, timedelta(minutes=2))
    assert work_queue_cached(officer, QUEUE_TEMPLATE) == (queue, html)  # not yet: the cached queue stands
    _clock_moved(monkeypatch, timedelta(minutes=4))
    queue, html = work_queue_cached(officer, QUEUE_TEMPLATE)
    assert [i.kind for i in queue.items] == ["procurement.closing"] and tender.title in html


def test_a_question_turns_overdue_in_the_cached_queue_at_the_promised_moment(
    officer, company_rep, rep_company, monkeypatch
):
    from asfportal.accounts.views import QUEUE_TEMPLATE
    from asfportal.core.queue import work_queue_cached

    tender = _matching_tender(officer)
    Question.objects.create(tender=tender, company=rep_company, asked_by=company_rep, text="Fråga?")
    Tender.objects.filter(pk=tender.pk).update(answers_published_by_at=timezone.now() + timedelta(minutes=5))
    queue, html = work_queue_cached(officer, QUEUE_TEMPLATE)
    assert [(i.kind, i.overdue) for i in queue.items] == [("procurement.question", False)]
    _clock_moved(monkeypatch, timedelta(minutes=6))
    queue, html = work_queue_cached(officer, QUEUE_TEMPLATE)
    assert [(i.kind, i.overdue) for i in queue.items] == [("procurement.question", True)]
    assert "queue-overdue" in html


def test_a_matching_tender_leaves_the_representatives_cached_dashboard_when_it_closes(
    client, officer, company_rep, rep_company, monkeypatch
):
    cleaning = ServiceCategory.objects.exclude(cpv_prefixes="").filter(cpv_prefixes__contains="909").first()
    rep_company.service_categories.set([cleaning])
    closing = _matching_tender(officer, submission_deadline_at=timezone.now() + timedelta(minutes=5),
                               answers_published_by_at=None, question_deadline_at=None)  # fmt: skip
    later = _matching_tender(officer)
    client.force_login(company_rep)
    url = reverse("accounts:dashboard-company")
    before = _queue_html(client, url)
    assert closing.title in before and later.title in before
    _clock_moved(monkeypatch, timedelta(minutes=6))
    after = _queue_html(client, url)
    assert closing.title not in after and later.title in after


def test_an_expired_invitation_leaves_the_organisation_administrators_cached_queue(monkeypatch, db):
    from asfportal.accounts import administration
    from asfportal.accounts.models import OrganisationInvitation
    from asfportal.accounts.views import QUEUE_TEMPLATE
    from asfportal.core.queue import work_queue_cached

    admin = UserFactory(role=Role.ORGANISATION_ADMINISTRATOR, organisation=OrganisationFactory(kommun=True))
    administration.invitation_send(
        organisation=admin.organisation,
        email="ny@example.se",
        full_name="Ny Person",
        role=Role.COORDINATOR,
        actor=admin,
    )
    OrganisationInvitation.objects.update(expires_at=timezone.now() + timedelta(minutes=5))
    queue, _html = work_queue_cached(admin, QUEUE_TEMPLATE)
    assert "accounts.invitation" in [i.kind for i in queue.items]
    _clock_moved(monkeypatch, timedelta(minutes=6))
    queue, _html = work_queue_cached(admin, QUEUE_TEMPLATE)
    assert "accounts.invitation" not in [i.kind for i in queue.items]


def test_a_bare_count_the_previous_release_cached_is_not_read_as_this_ones(client, coordinator):
    """During a rolling upgrade both releases share the cache: the previous one kept the header's count as a bare
    number under the queue's name; this one keeps (count, changes_at) under its own, and never unpacks the other."""
    from asfportal.core.cache import person_value_store
    from asfportal.core.queue import _count_name, queue_count_cached

    person_value_store(coordinator.pk, _count_name(coordinator, timezone.localdate()), 7)
    assert queue_count_cached(coordinator) is None
    client.force_login(coordinator)
    assert client.get(reverse("placements:participant-list")).status_code == 200
