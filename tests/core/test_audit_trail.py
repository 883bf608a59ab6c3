"""The audit trail: every service that changes state records who did what to which object, and when; participants'
entries hold no personal data; administrators read the trail but can never change it; and no admin page shows a
sealed answer, the audit trail included."""

import importlib
import inspect
import json
import pkgutil
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ForeignKey, ManyToManyField, OneToOneField
from django.urls import reverse
from django.utils import timezone

import asfportal.accounts.services
import asfportal.core.calendars.services
import asfportal.core.services
import companies.services
import placements.services
import policies.services
import procurement.eforms.imports
import procurement.services
from asfportal.accounts.models import Membership, Role
from asfportal.core import notifications
from asfportal.core.models import AuditEntry, Notification
from companies.models import Company, ServiceCategory
from placements.models import FollowUp, Participant
from policies.models import ActionPlan, Activity, ContactPerson, Indicator
from procurement.models import CpvCode, Submission, Tender
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.companies.factories import CompanyFactory, RepresentativeFactory, assessment_fields, luhn_complete
from tests.placements.factories import OfferFactory, ParticipantFactory
from tests.procurement.factories import TenderFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
SECRET_ANSWER = "Vårt pris är 812 000 kronor och vi städar med sex handledare."


class World:
    """What the cases act on, built on first use: each case asks only for what it needs."""

    def __init__(self, request):
        self.request = request

    @cached_property
    def coordinator(self):
        return self.request.getfixturevalue("coordinator")

    @cached_property
    def officer(self):
        return self.request.getfixturevalue("officer")

    @cached_property
    def company(self) -> Company:
        company = CompanyFactory(verified=True, name="Städkraft ekonomisk förening")
        company.service_categories.add(ServiceCategory.objects.get(slug="cleaning"))
        company.municipalities.add(self.coordinator.organisation)
        return company

    @cached_property
    def rep(self):
        return RepresentativeFactory(company=self.company).user

    def tender(self, **fields) -> Tender:
        return TenderFactory(buyer=self.officer.organisation, created_by=self.officer, **fields)

    @cached_property
    def open_tender(self) -> Tender:
        return self.tender(published=True)

    def submit(self, tender: Tender, message: str = SECRET_ANSWER) -> Submission:
        return procurement.services.submission_submit(
            tender=tender,
            company=self.company,
            message=message,
            occupied=10,
            in_target_group=6,
            actor=self.rep,
        )

    def closed_with_answer(self) -> Tender:
        tender = self.open_tender
        self.submit(tender)
        Tender.objects.filter(pk=tender.pk).update(status="closed", submission_deadline_at=timezone.now())
        tender.refresh_from_db()
        return tender

    @cached_property
    def participant(self) -> Participant:
        return ParticipantFactory(organisation=self.coordinator.organisation)

    def placement(self, *, started: bool = False):
        start = TODAY
        placement = placements.services.placement_create(
            participant=self.participant, offer=OfferFactory(), actor=self.coordinator,
            fields={"support_measure": "af_work_training", "start_on": start,
                    "planned_end_on": start + timedelta(days=60), "hours_per_week": 20},
        )  # fmt: skip
        if started:
            placements.services.placement_start(placement=placement, actor=self.coordinator)
        return placement

    def end(self, placement, interrupted: bool):
        fields = {"ended_on": TODAY, "outcome": "work_at_asf", "end_reason": "Fick anställning",
                  "income_after": "wage", "occupation_after": "work"}  # fmt: skip
        return placements.services.placement_end(
            placement=placement, fields=fields, interrupted=interrupted, actor=self.coordinator
        )

    @cached_property
    def plan(self) -> ActionPlan:
        return policies.services.plan_save(
            plan=None, organisation=self.coordinator.organisation, goals=["Fler ASF som leverantörer"],
            fields={"title": "Handlingsplan för ASF", "start_year": TODAY.year - 1, "end_year": TODAY.year + 3},
            actor=self.coordinator,
        )  # fmt: skip

    def activity(self, activity=None, **extra):
        organisation = self.coordinator.organisation
        fields = {"title": "Inspirationsdag", "category": "awareness", "responsible_organisation": organisation,
                  "start_on": TODAY - timedelta(days=50), "end_on": TODAY + timedelta(days=50), "status": "ongoing",
                  **extra}  # fmt: skip
        return policies.services.activity_save(
            activity=activity, plan=self.plan, fields=fields, actor=self.coordinator
        )

    def contact(self, contact=None, name="Anna Ek"):
        return policies.services.contact_save(
            contact=contact, organisation=self.coordinator.organisation, actor=self.coordinator,
            fields={"name": name, "responsibility": "external", "email": "anna@kommun.se"},
        )  # fmt: skip


@dataclass
class Expect:
    """The entry a case must leave: by whom (None: the system or the public) and about what (None: no object)."""

    actor: Any
    obj: Any = None  # a model instance, ("app.model", pk) when the object is gone, or None
    data: dict | None = None  # keys and values the entry's data must hold


def _company_fields(**extra):
    return {"name": "Cykelköket ekonomisk förening", "org_number": luhn_complete("769612345"),
            "legal_form": "ekonomisk_forening", "employees_total": 5, "employees_integration": 3, **extra}  # fmt: skip


def _tender_fields(**extra):
    now = timezone.now()
    return {"title": "Städning av skolor", "description": "Tre skolor.", "legal_basis": "lou_4_18_1",
            "procurement_id": "UH-2026-9001", "notice_url": "https://annons.example.se/uh", "estimated_value": 900_000,
            "submission_deadline_at": now + timedelta(days=30), "answers_published_by_at": now + timedelta(days=20),
            "question_deadline_at": now + timedelta(days=15), **extra}  # fmt: skip


# --- One row per kind of change: (service, action, what to do and what entry it must leave) ----------------------


def _company_registered(w):
    company = companies.services.company_register(fields=_company_fields(), actor=w.coordinator)
    return Expect(w.coordinator, company)


def _company_applied(w):
    company = companies.services.company_apply(
        fields=_company_fields(), applicant_email="maja@foretag.se", applicant_name="Maja Ek"
    )
    return Expect(None, company)


def _representative_invited(w):
    companies.services.representative_invite(
        company=w.company, email="ny@foretag.se", full_name="Ny Person", actor=w.coordinator
    )
    return Expect(w.coordinator, w.company)


def _representative_activated(w):
    invitation = companies.services.representative_invite(
        company=w.company, email="ny@foretag.se", full_name="Ny Person", actor=w.coordinator
    )
    user = companies.services.invitation_accept(invitation=invitation, password="Ett-Långt-Lösenord-9")
    return Expect(user, w.company)


def _profile_updated(w):
    companies.services.company_update_profile(
        company=w.company, fields={"website": "https://stadkraft.se", "city": "Örebro"}, actor=w.rep
    )
    return Expect(w.rep, w.company, {"fields": ["city", "website"]})


def _contacts_updated(w):
    companies.services.company_contacts_replace(
        company=w.company, contacts=[{"name": "Eva Ek", "title": "VD", "email": "eva@stadkraft.se", "phone": ""}],
        actor=w.rep,
    )  # fmt: skip
    return Expect(w.rep, w.company, {"count": 1, "added": ["Eva Ek"], "removed": []})


def _change_request(w, approve=None):
    request = companies.services.change_request_submit(
        company=w.company, new_values={"employees_total": 12}, actor=w.rep
    )
    if approve is None:
        return Expect(w.rep, request, {"fields": ["employees_total"]})
    companies.services.change_request_decide(
        change_request=request,
        approve=approve,
        comment="" if approve else "Styrk uppgiften.",
        actor=w.coordinator,
    )
    return Expect(w.coordinator, request)


def _assessed(w):
    assessment = companies.services.assessment_record(
        company=w.company, fields=assessment_fields(), actor=w.coordinator
    )
    return Expect(w.coordinator, w.company, {"verified": True, "assessment": assessment.pk, "status": "verified",
                                             "verdicts": {"1": "met", "2": "met", "3": "met", "4": "met"}})  # fmt: skip


def _closed(w):
    companies.services.company_close(
        company=w.company, reason="Verksamheten har upphört.", actor=w.coordinator
    )
    return Expect(w.coordinator, w.company)


def _lapsed(w):
    company = CompanyFactory(verified=True, verified_until=TODAY - timedelta(days=1))
    assert companies.services.companies_lapse(today=TODAY) == 1
    return Expect(None, company)


def _draft_created(w):
    tender = procurement.services.tender_save_draft(
        tender=None, fields=_tender_fields(), cpv_codes=[CpvCode.objects.get(code="90910000-9")],
        municipalities=[w.officer.organisation], lots=[], actor=w.officer,
    )  # fmt: skip
    return Expect(w.officer, tender)


def _draft_updated(w):
    tender = w.tender()
    procurement.services.tender_save_draft(
        tender=tender, fields=_tender_fields(title="Städning av fem skolor"), cpv_codes=tender.cpv_codes.all(),
        municipalities=[], lots=[{"title": "Norra skolorna"}], actor=w.officer,
    )  # fmt: skip
    return Expect(w.officer, tender)


def _document_added(w):
    tender = w.tender()
    procurement.services.tender_add_document(
        tender=tender,
        title="Förfrågningsunderlag",
        file=SimpleUploadedFile("fu.pdf", b"%PDF-1.4"),
        actor=w.officer,
    )
    return Expect(w.officer, tender, {"document": "Förfrågningsunderlag"})


def _published(w):
    tender = w.tender()
    procurement.services.tender_publish(tender=tender, actor=w.officer)
    return Expect(w.officer, tender)


def _watched(w):
    procurement.services.tender_watch(tender=w.open_tender, user=w.rep)
    return Expect(w.rep, w.open_tender)


def _amended(w):
    procurement.services.tender_amend(
        tender=w.open_tender, changes={"title": "Städning av fem skolor"}, reason="Två skolor till.",
        is_substantial=False, actor=w.officer,
    )  # fmt: skip
    return Expect(w.officer, w.open_tender, {"fields": ["title"], "substantial": False})


def _question(w, answer: bool):
    question = procurement.services.question_ask(
        tender=w.open_tender, company=w.company, text="Ingår fönsterputs?", actor=w.rep
    )
    if not answer:
        return Expect(w.rep, w.open_tender, {"question": question.pk})
    procurement.services.question_answer(question=question, answer="Nej.", actor=w.officer)
    return Expect(w.officer, w.open_tender, {"question": question.pk})


def _submitted(w):
    w.submit(w.open_tender)
    return Expect(w.rep, w.open_tender, {"company": w.company.pk})


def _replaced(w):
    w.submit(w.open_tender, "Första svaret.")
    w.submit(w.open_tender)
    return Expect(w.rep, w.open_tender, {"company": w.company.pk})


def _declined(w):
    procurement.services.submission_decline(
        tender=w.open_tender, company=w.company, reason="Vi har inte kapacitet i år.", actor=w.rep
    )
    return Expect(w.rep, w.open_tender, {"company": w.company.pk})


def _tender_closed(w):
    tender = w.tender(published=True, submission_deadline_at=timezone.now() - timedelta(minutes=1))
    assert procurement.services.tenders_close_due() == 1
    return Expect(None, tender)


def _awarded(w):
    tender = w.closed_with_answer()
    procurement.services.tender_award(
        tender=tender, awards=[{"company": w.company, "value": 850_000}], actor=w.officer
    )
    return Expect(w.officer, tender, {"companies": [w.company.pk]})


def _unwatched(w):
    procurement.services.tender_watch(tender=w.open_tender, user=w.rep)
    procurement.services.tender_unwatch(tender=w.open_tender, user=w.rep)
    return Expect(w.rep, w.open_tender)


def _award_signed(w):
    from datetime import timedelta

    from django.utils import timezone

    tender = w.closed_with_answer()
    [award] = procurement.services.tender_award(
        tender=tender,
        awards=[{"company": w.company, "value": 1, "awarded_on": timezone.localdate() - timedelta(days=20)}],
        actor=w.officer,
    )
    procurement.services.award_sign(award=award, actor=w.officer)
    return Expect(w.officer, tender, {"award": award.pk, "company": w.company.pk})


def _saved_search(w, delete: bool):
    search = procurement.services.saved_search_create(user=w.rep, text="städ", cpv_prefix="9091")
    if not delete:
        return Expect(w.rep, search)
    pk = search.pk
    procurement.services.saved_search_delete(search=search, actor=w.rep)
    return Expect(w.rep, ("procurement.savedsearch", pk))


def _cancelled(w):
    procurement.services.tender_cancel(tender=w.open_tender, reason="Behovet försvann.", actor=w.officer)
    return Expect(w.officer, w.open_tender, {"reason": "Behovet försvann."})


def _offer_saved(w, update: bool):
    fields = {"work_area": ServiceCategory.objects.get(slug="cafe"), "tasks": "Servering och disk.", "places": 2,
              "hours_per_week": 20, "supervisor": "Eva Handledare", "municipality": w.coordinator.organisation,
              "available_from": TODAY}  # fmt: skip
    offer = placements.services.offer_save(offer=None, company=w.company, fields=fields, actor=w.rep)
    if update:
        offer = placements.services.offer_save(
            offer=offer, company=w.company, fields={"places": 3}, actor=w.rep
        )
    return Expect(w.rep, offer)


def _participant_registered(w):
    placements.services.participant_register(
        organisation=w.coordinator.organisation, fields={"initials": "Q.X.", "birth_year": 1957},
        consent={"given_on": TODAY, "scope": "Arbetsträning"}, actor=w.coordinator,
    )  # fmt: skip
    return Expect(w.coordinator, None, {"organisation": w.coordinator.organisation_id})


def _consent_withdrawn(w):
    placement = w.placement(started=True)
    placements.services.consent_withdraw(participant=w.participant, actor=w.coordinator)
    return Expect(w.coordinator, None, {"organisation": w.coordinator.organisation_id, "interrupted": 1,
                                        "placements": [placement.pk]})  # fmt: skip


def _placement_created(w):
    return Expect(w.coordinator, w.placement())


def _placement_started(w):
    return Expect(w.coordinator, w.placement(started=True))


def _follow_up_recorded(w):
    placement = w.placement(started=True)
    follow_up = placement.follow_ups.filter(kind=FollowUp.Kind.REGULAR).first()
    placements.services.follow_up_record(
        follow_up=follow_up, held_on=TODAY, note="Trivs.", actor=w.coordinator
    )
    return Expect(w.coordinator, placement)


def _follow_up_edited(w):
    placement = w.placement(started=True)
    follow_up = placement.follow_ups.filter(kind=FollowUp.Kind.REGULAR).first()
    for note in ("Trivs.", "Trivs, vill prova kassan."):
        placements.services.follow_up_record(
            follow_up=follow_up, held_on=TODAY, note=note, actor=w.coordinator
        )
    return Expect(w.coordinator, placement)


def _placement_ended(w, interrupted: bool):
    placement = w.end(w.placement(started=True), interrupted=interrupted)
    return Expect(w.coordinator, placement, {"outcome": "work_at_asf"})


def _participant_erased(w):
    participant = w.participant
    placements.services.participant_erase(participant=participant, actor=w.coordinator)
    return Expect(w.coordinator, None, {"organisation": w.coordinator.organisation_id})


def _participants_anonymised(w):
    Participant.objects.filter(pk=w.participant.pk).update(created_at=timezone.now() - timedelta(days=2000))
    assert placements.services.participants_anonymise(today=TODAY) == 1
    return Expect(None, None, {"count": 1})


def _contact_saved(w, update: bool):
    contact = w.contact()
    if update:
        contact = w.contact(contact, name="Anna Ek Berg")
    return Expect(w.coordinator, contact)


def _contact_deleted(w):
    contact = w.contact()
    key = ("policies.contactperson", contact.pk)
    policies.services.contact_delete(contact=contact, actor=w.coordinator)
    assert not ContactPerson.objects.filter(pk=key[1]).exists()
    return Expect(w.coordinator, key)


def _policy_saved(w):
    policy = policies.services.policy_save(
        policy=None, organisation=w.coordinator.organisation, actor=w.coordinator,
        fields={"title": "Policy för ASF", "status": "adopted", "adopted_by": "Kommunfullmäktige",
                "adopted_on": TODAY - timedelta(days=10), "text": "Vi köper av ASF."},
    )  # fmt: skip
    return Expect(w.coordinator, policy, {"status": "adopted"})


def _plan_saved(w, update: bool):
    plan = w.plan
    if not update:
        return Expect(w.coordinator, plan, {"goals_added": ["Fler ASF som leverantörer"]})
    policies.services.plan_save(
        plan=plan, organisation=w.coordinator.organisation, fields={"title": "Reviderad handlingsplan"},
        goals=["Fler ASF som leverantörer", "Fler platser för arbetsträning"], actor=w.coordinator,
    )  # fmt: skip
    return Expect(w.coordinator, plan, {"goals_added": ["Fler platser för arbetsträning"]})


def _activity_saved(w, update: bool):
    activity = w.activity(goal=w.plan.goals.get())
    if update:
        activity = w.activity(activity, status="done")
    return Expect(w.coordinator, activity)


def _goal_renamed(w):
    goal = policies.services.goal_save(
        goal=w.plan.goals.get(), title="Fler ASF får uppdrag", actor=w.coordinator
    )
    return Expect(w.coordinator, goal, {"before": "Fler ASF som leverantörer"})


def _goal_deleted(w):
    goal = w.plan.goals.get()
    w.activity(goal=goal)
    key = ("policies.goal", goal.pk)
    assert policies.services.goal_delete(goal=goal, actor=w.coordinator) == 1
    return Expect(w.coordinator, key, {"activities_without_goal": 1})


def _activity_deleted(w):
    activity = w.activity()
    key = ("policies.activity", activity.pk)
    policies.services.activity_delete(activity=activity, actor=w.coordinator)
    assert not Activity.objects.filter(pk=key[1]).exists()
    return Expect(w.coordinator, key, {"plan": w.plan.pk})


def _progress(w):
    activity = w.activity()
    policies.services.progress_record(
        activity=activity,
        text="Tre skolor har anmält sig.",
        status="ongoing",
        progress=70,
        actor=w.coordinator,
    )
    return Expect(w.coordinator, activity, {"status": "ongoing"})


def _followup_saved(w):
    activity = w.activity()
    doomed = Indicator.objects.create(activity=activity, name="Gammalt mått")
    policies.services.activity_followup_save(
        activity=activity, milestones=[{"id": None, "DELETE": False, "title": "Inbjudan skickad", "due_on": TODAY}],
        indicators=[{"id": doomed, "DELETE": True}, {"id": None, "DELETE": False, "name": "Antal deltagare", "target": 40}],
        actor=w.coordinator,
    )  # fmt: skip
    assert list(activity.indicators.values_list("name", flat=True)) == ["Antal deltagare"]
    return Expect(w.coordinator, activity)


def _contract_total(w):
    total = policies.services.contract_total_save(
        organisation=w.coordinator.organisation,
        year=TODAY.year - 1,
        total_value=Decimal(12_000_000),
        actor=w.coordinator,
    )
    return Expect(w.coordinator, total, {"year": TODAY.year - 1, "total_value": "12000000"})


def _report(w, build: bool):
    report = policies.services.report_request(
        organisation=w.coordinator.organisation, year=TODAY.year - 1, actor=w.coordinator
    )
    if build:  # what the worker does (policies.tasks.build_annual_report_task)
        report = policies.services.report_build(report_id=report.pk)
    return Expect(w.coordinator, report, {"version": 1})


def _accessibility_report(w):
    report = asfportal.core.services.accessibility_report_create(
        page_url="/foretag/", description="Knappen saknar text.", contact_email="", actor=w.coordinator
    )
    return Expect(w.coordinator, report)


def _introduction_dismissed(w):
    user = asfportal.accounts.services.introduction_dismiss(user=w.coordinator)
    return Expect(w.coordinator, user)


def _language_set(w):
    user = asfportal.accounts.services.user_language_set(user=w.coordinator, language="en")
    return Expect(w.coordinator, user, {"language": "en"})


def _calendar_feed(w, *, action: str):
    feed = asfportal.core.calendars.services.calendar_feed_renew(user=w.coordinator, actor=w.coordinator)
    if action == "renewed":
        feed = asfportal.core.calendars.services.calendar_feed_renew(user=w.coordinator, actor=w.coordinator)
    if action == "revoked":
        assert asfportal.core.calendars.services.calendar_feed_revoke(user=w.coordinator, actor=w.coordinator)
        return Expect(w.coordinator, ("core.calendarfeed", feed.pk))
    return Expect(w.coordinator, feed)


# --- Issue 15/16 services: company colleagues, consent renewal, SUS, board reports, handing over follows ----------


def _colleague_invited(w):
    companies.services.colleague_invite(
        company=w.company, email="kollega@foretag.se", full_name="Kim Kollega", actor=w.rep
    )
    return Expect(w.rep, w.company)


def _colleague_added(w):
    person = UserFactory(role=Role.COMPANY_REPRESENTATIVE, organisation=None)
    companies.services.colleague_invite(company=w.company, email=person.email, full_name="", actor=w.rep)
    return Expect(w.rep, w.company, {"email": person.email})


def _colleague_removed(w):
    colleague = RepresentativeFactory(company=w.company).user
    membership = Membership.objects.current().get(user=colleague, company=w.company)
    companies.services.colleague_remove(membership=membership, actor=w.rep)
    return Expect(w.rep, w.company, {"email": colleague.email})


def _consent_renewed(w):
    placements.services.consent_renew(participant=w.participant, given_on=TODAY, valid_until=TODAY + timedelta(days=365),
                                      scope="A", sus_form_collected=True, actor=w.coordinator)  # fmt: skip
    return Expect(w.coordinator, None, {"organisation": w.coordinator.organisation_id})


def _forbund_placement(w):
    coordinator = UserFactory(
        role=Role.COORDINATOR, organisation=OrganisationFactory(samordningsforbund=True)
    )
    placement = placements.services.placement_create(
        participant=ParticipantFactory(organisation=coordinator.organisation), offer=OfferFactory(),
        actor=coordinator, fields={"support_measure": "af_work_training", "start_on": TODAY,
                                   "planned_end_on": TODAY + timedelta(days=60), "hours_per_week": 20},
    )  # fmt: skip
    placements.services.placement_start(placement=placement, actor=coordinator)
    return coordinator, placement


def _sus_registered(w):
    coordinator, placement = _forbund_placement(w)
    placements.services.placement_sus_record(placement=placement, done_on=TODAY, actor=coordinator)
    return Expect(coordinator, placement)


def _sus_deregistered(w):
    coordinator, placement = _forbund_placement(w)
    placements.services.placement_sus_record(placement=placement, done_on=TODAY, actor=coordinator)
    w.end(placement, False)
    placements.services.placement_sus_record(placement=placement, done_on=TODAY, actor=coordinator)
    return Expect(coordinator, placement)


def _board_report_recorded(w):
    coordinator = UserFactory(
        role=Role.COORDINATOR, organisation=OrganisationFactory(samordningsforbund=True)
    )
    last_year = TODAY.year - 1
    report = policies.services.board_report_record(
        organisation=coordinator.organisation, kind="annual", period_end=date(last_year, 12, 31),
        submitted_on=date(TODAY.year, 1, 1), actor=coordinator,
    )  # fmt: skip
    return Expect(coordinator, report)


def _watches_handed_over(w):
    tender = w.open_tender
    colleague = UserFactory(role=Role.PROCUREMENT_OFFICER, organisation=w.officer.organisation)
    procurement.services.tenders.tender_watch(tender=tender, user=w.officer)
    procurement.services.tenders.tender_watches_hand_over(
        person=w.officer, successor=colleague, organisation_id=w.officer.organisation_id, actor=w.coordinator
    )
    return Expect(w.coordinator, colleague, {"tenders": [tender.pk], "from_user": w.officer.pk})


@dataclass
class Case:
    service: Any
    action: str
    act: Any
    label: str = ""

    def __str__(self) -> str:
        return self.label or self.action


def _notice_imported(w):
    example = Path(__file__).resolve().parents[1] / "procurement" / "eforms_examples" / "cn-social_24.xml"
    year = timezone.now().year + 1
    data = example.read_bytes().replace(b"<cbc:EndDate>2020-", f"<cbc:EndDate>{year}-".encode())
    notice = procurement.eforms.parse_notice(data)
    tender = procurement.eforms.imports.tender_import_from_notice(notice=notice, actor=w.officer)
    return Expect(w.officer, tender, {"kind": "cn-social", "notice": "76c82dad-10b1-4e6a-9326-9312b4bf9baf"})


CS, PS, PL, PO = companies.services, procurement.services, placements.services, policies.services
CAL = asfportal.core.calendars.services
# fmt: off
CASES = [
    Case(CS.company_register, "companies.company.registered", _company_registered),
    Case(CS.company_apply, "companies.company.applied", _company_applied),
    Case(CS.representative_invite, "companies.representative.invited", _representative_invited),
    Case(CS.invitation_accept, "companies.representative.activated", _representative_activated),
    Case(CS.company_update_profile, "companies.company.profile_updated", _profile_updated),
    Case(CS.company_contacts_replace, "companies.company.contacts_updated", _contacts_updated),
    Case(CS.change_request_submit, "companies.change_request.submitted", _change_request),
    Case(CS.change_request_decide, "companies.change_request.approved", lambda w: _change_request(w, True)),
    Case(CS.change_request_decide, "companies.change_request.rejected", lambda w: _change_request(w, False)),
    Case(CS.assessment_record, "companies.assessment.recorded", _assessed, "company verified by an assessment"),
    Case(CS.company_close, "companies.company.closed", _closed),
    Case(CS.companies_lapse, "companies.company.lapsed", _lapsed),
    Case(PS.tender_save_draft, "procurement.tender.draft_saved", _draft_created, "tender created"),
    Case(PS.tender_save_draft, "procurement.tender.draft_saved", _draft_updated, "tender updated"),
    Case(PS.tender_add_document, "procurement.tender.document_added", _document_added),
    Case(PS.tender_publish, "procurement.tender.published", _published),
    Case(PS.tender_watch, "procurement.tender.watched", _watched),
    Case(PS.tender_unwatch, "procurement.tender.unwatched", _unwatched),
    Case(PS.tender_amend, "procurement.tender.amended", _amended),
    Case(PS.question_ask, "procurement.question.asked", lambda w: _question(w, answer=False)),
    Case(PS.question_answer, "procurement.question.answered", lambda w: _question(w, answer=True)),
    Case(PS.submission_submit, "procurement.submission.submitted", _submitted, "answer submitted"),
    Case(PS.submission_submit, "procurement.submission.replaced", _replaced, "answer replaced"),
    Case(PS.submission_decline, "procurement.submission.declined", _declined),
    Case(PS.tenders_close_due, "procurement.tender.closed", _tender_closed),
    Case(PS.tender_award, "procurement.tender.awarded", _awarded),
    Case(PS.award_sign, "procurement.award.signed", _award_signed),
    Case(PS.tender_cancel, "procurement.tender.cancelled", _cancelled),
    Case(PS.saved_search_create, "procurement.saved_search.created", lambda w: _saved_search(w, False)),
    Case(PS.saved_search_delete, "procurement.saved_search.deleted", lambda w: _saved_search(w, True)),
    Case(PL.offer_save, "placements.offer.saved", lambda w: _offer_saved(w, False), "offer created"),
    Case(PL.offer_save, "placements.offer.saved", lambda w: _offer_saved(w, True), "offer updated"),
    Case(PL.participant_register, "placements.participant.registered", _participant_registered),
    Case(PL.consent_withdraw, "placements.consent.withdrawn", _consent_withdrawn),
    Case(PL.placement_create, "placements.placement.created", _placement_created),
    Case(PL.placement_start, "placements.placement.started", _placement_started),
    Case(PL.follow_up_record, "placements.follow_up.recorded", _follow_up_recorded),
    Case(PL.follow_up_record, "placements.follow_up.edited", _follow_up_edited, "follow-up note changed"),
    Case(PL.placement_end, "placements.placement.ended", lambda w: _placement_ended(w, False)),
    Case(PL.placement_end, "placements.placement.interrupted", lambda w: _placement_ended(w, True)),
    Case(PL.participant_erase, "placements.participant.erased", _participant_erased),
    Case(PL.participants_anonymise, "placements.participants.anonymised", _participants_anonymised),
    Case(PO.contact_save, "policies.contact.saved", lambda w: _contact_saved(w, False), "contact created"),
    Case(PO.contact_save, "policies.contact.saved", lambda w: _contact_saved(w, True), "contact updated"),
    Case(PO.contact_delete, "policies.contact.deleted", _contact_deleted),
    Case(PO.policy_save, "policies.policy.saved", _policy_saved),
    Case(PO.plan_save, "policies.plan.saved", lambda w: _plan_saved(w, False), "action plan and goal created"),
    Case(PO.plan_save, "policies.plan.saved", lambda w: _plan_saved(w, True), "action plan updated, goal added"),
    Case(PO.activity_save, "policies.activity.saved", lambda w: _activity_saved(w, False), "activity created"),
    Case(PO.activity_save, "policies.activity.saved", lambda w: _activity_saved(w, True), "activity updated"),
    Case(PO.goal_save, "policies.goal.renamed", _goal_renamed),
    Case(PO.goal_delete, "policies.goal.deleted", _goal_deleted),
    Case(PO.activity_delete, "policies.activity.deleted", _activity_deleted),
    Case(PO.progress_record, "policies.activity.progress", _progress),
    Case(PO.activity_followup_save, "policies.activity.followup_saved", _followup_saved,
         "indicator and milestone added, indicator deleted"),
    Case(PO.contract_total_save, "policies.contract_total.saved", _contract_total),
    Case(PO.report_request, "policies.report.requested", lambda w: _report(w, build=False)),
    Case(PO.report_build, "policies.report.generated", lambda w: _report(w, build=True)),
    Case(asfportal.core.services.accessibility_report_create, "core.accessibility_report.created",
         _accessibility_report),
    Case(procurement.eforms.imports.tender_import_from_notice, "procurement.tender.imported", _notice_imported),
    Case(asfportal.accounts.services.user_language_set, "accounts.user.language_changed", _language_set),
    Case(CS.colleague_invite, "companies.representative.invited", _colleague_invited, "colleague invited (new)"),
    Case(CS.colleague_invite, "companies.representative.invited_by_colleague", _colleague_added, "colleague added"),
    Case(CS.colleague_remove, "companies.representative.removed", _colleague_removed),
    Case(PL.consent_renew, "placements.consent.renewed", _consent_renewed),
    Case(PL.placement_sus_record, "placements.placement.sus_registered", _sus_registered),
    Case(PL.placement_sus_record, "placements.placement.sus_deregistered", _sus_deregistered),
    Case(PO.board_report_record, "policies.board_report.recorded", _board_report_recorded),
    Case(PS.tenders.tender_watches_hand_over, "procurement.tender.watches_handed_over", _watches_handed_over),
    Case(asfportal.accounts.services.introduction_dismiss, "accounts.introduction.dismissed", _introduction_dismissed),
    Case(CAL.calendar_feed_renew, "core.calendar_feed.created", lambda w: _calendar_feed(w, action="created")),
    Case(CAL.calendar_feed_renew, "core.calendar_feed.renewed", lambda w: _calendar_feed(w, action="renewed")),
    Case(CAL.calendar_feed_revoke, "core.calendar_feed.revoked", lambda w: _calendar_feed(w, action="revoked")),
]
# fmt: on

# Public functions of the services modules that change nothing, or change state only by calling one that audits.
NOT_STATE_CHANGES = {
    CS.company_check: "a check (the model's rules, for the forms and the import preview)",
    PS.exceeds_eu_threshold: "a check",
    PS.check_eligibility: "a check",
    PS.submissions.new_receipt_id: "makes a receipt id",
    PS.tenders.extend_for_substantial_change: "moves a deadline in memory for the service that audits the change",
    PS.tenders.clean_only: "a check",
    PS.fanout.officers_of: "a read",
    PS.fanout.followers: "a read",
    PS.fanout.bidders: "a read",
    PS.fanout.notify_bidders: "notifications of an award the calling service audits",
    PS.fanout.search_matches: "a check",
    PS.fanout.notify_followers: "notifications of a change the calling service audits",
    PS.fanout.notify_officers: "notifications of a change the calling service audits",
    PS.fanout.notify_matching: "notifications of a change the calling service audits",
    PS.ocds.ocds_release_add: "the OCDS release of a change the calling service audits, in its transaction",
    PS.ocds.ocds_releases_backfill: "derived open data for tenders that went through no service (migration, seed)",
    PS.ocds.tenders_for_releases: "a read",
    PS.ocds.stages: "a read",
    PL.log_access: "writes the participant access log itself, the GDPR record of every view and change",
    PL.has_valid_consent: "a check",
    PL.participant_export: "a read, recorded in the participant access log",
    PL.log_list_export: "writes the participant access log of an exported list, the GDPR record, not the trail",
    PL.support_measure_is_forbund: "a check",
    PL.months_before: "date arithmetic for the retention time",
    PO.reports_january_run: "queues report_request, which audits each report",
    asfportal.core.services.heartbeat_record: "a worker's sign of life, which is itself a log",
    CS.colleague_remove_blockers: "a check",
    PS.tenders.tender_watches_held: "a read",
}


def test_every_service_that_changes_state_has_a_row_here():
    # procurement.services is a package split by entity: every module of it is checked.
    procurement_modules = [
        importlib.import_module(f"procurement.services.{info.name}")
        for info in pkgutil.iter_modules(PS.__path__)
    ]
    modules = [CS, PS, *procurement_modules, PL, PO, asfportal.core.services, CAL]
    public = {
        function
        for module in modules
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and not name.startswith("_")
    }
    covered = {case.service for case in CASES} | set(NOT_STATE_CHANGES)
    missing = sorted(f"{f.__module__}.{f.__name__}" for f in public - covered)
    assert missing == [], f"Services without a row in CASES (or a reason in NOT_STATE_CHANGES): {missing}"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_change_leaves_an_entry_with_actor_action_object_and_time(request, case):
    started = timezone.now()
    expected = case.act(World(request))
    entry = AuditEntry.objects.filter(action=case.action).latest("pk")
    assert started <= entry.at <= timezone.now()
    assert entry.actor == expected.actor
    if expected.obj is None:
        assert (entry.object_type, entry.object_id, entry.object_repr) == ("", "", "")
    else:
        label, pk = (
            expected.obj
            if isinstance(expected.obj, tuple)
            else (expected.obj._meta.label_lower, expected.obj.pk)
        )
        assert (entry.object_type, entry.object_id) == (label, str(pk))
        assert entry.object_repr
    for key, value in (expected.data or {}).items():
        assert entry.data.get(key) == value, f"{case.action}: data[{key!r}] is {entry.data.get(key)!r}"


def test_participant_entries_hold_no_personal_data_not_even_the_pseudonym(request):
    """Erasure and anonymisation clear the participant; the audit trail, kept as evidence, must never have held
    the code, initials or birth year (or placement goals, notes and reasons) in the first place."""
    w = World(request)
    coordinator = w.coordinator
    participant = placements.services.participant_register(
        organisation=coordinator.organisation, fields={"initials": "Q.X.", "birth_year": 1957},
        consent={"given_on": TODAY, "scope": "Arbetsträning"}, actor=coordinator,
    )  # fmt: skip
    w.participant = participant
    placement = w.placement(started=True)
    follow_up = placement.follow_ups.filter(kind=FollowUp.Kind.REGULAR).first()
    placements.services.follow_up_record(
        follow_up=follow_up, held_on=TODAY, note="Trivs i köket, vill gå ner i tid.", actor=coordinator
    )
    w.end(placement, interrupted=False)
    placements.services.consent_withdraw(participant=participant, actor=coordinator)
    placements.services.participant_erase(participant=participant, actor=coordinator)

    entries = AuditEntry.objects.filter(action__startswith="placements.")
    actions = set(entries.values_list("action", flat=True))
    assert {"placements.participant.registered", "placements.placement.created", "placements.placement.started",
            "placements.follow_up.recorded", "placements.placement.ended", "placements.consent.withdrawn",
            "placements.participant.erased"} <= actions  # fmt: skip
    personal = [participant.code, "Q.X.", "Trivs i köket", "Fick anställning", "Arbetsträning"]
    for entry in entries:
        text = json.dumps([entry.object_repr, entry.object_id, entry.data], ensure_ascii=False)
        assert not [p for p in personal if p in text], f"{entry.action}: {text}"
        assert 1957 not in _values(entry.data), f"{entry.action}: {entry.data}"


def _values(data):
    if isinstance(data, dict):
        return [v for value in data.values() for v in _values(value)]
    if isinstance(data, list):
        return [v for value in data for v in _values(value)]
    return [data]


def test_an_answer_entry_holds_no_part_of_the_answer(request):
    w = World(request)
    tender = w.open_tender
    procurement.services.submission_submit(
        tender=tender, company=w.company, message=SECRET_ANSWER, occupied=10, in_target_group=6, actor=w.rep,
        document=SimpleUploadedFile("anbud-stadkraft.pdf", b"%PDF-1.4 hemligt"),
    )  # fmt: skip
    entry = AuditEntry.objects.get(action="procurement.submission.submitted")
    assert entry.data == {"company": w.company.pk}  # who answered (the evidence), never what
    assert (entry.object_type, entry.object_id) == ("procurement.tender", str(tender.pk))
    text = json.dumps([entry.object_repr, entry.data], ensure_ascii=False)
    assert SECRET_ANSWER not in text and "anbud-stadkraft" not in text


# --- The administrator's view of the trail ------------------------------------------------------------------------


CHANGELIST = "admin:core_auditentry_changelist"


@pytest.fixture
def entries(coordinator, officer):
    tender = TenderFactory(buyer=officer.organisation, created_by=officer, title="Städning av Navets skola")
    procurement.services.tender_publish(tender=tender, actor=officer)
    company = companies.services.company_register(fields=_company_fields(), actor=coordinator)
    return tender, company


def test_the_administrator_sees_entries_and_filters_them_by_action_object_type_actor_and_date(
    client, admin_user, officer, coordinator, entries
):
    tender, company = entries
    client.force_login(admin_user)
    url = reverse(CHANGELIST)
    page = client.get(url).content.decode()
    assert "procurement.tender.published" in page and "companies.company.registered" in page
    assert tender.title in page and company.name in page

    def listed(**query):
        response = client.get(url, query)
        assert response.status_code == 200
        return {entry.action for entry in response.context["cl"].result_list}

    assert listed(action="procurement.tender.published") == {"procurement.tender.published"}
    assert listed(object_type="companies.company") == {"companies.company.registered"}
    assert listed(actor__id__exact=coordinator.pk) == {"companies.company.registered"}
    assert listed(q=officer.email) == {"procurement.tender.published"}
    assert listed(q="Navets") == {"procurement.tender.published"}
    # The date filter's own links ("Today"): aware times, as the admin writes them.
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = {"at__gte": str(midnight), "at__lt": str(midnight + timedelta(days=1))}
    assert listed(**today) == {"procurement.tender.published", "companies.company.registered"}
    assert listed(at__gte=str(midnight + timedelta(days=1))) == set()
    assert listed(at__year=TODAY.year, at__month=TODAY.month) >= {
        "procurement.tender.published"
    }  # date hierarchy
    # The filters offered on the page: action, object type, actor, date.
    offered = {spec.title for spec in client.get(url).context["cl"].filter_specs}
    assert len(offered) == 4


def test_no_one_can_add_change_or_delete_an_entry_not_even_an_administrator(client, admin_user, entries):
    client.force_login(admin_user)
    entry = AuditEntry.objects.get(action="procurement.tender.published")
    change = reverse("admin:core_auditentry_change", args=[entry.pk])
    delete = reverse("admin:core_auditentry_delete", args=[entry.pk])
    assert client.get(reverse("admin:core_auditentry_add")).status_code == 403
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.post(change, {"action": "forged", "object_repr": "forged"}).status_code == 403
    page = client.get(change)
    assert page.status_code == 200  # readable
    html = page.content.decode()
    assert 'name="_save"' not in html and delete not in html
    listing = client.get(reverse(CHANGELIST)).content.decode()
    assert reverse("admin:core_auditentry_add") not in listing and 'name="action"' not in listing
    bulk = client.post(
        reverse(CHANGELIST), {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302)
    entry.refresh_from_db()
    assert entry.action == "procurement.tender.published" and AuditEntry.objects.filter(pk=entry.pk).exists()


def test_changes_made_in_the_admin_are_audited_too(client, admin_user):
    company = CompanyFactory(name="Gamla namnet ekonomisk förening")
    client.force_login(admin_user)
    url = reverse("admin:companies_company_change", args=[company.pk])
    data = _admin_form_data(client.get(url))
    data["name"] = "Nya namnet ekonomisk förening"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    entry = AuditEntry.objects.get(action="companies.company.admin_changed")
    assert (entry.actor, entry.object_id) == (admin_user, str(company.pk))
    assert "changed" in entry.data["change"][0]

    representative = RepresentativeFactory(company=company)
    delete = reverse("admin:companies_representative_delete", args=[representative.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    entry = AuditEntry.objects.get(action="companies.representative.admin_deleted")
    assert (entry.actor, entry.object_id) == (admin_user, str(representative.pk))


def _admin_form_data(response) -> dict:
    """The POST a browser would send from an admin change page left as it is."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = field.prepare_value(form[name].value())
        if value is None or value is False:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
    return data


def test_an_admin_action_that_changes_rows_is_audited(client, admin_user, coordinator):
    note = notifications.notify(
        recipient=coordinator, kind="policies.review_due", context={"policy": _Policy()}
    )
    Notification.objects.filter(pk=note.pk).update(state=Notification.State.FAILED, attempts=5)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:core_notification_changelist"), {"action": "retry_now", "_selected_action": [note.pk]}
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="core.notification.retried")
    assert (entry.actor, entry.data) == (admin_user, {"count": 1})


class _Policy:
    title = "Policy för ASF"
    review_on = None


def test_a_company_and_a_tender_page_in_the_admin_link_to_their_entries(client, admin_user, entries):
    tender, company = entries
    client.force_login(admin_user)
    for obj, action in ((company, "companies.company.registered"), (tender, "procurement.tender.published")):
        admin_url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        html = client.get(admin_url).content.decode()
        link = f"{reverse(CHANGELIST)}?object_type={obj._meta.label_lower}&amp;object_id={obj.pk}"
        assert link in html
        listed = client.get(link.replace("&amp;", "&")).context["cl"].result_list
        assert [entry.action for entry in listed] == [action]


# --- Sealed answers: no admin page shows them before the deadline -----------------------------------------------


def _relates_to(model, target) -> bool:
    return any(
        isinstance(field, ForeignKey | OneToOneField | ManyToManyField) and field.related_model is target
        for field in model._meta.get_fields()
        if field.concrete
    )


def test_no_admin_page_is_built_on_answers():
    """Submission holds an answer's message and document; nothing in the admin lists it, or a model pointing at it,
    inline or on its own; and no change history copies it."""
    assert Submission not in admin.site._registry
    for model, model_admin in admin.site._registry.items():
        assert not _relates_to(model, Submission), f"{model._meta.label} points at answers"
        for inline in model_admin.inlines:
            assert inline.model is not Submission and not _relates_to(inline.model, Submission), model_admin
    assert not hasattr(Submission, "history")
    assert not [
        m for m in apps.get_models() if _relates_to(m, Submission) and m._meta.app_label == "simple_history"
    ]
    assert not [m for m in apps.get_models() if m.__name__ == "HistoricalSubmission"]


@pytest.fixture
def sealed(request):
    """An answer to a tender whose deadline has not passed, with a document."""
    w = World(request)
    tender = w.open_tender
    procurement.services.submission_submit(
        tender=tender, company=w.company, message=SECRET_ANSWER, occupied=10, in_target_group=6, actor=w.rep,
        document=SimpleUploadedFile("anbud-stadkraft.pdf", b"%PDF-1.4 hemligt"),
    )  # fmt: skip
    return w, tender, Submission.objects.get(tender=tender)


def _admin_page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_no_admin_page_of_the_tender_company_or_answering_user_shows_the_sealed_answer(
    client, admin_user, sealed
):
    w, tender, submission = sealed
    client.force_login(admin_user)
    secrets = [SECRET_ANSWER, "anbud-stadkraft", str(submission)]
    pages = {
        # On the tender's pages: not who answered.
        "tender": (tender, [w.company.name, *secrets]),
        # On the company's and the answering person's pages: not which tender they answered.
        "company": (w.company, [tender.title, *secrets]),
        "user": (w.rep, [tender.title, *secrets]),
    }
    for obj, hidden in pages.values():
        info = f"admin:{obj._meta.app_label}_{obj._meta.model_name}"
        for page in ("change", "history", "delete"):
            html = _admin_page(client, reverse(f"{info}_{page}", args=[obj.pk]))
            leaked = [text for text in hidden if text in html]
            assert leaked == [], f"{page} page of {obj._meta.label} shows {leaked}"
    # The deletion is still refused (answers protect the tender), and says so without naming them.
    delete = reverse("admin:procurement_tender_delete", args=[tender.pk])
    protected = [str(entry) for entry in client.get(delete).context["protected"]]
    # The answers, and the tender's published OCDS release (open data is never taken back), named without the
    # company.
    assert len(protected) == 2 and not any(w.company.name in entry for entry in protected)
    assert sum(entry.startswith("OCDS-release: ") for entry in protected) == 1
    confirmed = client.post(delete, {"post": "yes"})  # Django shows the refusal again and deletes nothing
    assert confirmed.status_code == 200 and w.company.name not in confirmed.content.decode()
    assert Tender.objects.filter(pk=tender.pk).exists()
    # The bulk deletion of companies summarises the same way.
    bulk = client.post(reverse("admin:companies_company_changelist"),
                       {"action": "delete_selected", "_selected_action": [w.company.pk]})  # fmt: skip
    assert bulk.status_code == 200 and tender.title not in bulk.content.decode()
    assert Submission.objects.filter(pk=submission.pk).exists()


def test_the_audit_trail_shows_who_answered_only_after_the_deadline(client, admin_user, sealed):
    w, tender, _submission = sealed
    client.force_login(admin_user)
    entry = AuditEntry.objects.get(action="procurement.submission.submitted")
    listing = reverse(CHANGELIST)
    html = _admin_page(client, listing)
    assert "procurement.submission.submitted" not in html
    assert _admin_page(client, f"{listing}?q={w.rep.email}").count("procurement.submission") == 0
    response = client.get(reverse("admin:core_auditentry_change", args=[entry.pk]))
    assert response.status_code == 302 and response.url == reverse("admin:index")  # "does not exist"
    tender_page = reverse("admin:procurement_tender_change", args=[tender.pk])
    assert f'object_id={tender.pk}">0 ' in _admin_page(
        client, tender_page
    )  # the link does not count it either

    Tender.objects.filter(pk=tender.pk).update(submission_deadline_at=timezone.now() - timedelta(seconds=1))
    assert "procurement.submission.submitted" in _admin_page(client, listing)
    assert _admin_page(client, reverse("admin:core_auditentry_change", args=[entry.pk]))
    assert f'object_id={tender.pk}">1 ' in _admin_page(client, tender_page)


def test_the_administrators_dashboard_shows_who_answered_only_after_the_deadline(client, admin_user, sealed):
    w, tender, _submission = sealed
    client.force_login(admin_user)
    dashboard = reverse("accounts:dashboard-administrator")
    html = client.get(dashboard).content.decode()
    # The dashboard names events in words (core/audit_labels.py): "Anbud lämnat" for procurement.submission.submitted.
    assert "Anbud lämnat" not in html and w.rep.full_name not in html
    Tender.objects.filter(pk=tender.pk).update(submission_deadline_at=timezone.now() - timedelta(seconds=1))
    assert "Anbud lämnat" in client.get(dashboard).content.decode()


def test_the_administrator_cannot_open_an_answer_through_the_portal_before_the_deadline(
    client, admin_user, sealed
):
    _w, tender, submission = sealed
    client.force_login(admin_user)
    detail = reverse("procurement:submission-detail", args=[submission.pk])
    for url in (detail, f"{detail}?download=1", reverse("procurement:tender-manage", args=[tender.pk])):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert SECRET_ANSWER not in response.content.decode()


def test_an_administrator_made_officer_of_the_buyer_still_cannot_read_it_before_the_deadline(
    client, admin_user, sealed
):
    """Even an administrator who gives themself the buyer's officer role meets the seal."""
    w, tender, submission = sealed
    officer = UserFactory(
        role="procurement_officer", organisation=tender.buyer, is_staff=True, is_superuser=True
    )
    client.force_login(officer)
    assert client.get(reverse("procurement:submission-detail", args=[submission.pk])).status_code == 403
    html = _admin_page(client, reverse("procurement:tender-manage", args=[tender.pk]))
    assert SECRET_ANSWER not in html and w.company.name not in html
