"""Every placement rule, tried on every path into it: the service, and the page a person uses (form view). The
same sentences come back on both, beside the same field where a field is concerned, and nothing is saved.

Offers, participants and placements are not in the admin (placements/admin.py says why), and there is no import
of them, so the service and the form view are all the paths there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from asfportal.core.exceptions import DomainError
from placements import services
from placements.models import FollowUp, Offer, Placement
from tests.companies.factories import CompanyFactory, RepresentativeFactory
from tests.placements.factories import OfferFactory, ParticipantFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PERSONNUMMER = "19811218-9876"


class World:
    def __init__(self, coordinator):
        self.coordinator = coordinator
        self.rep = RepresentativeFactory(company=CompanyFactory(verified=True)).user
        self.offer = OfferFactory(company=self.rep.representation.company, places=2)
        self.participant = ParticipantFactory(organisation=coordinator.organisation)
        self.running = self.place(self.participant, start=TODAY - timedelta(days=30))
        services.placement_start(placement=self.running, actor=coordinator)
        self.running.refresh_from_db()

    def place(self, participant, start, days=60, **extra):
        fields = {"support_measure": "af_work_training", "start_on": start,
                  "planned_end_on": start + timedelta(days=days), "hours_per_week": 20, **extra}  # fmt: skip
        return services.placement_create(participant=participant, offer=self.offer, fields=fields,
                                         actor=self.coordinator)  # fmt: skip

    def offer_data(self, **changes) -> dict:
        o = self.offer
        data = {"work_area": o.work_area_id, "tasks": o.tasks, "places": o.places, "hours_per_week": o.hours_per_week,
                "supervisor": o.supervisor, "municipality": o.municipality_id, "location": "",
                "available_from": o.available_from, "is_published": "on"}  # fmt: skip
        data.update(changes)
        return {k: v for k, v in data.items() if v is not None}

    def offer_fields(self, **changes) -> dict:
        return {"places": self.offer.places, **changes}

    def placement_data(self, **changes) -> dict:
        data = {"offer": self.offer.pk, "support_measure": "af_work_training", "start_on": TODAY + timedelta(days=40),
                "planned_end_on": TODAY + timedelta(days=50), "hours_per_week": 20, "supervisor": "", "goals": ""}  # fmt: skip
        return data | changes

    def placement_fields(self, **changes) -> dict:
        data = self.placement_data(**changes)
        data.pop("offer")
        return data

    def end_data(self, **changes) -> dict:
        return {"ended_on": TODAY, "outcome": "work_at_asf", "end_reason": "Anställd", "income_after": "wage",
                "occupation_after": "work"} | changes  # fmt: skip


@dataclass
class Rule:
    name: str
    setup: Any  # (world) -> the object the rule is tried on
    service: Any  # (world, target) -> None, raises DomainError
    url: Any  # (world, target) -> (url name, args)
    data: Any  # (world, target) -> POST data
    field: str | None = None  # the field the sentence belongs beside; None: at the top or as a message


def _participant(w):
    return ParticipantFactory(organisation=w.coordinator.organisation)


def _withdrawn(w):
    participant = _participant(w)
    services.consent_withdraw(participant=participant, actor=w.coordinator)
    return participant


def _second_booking(w):
    w.place(_participant(w), start=TODAY)
    return w.offer


def _planned_ahead(w):
    return w.place(_participant(w), start=TODAY + timedelta(days=5))


def _ended_89_days_ago(w):
    placement = w.place(_participant(w), start=TODAY - timedelta(days=200))
    services.placement_start(placement=placement, actor=w.coordinator)
    services.placement_end(placement=placement, fields=w.end_data(ended_on=TODAY - timedelta(days=89)),
                           interrupted=False, actor=w.coordinator)  # fmt: skip
    return placement.follow_ups.get(kind=FollowUp.Kind.AFTER_90_DAYS)


def _save_offer(w, **fields):
    services.offer_save(offer=w.offer, company=w.offer.company, fields=fields, actor=w.rep)


def _end(w, **changes):
    services.placement_end(
        placement=w.running, actor=w.coordinator, interrupted=False, fields=w.end_data(**changes)
    )


def _offer(w):
    return w.offer


def _running(w):
    return w.running


EDIT = lambda w, t: ("offer-edit", [w.offer.pk])  # noqa: E731
PLACE = lambda w, t: ("placement-create", [t.pk])  # noqa: E731
END = lambda w, t: ("placement-end", [w.running.pk])  # noqa: E731
RECORD = lambda w, t: ("follow-up-record", [t.pk])  # noqa: E731
BEFORE = TODAY - timedelta(days=1001)

RULES = [
    Rule("offer hours per week above zero", _offer, lambda w, t: _save_offer(w, hours_per_week=0), EDIT,
         lambda w, t: w.offer_data(hours_per_week=0), "hours_per_week"),
    Rule("offer period in order", _offer, lambda w, t: _save_offer(w, available_to=BEFORE), EDIT,
         lambda w, t: w.offer_data(available_to=BEFORE), "available_to"),
    Rule("offer places not below the bookings", _second_booking, lambda w, t: _save_offer(w, places=1), EDIT,
         lambda w, t: w.offer_data(places=1)),
    Rule("offer not ended while placements run", _offer, lambda w, t: _save_offer(w, available_to=TODAY), EDIT,
         lambda w, t: w.offer_data(available_to=TODAY)),
    Rule("offer not unpublished while placements run", _offer, lambda w, t: _save_offer(w, is_published=False),
         EDIT, lambda w, t: w.offer_data(is_published=None)),
    Rule("offer text without personnummer", _offer, lambda w, t: _save_offer(w, tasks=f"Ring {PERSONNUMMER}"),
         EDIT, lambda w, t: w.offer_data(tasks=f"Ring {PERSONNUMMER}"), "tasks"),
    Rule("placement hours per week above zero", _participant,
         lambda w, t: w.place(t, start=TODAY + timedelta(days=40), days=10, hours_per_week=0), PLACE,
         lambda w, t: w.placement_data(hours_per_week=0), "hours_per_week"),
    Rule("placement planned end after the start", _participant,
         lambda w, t: w.place(t, start=TODAY + timedelta(days=40), days=-1), PLACE,
         lambda w, t: w.placement_data(planned_end_on=TODAY + timedelta(days=39)), "planned_end_on"),
    Rule("placement goals without personnummer", _participant,
         lambda w, t: w.place(t, start=TODAY + timedelta(days=40), days=10, goals=PERSONNUMMER), PLACE,
         lambda w, t: w.placement_data(goals=PERSONNUMMER), "goals"),
    Rule("no placement without consent", _withdrawn, lambda w, t: w.place(t, start=TODAY + timedelta(days=40), days=10),
         PLACE, lambda w, t: w.placement_data()),
    Rule("no overlapping placement", _running,
         lambda w, t: w.place(w.participant, start=TODAY + timedelta(days=2), days=5),
         lambda w, t: ("placement-create", [w.participant.pk]),
         lambda w, t: w.placement_data(start_on=TODAY + timedelta(days=2), planned_end_on=TODAY + timedelta(days=7))),
    Rule("no start before the planned day", _planned_ahead,
         lambda w, t: services.placement_start(placement=t, actor=w.coordinator),
         lambda w, t: ("placement-start", [t.pk]), lambda w, t: {}),
    Rule("no end before the start", _running, lambda w, t: _end(w, ended_on=t.start_on - timedelta(days=1)), END,
         lambda w, t: w.end_data(ended_on=t.start_on - timedelta(days=1))),
    Rule("no end date ahead", _running, lambda w, t: _end(w, ended_on=TODAY + timedelta(days=1)), END,
         lambda w, t: w.end_data(ended_on=TODAY + timedelta(days=1))),
    Rule("end reason without personnummer", _running, lambda w, t: _end(w, end_reason=PERSONNUMMER), END,
         lambda w, t: w.end_data(end_reason=PERSONNUMMER), "end_reason"),
    Rule("follow-up note without personnummer", lambda w: w.running.follow_ups.first(),
         lambda w, t: services.follow_up_record(follow_up=t, held_on=TODAY, note=PERSONNUMMER, actor=w.coordinator),
         RECORD, lambda w, t: {"held_on": TODAY, "note": PERSONNUMMER}, "note"),
    Rule("outcome after 90 days from day 90 only", _ended_89_days_ago,
         lambda w, t: services.follow_up_record(follow_up=t, held_on=TODAY, note="", outcome_90="studies",
                                                actor=w.coordinator),
         RECORD, lambda w, t: {"held_on": TODAY, "note": "", "outcome_90": "studies"}),
]  # fmt: skip


def _state() -> tuple:
    return (
        list(Offer.objects.order_by("pk").values()),
        list(Placement.objects.order_by("pk").values()),
        list(FollowUp.objects.order_by("pk").values()),
    )


def _sentences(error: DomainError, field: str | None) -> list[str]:
    if field:
        return error.field_errors[field]
    return error.reasons or [t for texts in error.field_errors.values() for t in texts]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_each_rule_refuses_the_same_on_the_service_and_the_form(client, coordinator, rule):
    w = World(coordinator)
    target = rule.setup(w)
    before = _state()
    with translation.override("sv"), pytest.raises(DomainError) as error:
        rule.service(w, target)
    expected = _sentences(error.value, rule.field)
    assert expected, rule.name
    assert _state() == before, f"{rule.name}: the service saved something"

    # The page, on the same data (the service left nothing behind), with the same input typed into the form.
    name, args = rule.url(w, target)
    client.force_login(w.rep if name.startswith("offer") else coordinator)
    response = client.post(reverse(f"placements:{name}", args=args), rule.data(w, target), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    for sentence in expected:
        assert escape(sentence) in html, f"{rule.name}: {sentence!r} is not on the page"
    if rule.field:
        beside = response.context["form"].errors.get(rule.field, [])
        assert set(expected) <= set(beside), f"{rule.name}: {expected} not beside {rule.field}: {beside}"
    assert _state() == before, f"{rule.name}: the page saved something"
