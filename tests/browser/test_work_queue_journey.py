"""Issue 15 §1 in Chromium: each role starts on its dashboard's work queue, follows the first item's link, does
what it asks, comes back, and goes on until the queue says there is nothing to do.

Items whose action belongs to someone else (a company's placement about to start, a meeting the coordinator
holds, an application the coordinator assesses) are done by that person through the services, as the comments
say, and the item is seen to leave the company's queue."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from asfportal.accounts.models import Role
from companies import services as company_services
from companies.models import Company, ServiceCategory
from placements import services as placement_services
from placements.models import Consent, FollowUp, Placement
from policies.models import ActionPlan, Activity, Policy
from procurement import services as procurement_services
from procurement.models import CpvCode, Question, Submission, Tender
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.browser.helpers import assert_accessible, login
from tests.companies.factories import CompanyFactory, RepresentativeFactory, assessment_fields
from tests.placements.factories import OfferFactory, ParticipantFactory
from tests.procurement.factories import TenderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate()
EMPTY = "Inget att göra just nu."


def _place(coordinator, *, start_days_ago, days, offer=None, start=True):
    participant = ParticipantFactory(organisation=coordinator.organisation)
    start_on = TODAY - timedelta(days=start_days_ago)
    placement = placement_services.placement_create(
        participant=participant, offer=offer or OfferFactory(), actor=coordinator,
        fields={"support_measure": "af_work_training", "start_on": start_on,
                "planned_end_on": start_on + timedelta(days=days), "hours_per_week": 20},
    )  # fmt: skip
    return placement_services.placement_start(placement=placement, actor=coordinator) if start else placement


def _work_through(page, live_server, dashboard, complete, *, limit=20) -> list[str]:
    """Follow the first item of the queue and complete it, until the queue is empty; the kinds done, in order.
    Each round the queue must shrink (an item that stayed would loop)."""
    done, last = [], None
    for _round in range(limit):
        page.goto(f"{live_server.url}{dashboard}")
        items = page.locator(".queue-item")
        # An item is its row: what, for whom, by when (two items may share a link, such as the offer list).
        rows = [items.nth(i).inner_text() for i in range(items.count())]
        # The item just done has left the queue (a closed tender may come back as one to award, another row).
        assert last not in rows, f"{done[-1]} stayed in the queue"
        if not rows:
            assert EMPTY in page.content()
            return done
        first = items.first
        kind = first.locator("xpath=ancestor::table").get_attribute("data-kind")
        last = rows[0]
        href = first.get_by_role("link").get_attribute("href")
        first.get_by_role("link").click()
        page.wait_for_load_state()
        complete(page, kind, href)
        alerts = page.locator(".alert-danger, .invalid-feedback, [role=alert]").all_inner_texts()
        done.append(kind)
        assert not any(text.strip() for text in alerts), (kind, alerts)
    raise AssertionError(f"the queue was not empty after {limit} rounds: {done}")


def _assess(page):
    for criterion in range(1, 5):
        page.locator(f"input[name=c{criterion}_verdict][value=met]").check()
    page.locator("#id_c1_employees").fill("6")
    page.locator("#id_c1_target_group_hires").fill("2")
    page.locator("#id_c2_document").set_input_files(
        files=[{"name": "delaktighet.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 delaktighet"}]
    )
    page.locator("#id_c4_owners").fill("Medlemmarna, alla anställda.")
    page.get_by_role("button", name="Spara bedömningen").click()
    page.wait_for_load_state()


def test_the_coordinator_works_through_every_kind_of_item(page, live_server, coordinator, municipality):
    # Placements: a follow-up overdue, one ending within 14 days, one past its end, one at day 92 after the end.
    _place(coordinator, start_days_ago=40, days=120)
    ending = _place(coordinator, start_days_ago=50, days=60)
    missing = _place(coordinator, start_days_ago=80, days=60)
    FollowUp.objects.filter(placement__in=[ending, missing]).delete()
    after = _place(coordinator, start_days_ago=200, days=100)
    FollowUp.objects.filter(placement=after).delete()
    placement_services.placement_end(placement=after, actor=coordinator, interrupted=False, fields={
        "ended_on": TODAY - timedelta(days=92), "outcome": "seeking", "end_reason": "Slut",
        "income_after": "wage", "occupation_after": "work"})  # fmt: skip
    FollowUp.objects.filter(placement=after).update(due_on=TODAY - timedelta(days=2))
    # Registry: an application, an assessment running out, a lapsed company, a change request.
    applied = CompanyFactory(status=Company.Status.APPLIED, name="Ansökande ekonomisk förening")
    expiring = CompanyFactory(verified=True, name="Utgående ekonomisk förening")
    lapsed = CompanyFactory(verified=True, name="Utgången ekonomisk förening")
    for company in (applied, expiring, lapsed):
        company.municipalities.add(municipality)
    Company.objects.filter(pk=expiring.pk).update(verified_until=TODAY + timedelta(days=30))
    Company.objects.filter(pk=lapsed.pk).update(verified_until=TODAY - timedelta(days=3))
    rep = RepresentativeFactory(company=expiring).user
    company_services.change_request_submit(company=expiring, new_values={"employees_total": 12}, actor=rep)
    # Steering: a policy to review, a late activity; last year's annual report is not generated.
    Policy.objects.create(organisation=municipality, title="ASF-policy", status=Policy.Status.ADOPTED,
                          adopted_by="KF", adopted_on=TODAY - timedelta(days=400),
                          review_on=TODAY + timedelta(days=10), text="Text")  # fmt: skip
    plan = ActionPlan.objects.create(organisation=municipality, title="Plan", start_year=TODAY.year - 1,
                                     end_year=TODAY.year + 1)  # fmt: skip
    Activity.objects.create(plan=plan, title="Inköpsdialog", start_on=TODAY - timedelta(days=100),
                            end_on=TODAY - timedelta(days=1), status="ongoing", progress=40,
                            responsible_organisation=municipality)  # fmt: skip

    # A consent that runs out in ten days.
    _expiring_consent(coordinator)

    def complete(page, kind, href):
        if _complete_shared(page, kind):
            return
        if kind in ("placements.follow_up", "placements.follow_up_90"):
            page.locator("#id_held_on").fill(TODAY.isoformat())
            if kind == "placements.follow_up_90":
                page.locator("#id_outcome_90").select_option("work_elsewhere")
            page.get_by_role("button", name="Spara uppföljningen").click()
        elif kind in ("placements.ending", "placements.outcome_missing"):
            page.locator("#id_outcome").select_option("work_at_asf")
            page.locator("#id_end_reason").fill("Fick anställning")
            page.locator("#id_income_after").select_option("wage")
            page.locator("#id_occupation_after").select_option("work")
            page.get_by_role("button", name="Avsluta placeringen").click()
        elif kind in ("companies.application", "companies.expiring", "companies.recheck"):
            _assess(page)
        elif kind == "companies.change_request":
            page.get_by_role("button", name="Godkänn").click()
        elif kind == "policies.review":
            page.locator("#id_review_on").fill((TODAY + timedelta(days=365)).isoformat())
            page.get_by_role("button", name="Spara policyn").click()
        elif kind == "policies.activity":
            page.locator("#id_text").fill("Klar, med en rapport.")
            page.locator("#id_status").select_option("done")
            page.locator("#id_progress").fill("100")
            page.get_by_role("button", name="Registrera läget").click()
        else:
            raise AssertionError(f"no way to complete {kind} at {href}")
        page.wait_for_load_state()

    login(page, live_server, coordinator)
    dashboard = reverse("accounts:dashboard-coordinator")
    page.wait_for_url(f"{live_server.url}{dashboard}")
    assert "Försenad" in page.content()  # overdue items are marked in text
    assert "att göra" in page.locator("header.portal-header").inner_text()  # the header shows the count
    assert_accessible(page)
    done = _work_through(page, live_server, dashboard, complete)
    assert done[0] in ("placements.follow_up", "placements.outcome_missing", "companies.recheck",
                       "placements.follow_up_90")  # overdue first  # fmt: skip
    assert set(done) == {
        "placements.follow_up", "placements.follow_up_90", "placements.ending", "placements.outcome_missing",
        "companies.application", "companies.expiring", "companies.recheck", "companies.change_request",
        "policies.review", "policies.activity", "policies.annual_report", "placements.consent_expiring",
    }  # fmt: skip
    assert "att göra" not in page.locator("header.portal-header").inner_text()


def _expiring_consent(coordinator):
    participant = ParticipantFactory(organisation=coordinator.organisation, consent=False)
    Consent.objects.create(participant=participant, given_on=TODAY - timedelta(days=300), scope="Arbetsträning",
                           valid_until=TODAY + timedelta(days=10))  # fmt: skip


def _complete_shared(page, kind) -> bool:
    """The kinds every coordinator's queue has, municipality's or förbund's; False for any other kind."""
    if kind == "placements.consent_expiring":
        page.locator("#id_valid_until").fill((TODAY + timedelta(days=365)).isoformat())
        page.locator("#id_sus_form_collected").check()
        page.get_by_role("button", name="Registrera det nya samtycket").click()
    elif kind == "placements.sus":
        page.get_by_role("button", name=re.compile(r"Registrera (in|ut)registreringen")).click()
    elif kind == "policies.board_report":
        page.get_by_role("button", name="Registrera rapporten").click()
    elif kind == "policies.annual_report":
        page.get_by_role("button", name="Skapa årsrapporten").click()  # tasks run inline in these tests
    else:
        return False
    page.wait_for_load_state()
    return True


def test_the_forbund_coordinator_works_through_sus_board_reports_and_consents(page, live_server):
    forbund = OrganisationFactory(samordningsforbund=True)
    coordinator = UserFactory(role=Role.COORDINATOR, organisation=forbund)
    # One effort running (registered in SUS at its start), one ended (registered, then de-registered).
    running = _place(coordinator, start_days_ago=10, days=120)
    ended = _place(coordinator, start_days_ago=100, days=120)
    placement_services.placement_end(placement=ended, actor=coordinator, interrupted=False, fields={
        "ended_on": TODAY - timedelta(days=20), "outcome": "seeking", "end_reason": "Slut",
        "income_after": "wage", "occupation_after": "work"})  # fmt: skip
    FollowUp.objects.filter(placement__in=[running, ended], due_on__lte=TODAY + timedelta(days=7)).delete()
    _expiring_consent(coordinator)

    def complete(page, kind, href):
        if not _complete_shared(page, kind):
            raise AssertionError(f"no way to complete {kind} at {href}")

    login(page, live_server, coordinator)
    dashboard = reverse("accounts:dashboard-coordinator")
    page.wait_for_url(f"{live_server.url}{dashboard}")
    assert "SUS" in page.content() and "styrelsen" in page.content()
    done = _work_through(page, live_server, dashboard, complete)
    assert done[0] in ("placements.sus", "policies.board_report")  # overdue first
    # In at both starts, out at the end; every report of the last year due; the consent; the annual report.
    assert sorted(done) == sorted(["placements.sus"] * 3 + ["policies.board_report"] * 3
                                  + ["placements.consent_expiring", "policies.annual_report"])  # fmt: skip
    ended.refresh_from_db()
    assert ended.sus_registered_on == ended.sus_deregistered_on == TODAY


def test_the_company_representative_works_through_every_kind_of_item(page, live_server, coordinator, officer,
                                                                     municipality):  # fmt: skip
    company = CompanyFactory(verified=True, name="Kafé Gemenskap ekonomisk förening")
    company.municipalities.add(municipality)
    company.service_categories.set(ServiceCategory.objects.filter(cpv_prefixes__contains="909")[:1])
    Company.objects.filter(pk=company.pk).update(verified_until=TODAY + timedelta(days=40))
    rep = RepresentativeFactory(company=company).user
    full = OfferFactory(company=company, places=1)
    _place(coordinator, start_days_ago=10, days=100, offer=full)  # fills it; its first meeting is in 18 days
    meeting = _place(coordinator, start_days_ago=26, days=100, offer=OfferFactory(company=company, places=3))
    starting = _place(
        coordinator, start_days_ago=-4, days=60, offer=OfferFactory(company=company), start=False
    )
    cleaning = [CpvCode.objects.get(code="90910000-9")]
    matching = TenderFactory(buyer=officer.organisation, published=True, title="Städning av förskolor")
    declined = TenderFactory(buyer=officer.organisation, published=True, title="Fönsterputs")
    changed = TenderFactory(buyer=officer.organisation, published=True, title="Trappstädning")
    for tender in (matching, declined, changed):
        tender.cpv_codes.set(cleaning)
    procurement_services.submission_submit(tender=changed, company=company, message="Vi städar trapporna.",
                                           occupied=10, in_target_group=6, actor=rep)  # fmt: skip
    Submission.objects.filter(tender=changed).update(needs_reconfirmation=True)
    change = company_services.change_request_submit(company=company, new_values={"employees_total": 12},
                                                    actor=rep)  # fmt: skip

    def complete(page, kind, href):
        if kind == "placements.offer_full_or_ending":
            page.locator("#id_places").fill("2")
            page.get_by_role("button", name="Spara platserna").click()
        elif kind == "procurement.reconfirm":
            page.locator("#id_people_occupied").fill("10")
            page.locator("#id_people_in_target_group").fill("6")
            page.get_by_role("button", name="Lämna anbudet").click()
        elif kind == "procurement.matching" and "Fönsterputs" in page.content():
            page.get_by_role("link", name="Avstå från att lämna anbud").click()
            page.locator("#id_reason").fill("Vi har inte folk nog i vår.")
            page.get_by_role("button", name="Avstå från att lämna anbud").click()
        elif kind == "procurement.matching":
            page.get_by_role("link", name="Lämna anbud", exact=True).click()
            page.locator("#id_message").fill("Vi städar förskolorna.")
            page.locator("#id_people_occupied").fill("10")
            page.locator("#id_people_in_target_group").fill("6")
            page.get_by_role("button", name="Lämna anbudet").click()
        # The rest is another person's to do; the representative reads it, and it leaves once they have.
        elif kind == "placements.starting":
            assert starting.participant.code in page.content()  # the offer list shows the code
            Placement.objects.filter(pk=starting.pk).update(start_on=TODAY)
            placement_services.placement_start(placement=starting, actor=coordinator)
        elif kind == "placements.meeting_at_company":
            for follow_up in meeting.follow_ups.filter(
                held_on__isnull=True, due_on__lte=TODAY + timedelta(7)
            ):
                placement_services.follow_up_record(
                    follow_up=follow_up, held_on=TODAY, note="", actor=coordinator
                )
        elif kind == "companies.my_verification":
            company_services.assessment_record(company=company, fields=assessment_fields(), actor=coordinator)
        elif kind == "companies.my_change_request":
            company_services.change_request_decide(change_request=change, approve=True, comment="",
                                                   actor=coordinator)  # fmt: skip
        else:
            raise AssertionError(f"no way to complete {kind} at {href}")
        page.wait_for_load_state()

    login(page, live_server, rep)
    dashboard = reverse("accounts:dashboard-company")
    page.wait_for_url(f"{live_server.url}{dashboard}")
    assert starting.participant.code in page.content()  # placements starting next week with their codes
    assert_accessible(page)
    done = _work_through(page, live_server, dashboard, complete)
    assert set(done) == {
        "placements.offer_full_or_ending", "placements.starting", "placements.meeting_at_company",
        "procurement.reconfirm", "procurement.matching", "companies.my_verification", "companies.my_change_request",
    }  # fmt: skip
    assert done.count("procurement.matching") == 2


def test_the_procurement_officer_works_through_every_kind_of_item(page, live_server, officer):
    company = CompanyFactory(verified=True, name="Städkraft ekonomisk förening")
    rep = RepresentativeFactory(company=company).user
    asked = TenderFactory(buyer=officer.organisation, published=True, title="Städning av skolor",
                          answers_published_by_at=None)  # fmt: skip
    procurement_services.question_ask(tender=asked, company=company, text="Ingår fönsterputs?", actor=rep)
    closing = TenderFactory(buyer=officer.organisation, published=True, title="Snöröjning",
                            submission_deadline_at=timezone.now() + timedelta(days=2), answers_published_by_at=None,
                            question_deadline_at=None)  # fmt: skip
    procurement_services.submission_submit(tender=closing, company=company, message="Vi röjer snö.", occupied=10,
                                           in_target_group=6, actor=rep)  # fmt: skip

    def complete(page, kind, href):
        if kind == "procurement.question":
            question = Question.objects.get(tender=asked)
            assert href.endswith(f"#answer-{question.pk}")
            page.locator(f"#answer-{question.pk}").fill("Nej, bara invändig städning.")
            page.get_by_role("button", name="Publicera svaret").click()
        elif kind == "procurement.closing":
            # Nothing to do but wait: the deadline passes and the sweep closes it, which makes it one to award.
            Tender.objects.filter(pk=closing.pk).update(
                submission_deadline_at=timezone.now() - timedelta(seconds=1)
            )
            procurement_services.tenders_close_due()
        elif kind == "procurement.award":
            page.get_by_role("checkbox", name="Städkraft ekonomisk förening").check()
            page.locator(f"[id^='value-'][id$='-{Submission.objects.get(tender=closing).pk}']").fill("450000")
            page.get_by_role("button", name="Tilldela och publicera beslutet").click()
        else:
            raise AssertionError(f"no way to complete {kind} at {href}")
        page.wait_for_load_state()

    login(page, live_server, officer)
    dashboard = reverse("accounts:dashboard-procurement")
    page.wait_for_url(f"{live_server.url}{dashboard}")
    assert_accessible(page)
    done = _work_through(page, live_server, dashboard, complete)
    assert done == ["procurement.closing", "procurement.award", "procurement.question"] or set(done) == {
        "procurement.closing",
        "procurement.award",
        "procurement.question",
    }
    assert Question.objects.get(tender=asked).is_answered
    assert Tender.objects.get(pk=closing.pk).status == Tender.Status.AWARDED
