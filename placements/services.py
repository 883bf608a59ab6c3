"""Every state change of offers, participants and placements: atomic, audited, DomainError on a broken rule."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from asfportal.accounts.models import User
from asfportal.core.audit import audit
from asfportal.core.exceptions import DomainError, clean_or_raise
from companies.models import Company

from .models import AccessLogEntry, Consent, FollowUp, Offer, Participant, Placement, SupportMeasure


@transaction.atomic
def offer_save(*, offer: Offer | None, company, fields: dict[str, Any], actor: User) -> Offer:
    """Publish or change a company's work-training offer."""
    offer = offer or Offer(company=company)
    for name, value in fields.items():
        setattr(offer, name, value)
    clean_or_raise(offer)
    offer.save()
    audit(actor, "placements.offer.saved", offer)
    return offer


def _new_code(organisation) -> str:
    prefix = organisation.code or str(organisation.pk)
    return f"P-{prefix}-{secrets.token_hex(3).upper()}"


@transaction.atomic
def participant_register(
    *, organisation, fields: dict[str, Any], consent: dict[str, Any], actor: User
) -> Participant:
    """Register a pseudonymised participant with a generated code and the recorded consent."""
    participant = Participant(organisation=organisation, code=_new_code(organisation), **fields)
    clean_or_raise(participant)
    participant.save()
    record = Consent(participant=participant, recorded_by=actor, **consent)
    clean_or_raise(record)
    record.save()
    audit(actor, "placements.participant.registered", None, organisation=organisation.pk)
    log_access(participant=participant, user=actor, action="registered")
    return participant


def log_access(*, participant: Participant, user: User, action: str) -> None:
    """Every view or change of a participant record is logged (GDPR: special categories, least access)."""
    AccessLogEntry.objects.create(
        organisation_id=participant.organisation_id,
        participant_code=participant.code,
        user=user,
        action=action,
    )


def has_valid_consent(participant: Participant) -> bool:
    return participant.consents.filter(status=Consent.Status.GIVEN).exists()


@transaction.atomic
def consent_withdraw(*, participant: Participant, actor: User) -> None:
    """A withdrawn consent stops any further registration about the participant."""
    changed = participant.consents.filter(status=Consent.Status.GIVEN).update(
        status=Consent.Status.WITHDRAWN, ended_on=timezone.localdate()
    )
    if not changed:
        raise DomainError(_("There is no valid consent to withdraw."))
    audit(actor, "placements.consent.withdrawn", None, organisation=participant.organisation_id)
    log_access(participant=participant, user=actor, action="consent withdrawn")


def _overlapping(queryset, start: date, end: date):
    return queryset.filter(status__in=Placement.OPEN_STATUSES, start_on__lte=end, planned_end_on__gte=start)


@transaction.atomic
def placement_create(
    *, participant: Participant, offer: Offer, fields: dict[str, Any], actor: User
) -> Placement:
    """Place a participant at an offer; refuses overbooking and overlapping placements, naming the conflict."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    offer = Offer.objects.select_for_update().select_related("company").get(pk=offer.pk)
    if not has_valid_consent(participant):
        raise DomainError(_("The participant has no valid consent; nothing more may be registered."))
    start, end = fields["start_on"], fields["planned_end_on"]
    if end < start:
        raise DomainError(_("The planned end cannot come before the start."))
    if not Company.objects.listed().filter(pk=offer.company_id).exists():
        raise DomainError(_("The company is not a verified ASF right now; choose another place."))
    if start < offer.available_from or (offer.available_to and end > offer.available_to):
        raise DomainError(_("The dates fall outside the period the places are offered."))
    conflict = _overlapping(participant.placements.select_related("company"), start, end).first()
    if conflict:
        raise DomainError(
            _(
                "%(code)s already has a placement at %(company)s from %(start)s to %(end)s that overlaps these dates."
            )
            % {
                "code": participant.code,
                "company": conflict.company.name,
                "start": conflict.start_on,
                "end": conflict.planned_end_on,
            }
        )
    taken = _overlapping(offer.placements, start, end).count()
    if taken >= offer.places:
        raise DomainError(
            _("All %(places)s places of this offer are taken during these dates.") % {"places": offer.places}
        )
    placement = Placement(
        participant=participant,
        offer=offer,
        company=offer.company,
        referring_organisation=participant.organisation,
        **fields,
    )
    clean_or_raise(placement)
    placement.save()
    audit(actor, "placements.placement.created", placement)
    log_access(participant=participant, user=actor, action="placement created")
    return placement


@transaction.atomic
def placement_start(*, placement: Placement, actor: User) -> Placement:
    """Start a planned placement and book its follow-up meetings (every N weeks, by support measure)."""
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if placement.status != Placement.Status.PLANNED:
        raise DomainError(_("Only a planned placement can start."))
    if not has_valid_consent(placement.participant):
        raise DomainError(_("The participant has no valid consent; nothing more may be registered."))
    placement.status = Placement.Status.ACTIVE
    placement.save(update_fields=["status", "updated_at"])
    weeks = settings.PLACEMENT_FOLLOW_UP_WEEKS.get(
        placement.support_measure, settings.PLACEMENT_FOLLOW_UP_WEEKS_DEFAULT
    )
    due = placement.start_on + timedelta(weeks=weeks)
    while due <= placement.planned_end_on:
        FollowUp.objects.create(placement=placement, due_on=due)
        due += timedelta(weeks=weeks)
    audit(actor, "placements.placement.started", placement)
    return placement


@transaction.atomic
def follow_up_record(
    *, follow_up: FollowUp, held_on: date, note: str, actor: User, outcome_90: str = ""
) -> FollowUp:
    follow_up = (
        FollowUp.objects.select_for_update().select_related("placement__participant").get(pk=follow_up.pk)
    )
    if not has_valid_consent(follow_up.placement.participant):
        raise DomainError(_("The participant has no valid consent; nothing more may be registered."))
    if held_on > timezone.localdate():
        raise DomainError(_("A follow-up cannot be recorded as held in the future."))
    follow_up.held_on, follow_up.note = held_on, note
    clean_or_raise(follow_up)
    follow_up.save()
    if follow_up.kind == FollowUp.Kind.AFTER_90_DAYS:
        if not outcome_90:
            raise DomainError(_("Record the outcome 90 days after the end."))
        Placement.objects.filter(pk=follow_up.placement_id).update(outcome_90=outcome_90)
    audit(actor, "placements.follow_up.recorded", follow_up.placement)
    return follow_up


@transaction.atomic
def placement_end(
    *, placement: Placement, fields: dict[str, Any], interrupted: bool, actor: User
) -> Placement:
    """End (or interrupt) a placement: an outcome, the reason and income/occupation after are required."""
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if placement.status not in Placement.OPEN_STATUSES:
        raise DomainError(_("The placement has already ended."))
    missing = [
        name for name in ("outcome", "end_reason", "income_after", "occupation_after") if not fields.get(name)
    ]
    if missing or not fields.get("ended_on"):
        raise DomainError(
            _("To end a placement, give the date, the outcome, the reason and income and occupation after.")
        )
    if fields["ended_on"] < placement.start_on:
        raise DomainError(_("A placement cannot end before it started."))
    for name, value in fields.items():
        setattr(placement, name, value)
    placement.status = Placement.Status.INTERRUPTED if interrupted else Placement.Status.ENDED
    clean_or_raise(placement)
    placement.save()
    placement.follow_ups.filter(held_on__isnull=True, kind=FollowUp.Kind.REGULAR).delete()
    FollowUp.objects.create(
        placement=placement, kind=FollowUp.Kind.AFTER_90_DAYS, due_on=placement.ended_on + timedelta(days=90)
    )
    audit(actor, f"placements.placement.{placement.status}", placement, outcome=placement.outcome)
    return placement


def participant_export(*, participant: Participant, actor: User) -> dict:
    """Everything held on a participant: the register extract a data subject may ask for (GDPR art. 15)."""
    log_access(participant=participant, user=actor, action="exported")
    return {
        "participant": {
            "code": participant.code,
            "initials": participant.initials,
            "birth_year": participant.birth_year,
            "gender": participant.gender,
            "target_group": participant.target_group,
            "income_before": participant.income_before,
            "occupation_before": participant.occupation_before,
            "organisation": participant.organisation.name,
            "registered": participant.created_at.isoformat(),
        },
        "consents": [
            {
                "given_on": str(c.given_on),
                "scope": c.scope,
                "status": c.status,
                "sus_form_collected": c.sus_form_collected,
            }
            for c in participant.consents.all()
        ],
        "placements": [
            {
                "company": p.company.name,
                "support_measure": p.support_measure,
                "start_on": str(p.start_on),
                "planned_end_on": str(p.planned_end_on),
                "ended_on": str(p.ended_on) if p.ended_on else None,
                "status": p.status,
                "hours_per_week": p.hours_per_week,
                "goals": p.goals,
                "outcome": p.outcome,
                "outcome_90": p.outcome_90,
                "follow_ups": [
                    {
                        "due_on": str(f.due_on),
                        "held_on": str(f.held_on) if f.held_on else None,
                        "note": f.note,
                    }
                    for f in p.follow_ups.all()
                ],
            }
            for p in participant.placements.select_related("company").prefetch_related("follow_ups")
        ],
        "access_log": [
            {"at": e.at.isoformat(), "action": e.action}
            for e in AccessLogEntry.objects.filter(participant_code=participant.code)
        ],
    }


@transaction.atomic
def participant_erase(*, participant: Participant, actor: User) -> None:
    """Erase a participant on request; the log keeps that it happened, without personal data."""
    organisation_id, code = participant.organisation_id, participant.code
    participant.delete()
    AccessLogEntry.objects.filter(participant_code=code).update(participant_code="(raderad)")
    audit(actor, "placements.participant.erased", None, organisation=organisation_id)


@transaction.atomic
def participants_anonymise(*, today: date) -> int:
    """Anonymise participants whose last placement ended PLACEMENT_RETENTION_MONTHS ago (or who never had one).

    What identifies a person is cleared (initials, exact birth year becomes a five-year band start, consents, notes,
    goals); the placements and their outcomes stay, so statistics keep working.
    """
    cutoff = today - timedelta(days=30 * settings.PLACEMENT_RETENTION_MONTHS)
    stale = (
        Participant.objects.filter(anonymised_at__isnull=True)
        .exclude(
            placements__in=Placement.objects.filter(
                Q(status__in=Placement.OPEN_STATUSES) | Q(ended_on__gt=cutoff)
            )
        )
        .filter(created_at__date__lte=cutoff)
    )
    count = 0
    for participant in stale.select_for_update(skip_locked=True):
        participant.initials = ""
        participant.birth_year = (
            participant.birth_year - participant.birth_year % 5 if participant.birth_year else None
        )
        participant.target_group = ""
        participant.anonymised_at = timezone.now()
        participant.code = f"ANON-{secrets.token_hex(5).upper()}"
        participant.save()
        participant.consents.all().delete()
        Placement.objects.filter(participant=participant).update(goals="", supervisor="", end_reason="")
        FollowUp.objects.filter(placement__participant=participant).update(note="")
        count += 1
    if count:
        audit(None, "placements.participants.anonymised", None, count=count)
    return count


def support_measure_is_forbund(placement: Placement) -> bool:
    return placement.support_measure == SupportMeasure.FORBUND_PROJECT
