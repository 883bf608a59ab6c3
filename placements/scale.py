"""National-scale work training for `manage.py seed_scale`: offers at verified ASF, pseudonymised participants, one
placement each and their follow-ups (see asfportal/core/scale.py).

Bulk inserts skip the services, so their rules are kept here by construction: a participant with an open placement
has a consent given before it starts, every placement starts inside its offer's period, a finished one has an end
date, an outcome, a reason and income and occupation after, and follow-ups fall inside the placement (the one 90
days after the end excepted). Participants whose placement ended longer ago than PLACEMENT_RETENTION_MONTHS are
stored as participants_anonymise leaves them, because the nightly task skips rows created today.

Capacity cannot hold everywhere: the share of open placements asked for is larger than two offers of one to four
places per verified company can take. Part of the offers keep a free place today, so the capacity search has
answers; the open placements that do not fit are spread over the other offers, which end up overbooked.
"""

from __future__ import annotations

import gc
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings

from asfportal.accounts.models import Organisation
from asfportal.core.scale import ScaleContext, bulk, scale_seeder
from companies.models import Company, ServiceCategory

from .models import (
    EMPLOYMENT_OUTCOMES,
    Adaptation,
    Consent,
    FollowUp,
    IncomeSource,
    Occupation,
    Offer,
    Outcome,
    Participant,
    Placement,
    SupportMeasure,
    TargetGroup,
)

WINDOW_DAYS = 4 * 365  # placements start over the last four years
ROOM_SHARE = 0.4  # offers that keep at least one place free today
LOCAL_SHARE = 0.85  # placements at an offer in the participant's own kommun (or a förbund's member kommuner)
FORBUND_SHARE = 0.08  # participants referred by a samordningsförbund rather than a kommun
PLANNED_WEEKS = (8, 12, 12, 16, 16, 20, 26, 26, 39, 52)
CONSENT_SCOPE = "Registrering och uppföljning av arbetsträning"

FIRST_NAMES = ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Sara", "Peter", "Fatima", "Ahmed", "Elin",
               "Mikael", "Linnea", "Hassan", "Eva", "Jonas", "Amira", "Per", "Sofia", "Ali"]  # fmt: skip
LAST_NAMES = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
              "Svensson", "Gustafsson", "Lindberg", "Hassan", "Holm", "Berg", "Lund", "Strand"]  # fmt: skip
INITIAL_LETTERS = "ABCDEFGHIJKLMNOPRSTUVYÅÄÖ"
TASKS = [
    "Servering och kassa i lunchkaféet, enklare matlagning och disk, i ett litet lag med handledare på plats.",
    "Städning av trapphus och kontor i arbetslag; du lär dig lokalvård, maskiner och miljövänliga metoder.",
    "Sortering och prismärkning av skänkta varor, enklare lagning och försäljning i butiken.",
    "Skötsel av parker och grönytor i små lag; på vintern snöröjning och sandning.",
    "Service och reparation av cyklar, renovering inför försäljning och mottagning av kunder i verkstaden.",
    "Packning, plock och inleverans på lagret, med fasta rutiner och tydliga instruktioner för varje moment.",
    "Förberedelser i storköket, packning av matlådor och följa med på leveranser till kunder.",
    "Skanning och registrering av dokument och enklare kontorsuppgifter i en lugn arbetsmiljö.",
]
GOALS = [
    "Pröva arbetsförmågan och öka tiden stegvis.",
    "Få arbetslivserfarenhet och en referens inför jobbsökande.",
    "Utveckla yrkessvenskan i ett arbetslag.",
    "Pröva ett nytt yrkesområde inför fortsatt jobbsökande.",
    "Bygga upp uthålligheten med korta dagar till att börja med.",
    "Komma tillbaka till arbetslivet efter en lång tids sjukskrivning.",
]
FOLLOW_UP_NOTES = [
    "Uppföljning med deltagare och handledare. Arbetsträningen fungerar enligt planen.",
    "Deltagaren har ökat sin tid enligt planen. Nästa uppföljning som bokad.",
    "Kort anteckning utan känsliga uppgifter.",
]
FOLLOW_UP_90_NOTE = "Uppföljning 90 dagar efter avslut, per telefon med deltagaren."

MEASURE_WEIGHTS = {
    SupportMeasure.AF_WORK_TRAINING: 35, SupportMeasure.MUNICIPAL_MEASURE: 30, SupportMeasure.WAGE_SUBSIDY: 8,
    SupportMeasure.INTRODUCTION_JOB: 5, SupportMeasure.NEW_START_JOB: 5, SupportMeasure.LSS_DAILY_ACTIVITY: 10,
    SupportMeasure.OTHER: 7,
}  # fmt: skip
# About 80 % of the finished placements end and 20 % are interrupted; with these weights 48 % of the ended and
# none of the interrupted go into work, about 38 % of all finished ones.
ENDED_OUTCOMES = {
    Outcome.WORK_AT_ASF: 12, Outcome.WORK_AT_ASF_SUBSIDISED: 14, Outcome.WORK_ELSEWHERE: 10,
    Outcome.WORK_ELSEWHERE_SUBSIDISED: 12, Outcome.STUDIES: 12, Outcome.OTHER_MEASURE: 15, Outcome.SEEKING: 15,
    Outcome.SICK: 5, Outcome.OTHER: 5,
}  # fmt: skip
INTERRUPTED_OUTCOMES = {
    Outcome.DROPPED_OUT: 45,
    Outcome.SICK: 30,
    Outcome.OTHER: 15,
    Outcome.OTHER_MEASURE: 10,
}
# Outcome -> (reason for ending, income sources after, occupation after).
AFTER = {
    Outcome.WORK_AT_ASF: ("Anställd hos företaget.", [IncomeSource.WAGE], Occupation.WORK),
    Outcome.WORK_AT_ASF_SUBSIDISED: ("Anställd hos företaget med lönestöd.", [IncomeSource.WAGE], Occupation.WORK),
    Outcome.WORK_ELSEWHERE: ("Fick ett arbete hos en annan arbetsgivare.", [IncomeSource.WAGE], Occupation.WORK),
    Outcome.WORK_ELSEWHERE_SUBSIDISED: ("Anställd med lönestöd hos en annan arbetsgivare.", [IncomeSource.WAGE],
                                        Occupation.WORK),
    Outcome.STUDIES: ("Börjar studera på komvux.", [IncomeSource.STUDY_SUPPORT], Occupation.STUDIES),
    Outcome.OTHER_MEASURE: ("Går vidare till en annan insats.", [IncomeSource.ACTIVITY_SUPPORT], Occupation.MEASURE),
    Outcome.SEEKING: ("Arbetsträningen är klar; söker arbete.",
                      [IncomeSource.UNEMPLOYMENT, IncomeSource.SOCIAL_ASSISTANCE], Occupation.SEEKING),
    Outcome.SICK: ("Avbrott på grund av sjukdom.", [IncomeSource.SICKNESS], Occupation.SICK),
    Outcome.OTHER: ("Avslutad av andra skäl.", [IncomeSource.OTHER, IncomeSource.NONE], Occupation.NONE),
    Outcome.DROPPED_OUT: ("Deltagaren avbröt arbetsträningen.", [IncomeSource.SOCIAL_ASSISTANCE, IncomeSource.NONE],
                          Occupation.NONE),
}  # fmt: skip
BEFORE = {
    TargetGroup.LONG_TERM_UNEMPLOYED: ([IncomeSource.SOCIAL_ASSISTANCE, IncomeSource.UNEMPLOYMENT], Occupation.SEEKING),
    TargetGroup.NEWLY_ARRIVED: ([IncomeSource.ESTABLISHMENT, IncomeSource.SOCIAL_ASSISTANCE], Occupation.MEASURE),
    TargetGroup.DISABILITY: ([IncomeSource.ACTIVITY_COMPENSATION], Occupation.NONE),
    TargetGroup.MENTAL_HEALTH: ([IncomeSource.SICKNESS, IncomeSource.ACTIVITY_COMPENSATION], Occupation.SICK),
    TargetGroup.ADDICTION: ([IncomeSource.SOCIAL_ASSISTANCE], Occupation.NONE),
    TargetGroup.YOUNG_ADULT: ([IncomeSource.NONE, IncomeSource.ACTIVITY_SUPPORT], Occupation.NONE),
    TargetGroup.OTHER: ([IncomeSource.OTHER, IncomeSource.NONE], Occupation.NONE),
}  # fmt: skip


def _weighted(weights: dict) -> list:
    return [key for key, weight in weights.items() for _ in range(weight)]


_MEASURES = _weighted(MEASURE_WEIGHTS)
_ENDED, _INTERRUPTED = _weighted(ENDED_OUTCOMES), _weighted(INTERRUPTED_OUTCOMES)
_NOT_WORK = [o for o in Outcome if o not in EMPLOYMENT_OUTCOMES and o != Outcome.DROPPED_OUT]
_TARGET_GROUPS = list(TargetGroup)
_GENDERS = [Participant.Gender.WOMAN, Participant.Gender.MAN] * 24 + [Participant.Gender.OTHER]


def _offers(ctx: ScaleContext) -> list[Offer]:
    """About two offers per verified company, in its kommun, mostly in one of the company's own service areas."""
    rng, today = ctx.rng, ctx.today
    all_areas = list(ServiceCategory.objects.values_list("pk", flat=True))
    areas: dict[int, list[int]] = {}
    through = Company.service_categories.through
    for company_id, area_id in through.objects.values_list("company_id", "servicecategory_id"):
        areas.setdefault(company_id, []).append(area_id)
    cities = dict(Company.objects.values_list("pk", "city"))
    measures = [str(m) for m in SupportMeasure]
    offers = []
    for company_id in ctx.verified_company_ids:
        kommun = ctx.company_municipality.get(company_id) or ctx.municipality()
        for _ in range(rng.choice((1, 2, 2, 2, 3))):
            supervisor = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            # Most offers accept any measure (an empty list); the others name the ones they take, always
            # including Arbetsförmedlingen's work training, which every ASF in the demo accepts.
            accepted = []
            if rng.random() < 0.5:
                accepted = sorted(
                    {str(SupportMeasure.AF_WORK_TRAINING), *rng.sample(measures, rng.randint(1, 3))}
                )
            offers.append(
                Offer(
                    company_id=company_id,
                    work_area_id=rng.choice(areas.get(company_id) or all_areas),
                    tasks=rng.choice(TASKS),
                    places=rng.choice((1, 2, 2, 3, 3, 4, 4)),
                    hours_per_week=rng.choice((10, 15, 20, 20, 25, 30, 40)),
                    supervisor=supervisor,
                    supervisor_contact=f"070-{rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                    adaptations=rng.sample([str(a) for a in Adaptation], rng.randint(0, 3)),
                    support_measures=accepted,
                    municipality_id=kommun,
                    location=cities.get(company_id, ""),
                    # Before the earliest placement start, which the service requires to lie inside the period.
                    available_from=today - timedelta(days=rng.randint(WINDOW_DAYS + 60, WINDOW_DAYS + 700)),
                    # A few offers run out, after every planned placement's end.
                    available_to=today + timedelta(days=rng.randint(500, 900))
                    if rng.random() < 0.1
                    else None,
                    is_published=True,
                )
            )
    return bulk(Offer, offers)


def _placement_dates(ctx: ScaleContext, status: str, weeks: int):
    """Start, planned end and end (None while open) for a placement in `status`."""
    rng, today = ctx.rng, ctx.today
    if status == Placement.Status.PLANNED:
        # Mostly starting within three months; a few should have started already and wait to be started.
        start = today + timedelta(days=rng.randint(1, 90) if rng.random() < 0.9 else -rng.randint(0, 14))
        return start, start + timedelta(weeks=weeks), None
    if status == Placement.Status.ACTIVE:
        start = today - timedelta(days=rng.randint(0, 240))
        planned_end = start + timedelta(weeks=weeks)
        if planned_end < today and rng.random() < 0.9:
            # Most are extended rather than left open past their end; the rest are "outcome missing".
            planned_end = today + timedelta(days=rng.randint(1, 120))
        return start, planned_end, None
    planned_days = weeks * 7
    share = rng.uniform(0.85, 1.15) if status == Placement.Status.ENDED else rng.uniform(0.1, 0.8)
    days = max(1, round(planned_days * share))
    # Started inside the window, so inside every offer's period.
    ended = today - timedelta(days=rng.randint(1, WINDOW_DAYS - days))
    start = ended - timedelta(days=days)
    return start, start + timedelta(days=planned_days), ended


@scale_seeder
def seed_placements(ctx: ScaleContext) -> str:
    if not ctx.verified_company_ids or not ServiceCategory.objects.exists():
        return "skipped: no verified companies or service categories"
    # Over half a million model instances stay alive until they are inserted; the cyclic garbage collector would
    # scan them again and again without anything to free (about a tenth of the time at full size).
    collecting = gc.isenabled()
    gc.disable()
    try:
        offers = _offers(ctx)
        participants, placements, open_today = _participants_and_placements(ctx, offers)
        participants = bulk(Participant, participants)
        for participant, placement in zip(participants, placements, strict=True):
            placement.participant_id = participant.pk
        consents = bulk(Consent, _consents(ctx, participants, placements))
        placements = bulk(Placement, placements)
        follow_ups = bulk(FollowUp, _follow_ups(ctx, participants, placements))
    finally:
        if collecting:
            gc.enable()
    overbooked = sum(1 for offer, taken in zip(offers, open_today, strict=True) if taken > offer.places)
    anonymised = sum(1 for participant in participants if participant.anonymised_at)
    return (
        f"{len(offers)} offers ({overbooked} overbooked today), {len(participants)} participants "
        f"({anonymised} anonymised), {len(placements)} placements, {len(consents)} consents, "
        f"{len(follow_ups)} follow-ups"
    )


def _outcome(ctx: ScaleContext, status: str, ended: date | None) -> tuple[str, str, str, str, str]:
    """Outcome, reason for ending, income source and occupation after, and the outcome 90 days later."""
    rng = ctx.rng
    if ended is None:
        return "", "", "", "", ""
    outcome = rng.choice(_ENDED if status == Placement.Status.ENDED else _INTERRUPTED)
    reason, incomes, occupation = AFTER[outcome]
    outcome_90 = ""
    if ended + timedelta(days=90) <= ctx.today and rng.random() < 0.6:
        # Work tends to last; of those without work at the end, a few find it within three months.
        if outcome in EMPLOYMENT_OUTCOMES:
            outcome_90 = outcome if rng.random() < 0.85 else rng.choice(_NOT_WORK)
        else:
            outcome_90 = rng.choice(EMPLOYMENT_OUTCOMES) if rng.random() < 0.2 else outcome
    return outcome, reason, rng.choice(incomes), occupation, outcome_90


def _participants_and_placements(ctx: ScaleContext, offers: list[Offer]):
    """One participant and one placement per place in the size, unsaved; and how many open placements each offer
    has today."""
    rng, today = ctx.rng, ctx.today
    local: dict[int, list[int]] = {}  # kommun id -> indexes into offers
    for index, offer in enumerate(offers):
        local.setdefault(offer.municipality_id, []).append(index)
    # A förbund's participants train in its member kommuner.
    forbund_local: dict[int, list[int]] = {}
    memberships = Organisation.members.through.objects.filter(from_organisation__kind="samordningsforbund")
    for forbund, kommun in memberships.values_list("from_organisation_id", "to_organisation_id"):
        forbund_local.setdefault(forbund, []).extend(local.get(kommun, []))
    room = [rng.random() < ROOM_SHARE for _ in offers]
    crowded = [index for index, has_room in enumerate(room) if not has_room] or list(range(len(offers)))
    open_today = [0] * len(offers)
    codes = dict(Organisation.objects.filter(kind=Organisation.Kind.KOMMUN).values_list("pk", "code"))
    serial: dict[int, int] = {}
    anonymous = 0
    cutoff = today - timedelta(days=30 * settings.PLACEMENT_RETENTION_MONTHS)

    participants, placements = [], []
    for _ in range(ctx.sizes["placements"]):
        in_forbund = bool(ctx.forbund_ids) and rng.random() < FORBUND_SHARE
        organisation = rng.choice(ctx.forbund_ids) if in_forbund else ctx.municipality()
        draw = rng.random()
        if draw < 0.10:
            status = Placement.Status.PLANNED
        elif draw < 0.25:
            status = Placement.Status.ACTIVE
        else:
            status = Placement.Status.INTERRUPTED if rng.random() < 0.2 else Placement.Status.ENDED
        start, planned_end, ended = _placement_dates(ctx, status, rng.choice(PLANNED_WEEKS))

        nearby = forbund_local.get(organisation) if in_forbund else local.get(organisation)
        pick = rng.choice(nearby) if nearby and rng.random() < LOCAL_SHARE else rng.randrange(len(offers))
        if ended is None and start <= today <= planned_end:
            if room[pick] and open_today[pick] >= offers[pick].places - 1:
                pick = rng.choice(crowded)
            open_today[pick] += 1
        offer = offers[pick]
        measure = (
            SupportMeasure.FORBUND_PROJECT if in_forbund and rng.random() < 0.7 else rng.choice(_MEASURES)
        )
        if offer.support_measures and measure not in offer.support_measures:
            usable = [m for m in offer.support_measures if in_forbund or m != SupportMeasure.FORBUND_PROJECT]
            measure = rng.choice(usable)
        outcome, reason, income_after, occupation_after, outcome_90 = _outcome(ctx, status, ended)

        group = rng.choice(_TARGET_GROUPS)
        incomes_before, occupation_before = BEFORE[group]
        birth_year = rng.randint(1960, 2006)
        anonymised = ended is not None and ended < cutoff
        if anonymised:
            anonymous += 1
            # What participants_anonymise leaves: a new code, no initials or target group, a five-year band.
            participant = Participant(
                organisation_id=organisation,
                code=f"ANON-S{anonymous:08X}",
                birth_year=birth_year - birth_year % 5,
                gender=rng.choice(_GENDERS),
                income_before=rng.choice(incomes_before),
                occupation_before=occupation_before,
                anonymised_at=datetime.combine(
                    ended + (today - cutoff) + timedelta(days=1), time(2), tzinfo=UTC
                ),
            )
        else:
            serial[organisation] = serial.get(organisation, 0) + 1
            # Like the service's P-<kommunkod>-<hex>, with an S that no generated code has: never a clash with the
            # demo, and at most five digits in a row, so never shaped like a personnummer.
            participant = Participant(
                organisation_id=organisation,
                code=f"P-{codes.get(organisation) or organisation}-S{serial[organisation]:05d}",
                initials=f"{rng.choice(INITIAL_LETTERS)}.{rng.choice(INITIAL_LETTERS)}.",
                birth_year=birth_year,
                gender=rng.choice(_GENDERS),
                target_group=group,
                income_before=rng.choice(incomes_before),
                occupation_before=occupation_before,
            )
        participants.append(participant)
        placements.append(
            Placement(
                offer_id=offer.pk,
                company_id=offer.company_id,
                referring_organisation_id=organisation,
                support_measure=measure,
                start_on=start,
                planned_end_on=planned_end,
                hours_per_week=min(rng.choice((10, 15, 20, 25, 30)), offer.hours_per_week),
                supervisor="" if anonymised else offer.supervisor,
                goals="" if anonymised else rng.choice(GOALS),
                status=status,
                ended_on=ended,
                outcome=outcome,
                end_reason="" if anonymised else reason,
                income_after=income_after,
                occupation_after=occupation_after,
                outcome_90=outcome_90,
            )
        )
    return participants, placements, open_today


def _consents(ctx: ScaleContext, participants: list[Participant], placements: list[Placement]):
    """A consent given shortly before the placement starts; anonymised participants have none left."""
    rng, today = ctx.rng, ctx.today
    for participant, placement in zip(participants, placements, strict=True):
        if participant.anonymised_at is not None:
            continue
        withdrawn = placement.ended_on is not None and rng.random() < 0.03
        yield Consent(
            participant_id=participant.pk,
            given_on=min(placement.start_on - timedelta(days=rng.randint(3, 30)), today),
            scope=CONSENT_SCOPE,
            recorded_by_id=ctx.coordinator_of(participant.organisation_id),
            # The SUS form is what förbund-funded placements need; others collect it now and then.
            sus_form_collected=placement.support_measure == SupportMeasure.FORBUND_PROJECT
            or rng.random() < 0.3,
            status=Consent.Status.WITHDRAWN if withdrawn else Consent.Status.GIVEN,
            ended_on=placement.ended_on + timedelta(days=rng.randint(0, (today - placement.ended_on).days))
            if withdrawn
            else None,
        )


def _follow_ups(ctx: ScaleContext, participants: list[Participant], placements: list[Placement]):
    """One regular follow-up inside each started placement, and the one 90 days after the end where it is recorded
    (outcome_90) or still to come."""
    rng, today = ctx.rng, ctx.today
    weeks_by_measure = settings.PLACEMENT_FOLLOW_UP_WEEKS
    for participant, placement in zip(participants, placements, strict=True):
        if placement.status == Placement.Status.PLANNED:
            continue  # follow-ups are booked when a placement starts
        note = "" if participant.anonymised_at else rng.choice(FOLLOW_UP_NOTES)
        weeks = weeks_by_measure.get(placement.support_measure, settings.PLACEMENT_FOLLOW_UP_WEEKS_DEFAULT)
        due = min(placement.start_on + timedelta(weeks=weeks), placement.ended_on or placement.planned_end_on)
        # A finished placement's unheld meetings were removed when it ended; an active one's past meeting is
        # mostly held.
        held = placement.ended_on is not None or (due <= today and rng.random() < 0.9)
        yield FollowUp(
            placement_id=placement.pk, due_on=due, held_on=due if held else None, note=note if held else ""
        )
        if placement.ended_on is None:
            continue
        due_90 = placement.ended_on + timedelta(days=90)
        if placement.outcome_90:
            yield FollowUp(
                placement_id=placement.pk,
                kind=FollowUp.Kind.AFTER_90_DAYS,
                due_on=due_90,
                held_on=min(due_90 + timedelta(days=rng.randint(0, 14)), today),
                note="" if participant.anonymised_at else FOLLOW_UP_90_NOTE,
            )
        elif due_90 > today:
            yield FollowUp(placement_id=placement.pk, kind=FollowUp.Kind.AFTER_90_DAYS, due_on=due_90)
