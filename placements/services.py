"""Every state change of offers, participants and placements: atomic, audited, DomainError on a broken rule.

The rules themselves live on the models (`Offer.change_blockers`, `Placement.start_blockers`, ...); a service locks
the row whose state moves, asks the model, and raises the reasons. An action that had already happened (a double
click, a resubmitted form) raises `AlreadyDone`, which the view shows as the result it is, never as an error.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from asfportal.accounts.models import User
from asfportal.core.audit import audit
from asfportal.core.exceptions import DomainError, clean_or_raise, raise_if
from companies.models import Company

from .models import (
    OUTCOME_FOLLOW_UP_DAYS,
    AccessLogEntry,
    Consent,
    FollowUp,
    FollowUpNote,
    Offer,
    Outcome,
    Participant,
    Placement,
    SupportMeasure,
)


class AlreadyDone(DomainError):
    """The action had already happened, e.g. the second of a double click; `result` is what the first made."""

    def __init__(self, message: str, *, result=None):
        super().__init__(message)
        self.result = result


def _save_once(instance, already: str) -> None:
    """Insert a row guarded by a unique key; a twin inserted meanwhile by a concurrent request is AlreadyDone."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise AlreadyDone(already) from error


@transaction.atomic
def offer_save(
    *, offer: Offer | None, company, fields: dict[str, Any], actor: User, submission_key: UUID | None = None
) -> Offer:
    """Publish or change a company's work-training offer. A change may not take away places, period or
    publication from the placements booked on it (Offer.change_blockers); a form sent twice saves once."""
    if offer is None:
        already = _("These places are already saved.")
        existing = Offer.objects.filter(company=company, submission_key=submission_key).first()
        if submission_key and existing:
            raise AlreadyDone(already, result=existing)
        offer = Offer(company=company, submission_key=submission_key)
    else:
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        already = ""
    # Asked of the offer as it is, before the new values are set; raised after the values' own checks, so a
    # typing error is shown beside its field first.
    blockers = offer.change_blockers(fields, at=timezone.localdate()) if offer.pk else []
    for name, value in fields.items():
        setattr(offer, name, value)
    clean_or_raise(offer)
    raise_if(blockers)
    if offer.pk is None:
        _save_once(offer, already)
    else:
        offer.save()
    audit(actor, "placements.offer.saved", offer)
    return offer


def _new_code(organisation) -> str:
    prefix = organisation.code or str(organisation.pk)
    return f"P-{prefix}-{secrets.token_hex(3).upper()}"


@transaction.atomic
def participant_register(
    *,
    organisation,
    fields: dict[str, Any],
    consent: dict[str, Any],
    actor: User,
    submission_key: UUID | None = None,
) -> Participant:
    """Register a pseudonymised participant with a generated code and the recorded consent; a form sent twice
    registers once. Every text is checked for personnummer (BaseModel.clean_fields)."""
    existing = Participant.objects.filter(organisation=organisation, submission_key=submission_key).first()
    if submission_key and existing:
        raise AlreadyDone(_("This participant is already registered."), result=existing)
    participant = Participant(
        organisation=organisation, code=_new_code(organisation), submission_key=submission_key, **fields
    )
    record = Consent(participant=participant, recorded_by=actor, **consent)
    errors = DomainError()
    for instance, prefix, exclude in ((participant, "", None), (record, "consent_", ["participant"])):
        try:
            clean_or_raise(instance, exclude=exclude)
        except DomainError as error:
            errors.reasons += error.reasons
            for name, texts in error.field_errors.items():
                errors.field_errors[prefix + name] = texts
    if errors.reasons or errors.field_errors:
        raise DomainError(errors.reasons, field_errors=errors.field_errors)
    _save_once(participant, _("This participant is already registered."))
    record.participant = participant
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


def log_list_export(*, participants: list[Participant], user: User) -> None:
    """A list exported to Excel is logged as an access to each participant in it, in one insert."""
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            organisation_id=p.organisation_id, participant_code=p.code, user=user, action="exported in a list"
        )
        for p in participants
    )


def has_valid_consent(participant: Participant) -> bool:
    return participant.has_valid_consent()


@transaction.atomic
def consent_withdraw(*, participant: Participant, actor: User) -> dict[str, int]:
    """Withdraw the participant's consent and carry it through: nothing more is registered about them, so active
    placements are interrupted (reason "samtycke återkallat", outcome not known), planned ones cancelled, and
    every follow-up not yet held is cancelled; no follow-up 90 days after is booked. Returns what was done."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if not participant.has_valid_consent() and participant.consents.filter(status=Consent.Status.WITHDRAWN):
        raise AlreadyDone(_("The consent is already withdrawn."))
    raise_if(participant.consent_withdraw_blockers())
    today = timezone.localdate()
    participant.consents.filter(status=Consent.Status.GIVEN).update(
        status=Consent.Status.WITHDRAWN, ended_on=today, updated_at=timezone.now()
    )
    with translation.override(settings.LANGUAGE_CODE):  # stored data is written in the portal's language
        reason = _("consent withdrawn")
    open_placements = list(
        Placement.objects.select_for_update().filter(
            participant=participant, status__in=Placement.OPEN_STATUSES
        )
    )
    done = {"interrupted": 0, "cancelled": 0}
    for placement in open_placements:
        placement.ended_on = (
            max(today, placement.start_on) if placement.status == Placement.Status.ACTIVE else today
        )
        placement.end_reason = reason
        if placement.status == Placement.Status.ACTIVE:
            placement.status, placement.outcome = Placement.Status.INTERRUPTED, Outcome.NOT_KNOWN
            done["interrupted"] += 1
        else:
            placement.status = Placement.Status.CANCELLED
            done["cancelled"] += 1
        clean_or_raise(placement)
        placement.save(update_fields=["status", "ended_on", "end_reason", "outcome", "updated_at"])
    done["follow_ups_cancelled"] = FollowUp.objects.filter(
        placement__participant=participant, held_on__isnull=True, cancelled_on__isnull=True
    ).update(cancelled_on=today, updated_at=timezone.now())
    audit(actor, "placements.consent.withdrawn", None, organisation=participant.organisation_id,
          placements=[p.pk for p in open_placements], **done)  # fmt: skip
    log_access(participant=participant, user=actor, action="consent withdrawn")
    return done


def _overlapping(queryset, start: date, end: date):
    return queryset.filter(status__in=Placement.OPEN_STATUSES, start_on__lte=end, planned_end_on__gte=start)


def _placement_create_blockers(participant: Participant, offer: Offer, start: date, end: date) -> list[str]:
    reasons = participant.registration_blockers()
    if end < start:
        return [*reasons, _("The planned end cannot come before the start.")]
    if not Company.objects.listed().filter(pk=offer.company_id).exists():
        reasons.append(_("The company is not a verified ASF right now; choose another place."))
    if not offer.is_published:
        reasons.append(_("The offer is not published."))
    if start < offer.available_from or (offer.available_to and end > offer.available_to):
        reasons.append(_("The dates fall outside the period the places are offered."))
    conflict = _overlapping(participant.placements.select_related("company"), start, end).first()
    if conflict:
        reasons.append(
            _("%(code)s already has a placement at %(company)s from %(start)s to %(end)s that overlaps these dates.")
            % {"code": participant.code, "company": conflict.company.name, "start": conflict.start_on,
               "end": conflict.planned_end_on}
        )  # fmt: skip
    if _overlapping(offer.placements, start, end).count() >= offer.places:
        reasons.append(
            _("All %(places)s places of this offer are taken during these dates.") % {"places": offer.places}
        )
    return reasons


@transaction.atomic
def placement_create(
    *, participant: Participant, offer: Offer, fields: dict[str, Any], actor: User
) -> Placement:
    """Place a participant at an offer; refuses overbooking and overlapping placements, naming the conflict. The
    same booking sent twice (participant, place, start day) is made once."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    offer = Offer.objects.select_for_update().select_related("company").get(pk=offer.pk)
    start, end = fields["start_on"], fields["planned_end_on"]
    already = _("The placement is already planned.")
    twin = participant.placements.filter(
        offer=offer, start_on=start, status__in=Placement.OPEN_STATUSES
    ).first()
    if twin and twin.planned_end_on == end:
        raise AlreadyDone(already, result=twin)
    placement = Placement(
        participant=participant,
        offer=offer,
        company=offer.company,
        referring_organisation=participant.organisation,
        **fields,
    )
    clean_or_raise(placement)
    raise_if(_placement_create_blockers(participant, offer, start, end))
    _save_once(placement, already)
    audit(actor, "placements.placement.created", placement)
    log_access(participant=participant, user=actor, action="placement created")
    return placement


@transaction.atomic
def placement_start(*, placement: Placement, actor: User) -> Placement:
    """Start a planned placement on or after its planned start and book its follow-up meetings (every N weeks,
    by support measure)."""
    placement = Placement.objects.select_for_update().select_related("participant").get(pk=placement.pk)
    if placement.status == Placement.Status.ACTIVE:
        raise AlreadyDone(_("The placement has already started."), result=placement)
    raise_if(placement.start_blockers(at=timezone.localdate()))
    placement.status = Placement.Status.ACTIVE
    clean_or_raise(placement)
    placement.save(update_fields=["status", "updated_at"])
    weeks = settings.PLACEMENT_FOLLOW_UP_WEEKS.get(
        placement.support_measure, settings.PLACEMENT_FOLLOW_UP_WEEKS_DEFAULT
    )
    dues, due = [], placement.start_on + timedelta(weeks=weeks)
    while due <= placement.planned_end_on:
        dues.append(due)
        due += timedelta(weeks=weeks)
    FollowUp.objects.bulk_create([FollowUp(placement=placement, due_on=day) for day in dues])
    audit(actor, "placements.placement.started", placement)
    return placement


@transaction.atomic
def follow_up_record(
    *,
    follow_up: FollowUp,
    held_on: date,
    note: str,
    actor: User,
    outcome_90: str = "",
    version: int | None = None,
) -> FollowUp:
    """Record a follow-up as held with its note, or change a recorded one. Every text is kept as a FollowUpNote,
    so an earlier note is never lost; `version` is the number of notes the writer saw, and a change written
    over someone else's newer text is refused with that text. The outcome 90 days after is recorded from day
    90 on (Placement.record_outcome_90_blockers)."""
    follow_up = (
        FollowUp.objects.select_for_update().select_related("placement__participant").get(pk=follow_up.pk)
    )
    placement = follow_up.placement
    is_90 = follow_up.kind == FollowUp.Kind.AFTER_90_DAYS
    if follow_up.held_on is not None:
        if (held_on, note, outcome_90 or placement.outcome_90) == (follow_up.held_on, follow_up.note,
                                                                    placement.outcome_90):  # fmt: skip
            raise AlreadyDone(_("The follow-up is already recorded."), result=follow_up)
        seen = follow_up.notes.count()
        if version is not None and version != seen:
            raise DomainError(
                field_errors={"note": [
                    _("Someone changed the note while you were writing; it now reads: “%(text)s”. Check it and "
                      "save again.") % {"text": follow_up.note}
                ]}
            )  # fmt: skip
    raise_if(follow_up.record_blockers(held_on=held_on, at=timezone.localdate()))
    if is_90 and not outcome_90:
        raise DomainError(field_errors={"outcome_90": [_("Record the outcome 90 days after the end.")]})
    action = "placements.follow_up.edited" if follow_up.held_on else "placements.follow_up.recorded"
    follow_up.held_on, follow_up.note = held_on, note
    clean_or_raise(follow_up)
    follow_up.save(update_fields=["held_on", "note", "updated_at"])
    entry = FollowUpNote(follow_up=follow_up, held_on=held_on, text=note, written_by=actor)
    clean_or_raise(entry)
    entry.save()
    if is_90:
        placement.outcome_90 = outcome_90
        clean_or_raise(placement)
        placement.save(update_fields=["outcome_90", "updated_at"])
    audit(actor, action, placement)
    return follow_up


_END_FIELDS = ("ended_on", "outcome", "end_reason", "income_after", "occupation_after")


@transaction.atomic
def placement_end(
    *, placement: Placement, fields: dict[str, Any], interrupted: bool, actor: User
) -> Placement:
    """End (or interrupt) a placement: an outcome, the reason and income/occupation after are required. Meetings
    not yet held are cancelled and the follow-up 90 days after the end is booked."""
    placement = Placement.objects.select_for_update().select_related("participant").get(pk=placement.pk)
    if placement.is_finished:
        raise AlreadyDone(_("The placement has already ended."), result=placement)
    missing = [name for name in _END_FIELDS if not fields.get(name)]
    if missing:
        raise DomainError(
            [
                _(
                    "To end a placement, give the date, the outcome, the reason and income and occupation after."
                )
            ],
            field_errors={name: [_("This field is required.")] for name in missing},
        )
    raise_if(placement.end_blockers(ended_on=fields["ended_on"], at=timezone.localdate()))
    for name in _END_FIELDS:
        setattr(placement, name, fields[name])
    placement.status = Placement.Status.INTERRUPTED if interrupted else Placement.Status.ENDED
    clean_or_raise(placement)
    placement.save()
    placement.follow_ups.filter(held_on__isnull=True, cancelled_on__isnull=True).update(
        cancelled_on=timezone.localdate(), updated_at=timezone.now()
    )
    FollowUp.objects.create(placement=placement, kind=FollowUp.Kind.AFTER_90_DAYS,
                            due_on=placement.ended_on + timedelta(days=OUTCOME_FOLLOW_UP_DAYS))  # fmt: skip
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
                        "cancelled_on": str(f.cancelled_on) if f.cancelled_on else None,
                        "earlier_notes": [
                            {"written_at": n.created_at.isoformat(), "text": n.text} for n in f.notes.all()
                        ],
                    }
                    for f in p.follow_ups.all()
                ],
            }
            for p in participant.placements.select_related("company").prefetch_related("follow_ups__notes")
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


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the last day of a shorter month): 24 months before
    2026-12-07 is 2024-12-07, not 720 days before."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (following - timedelta(days=1)).day))


@transaction.atomic
def participants_anonymise(*, today: date) -> int:
    """Anonymise participants whose last placement ended PLACEMENT_RETENTION_MONTHS ago (or who never had one).

    What identifies a person is cleared (initials, exact birth year becomes a five-year band start, consents, notes,
    goals); the placements and their outcomes stay, so statistics keep working.
    """
    cutoff = months_before(today, settings.PLACEMENT_RETENTION_MONTHS)
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
        FollowUpNote.objects.filter(follow_up__placement__participant=participant).delete()
        count += 1
    if count:
        audit(None, "placements.participants.anonymised", None, count=count)
    return count


def support_measure_is_forbund(placement: Placement) -> bool:
    return placement.support_measure == SupportMeasure.FORBUND_PROJECT


@transaction.atomic
def consent_renew(
    *, participant: Participant, given_on: date, valid_until: date | None, scope: str, sus_form_collected: bool,
    actor: User,
) -> Consent:  # fmt: skip
    """Record a new consent for the participant; the consents it replaces end (status expired) on the day the
    new one was given, so exactly one consent is current. Audited and access-logged."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    raise_if(participant.consent_renew_blockers())
    today = timezone.localdate()
    if given_on > today:
        raise DomainError(_("The date cannot be in the future."))
    consent = Consent(participant=participant, given_on=given_on, valid_until=valid_until, scope=scope,
                      sus_form_collected=sus_form_collected, recorded_by=actor)  # fmt: skip
    clean_or_raise(consent)
    current = participant.consents.filter(status=Consent.Status.GIVEN)
    if current.filter(given_on__gt=given_on).exists():
        raise DomainError(_("The new consent cannot be older than the current one."))
    current.update(status=Consent.Status.EXPIRED, ended_on=given_on, updated_at=timezone.now())
    consent.save()
    audit(actor, "placements.consent.renewed", None, organisation=participant.organisation_id)
    log_access(participant=participant, user=actor, action="consent renewed")
    return consent


@transaction.atomic
def placement_sus_record(*, placement: Placement, done_on: date, actor: User) -> Placement:
    """Record that the participant was registered in SUS (at the start) or de-registered (at the end) on
    `done_on`, whichever is due; the portal itself never sends anything to SUS."""
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("referring_organisation")
        .get(pk=placement.pk)
    )
    today = timezone.localdate()
    registering = placement.sus_registered_on is None
    if registering:
        raise_if(placement.sus_registration_blockers(on=done_on, at=today))
        placement.sus_registered_on = done_on
    else:
        if placement.sus_deregistered_on is not None:
            raise AlreadyDone(_("The de-registration from SUS is already recorded."), result=placement)
        raise_if(placement.sus_deregistration_blockers(on=done_on, at=today))
        placement.sus_deregistered_on = done_on
    clean_or_raise(placement)
    placement.save(update_fields=["sus_registered_on", "sus_deregistered_on", "updated_at"])
    if registering:
        audit(actor, "placements.placement.sus_registered", placement)
    else:
        audit(actor, "placements.placement.sus_deregistered", placement)
    return placement
