"""Demo work training for `manage.py seed_demo`: offers at verified ASF, pseudonymised participants and placements.

Everything is created through the services, so the same rules (consent, capacity, no overlapping placements) and
audit trail apply as for real data. Dates are relative to today: a freshly seeded demo has planned placements,
active ones (one ending within two weeks) with follow-ups held, and placements ended this calendar year with a mix
of outcomes, one of them interrupted, so the figures for the current year are never empty. Participants are
identified only by generated codes and initials: no names, no personnummer. Örebro kommun's coordinator places
most participants; Samordningsförbundet Sydnärke's coordinator places a few in a förbund project. The seeder does
nothing when Örebro kommun already has participants, so it can run again.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from asfportal.accounts.models import Organisation, Role, User
from asfportal.accounts.selectors import people_with_role
from asfportal.core.demo import demo_seeder
from asfportal.core.exceptions import DomainError
from companies.models import Company, ServiceCategory

from . import services
from .models import (
    Adaptation,
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

COORDINATOR_EMAIL = "samordnare@orebro.example"
FORBUND_COORDINATOR_EMAIL = "samordnare@sydnarke.example"
CONSENT_SCOPE = "Registrering och uppföljning av arbetsträning"
AVAILABLE_DAYS_AGO = 500
FOLLOW_UP_NOTES = (
    "Kort anteckning utan känsliga uppgifter.",
    "Uppföljning med deltagare och handledare. Arbetsträningen fungerar enligt planen.",
    "Deltagaren har ökat sin tid enligt planen. Nästa uppföljning som bokad.",
)

# Offers by key. company: the demo company's name (it must be listed); work_area: a ServiceCategory slug;
# municipality: the kommun code preferred when the company operates there (else its first municipality).
OFFERS: dict[str, dict[str, Any]] = {
    "cafe": {
        "company": "Kafé Gemenskap ekonomisk förening",
        "work_area": "cafe",
        "municipality": "1880",
        "tasks": (
            "Servering och kassa i lunchkaféet, enklare matlagning, bakning och disk. Du arbetar i ett litet lag "
            "och provar olika uppgifter i din egen takt, med en handledare i köket hela dagen."
        ),
        "places": 4,
        "hours_per_week": 20,
        "supervisor": "Jonas Berglund",
        "supervisor_contact": "019-16 42 12",
        "adaptations": [Adaptation.FLEXIBLE_HOURS, Adaptation.SHORT_DAYS, Adaptation.LANGUAGE],
        "support_measures": [],
    },
    "property": {
        "company": "Fastighetsservice Vivalla ekonomisk förening",
        "work_area": "property-care",
        "municipality": "1880",
        "tasks": (
            "Städning av trapphus och tvättstugor, tillsyn av soprum och skötsel av gårdar och planteringar i "
            "västra Örebro. Arbetet sker i lag om två eller tre med en erfaren fastighetsskötare."
        ),
        "places": 3,
        "hours_per_week": 25,
        "supervisor": "Peter Strand",
        "supervisor_contact": "019-27 18 92",
        "adaptations": [Adaptation.LANGUAGE],
        "support_measures": [SupportMeasure.AF_WORK_TRAINING, SupportMeasure.MUNICIPAL_MEASURE],
    },
    "bicycles": {
        "company": "Cykelköket Örebro ideell förening",
        "work_area": "bicycle-repair",
        "municipality": "1880",
        "tasks": (
            "Service och reparation av cyklar: laga punkteringar, byta kedjor och justera bromsar och växlar. "
            "Renovering av begagnade cyklar inför försäljning och mottagning av kunder i verkstaden."
        ),
        "places": 3,
        "hours_per_week": 15,
        "supervisor": "Erik Lundgren",
        "supervisor_contact": "070-314 22 85",
        "adaptations": [Adaptation.QUIET, Adaptation.SHORT_DAYS, Adaptation.FLEXIBLE_HOURS],
        "support_measures": [
            SupportMeasure.AF_WORK_TRAINING,
            SupportMeasure.MUNICIPAL_MEASURE,
            SupportMeasure.LSS_DAILY_ACTIVITY,
        ],
    },
    "catering": {
        "company": "Smakverket Catering ekonomisk förening",
        "work_area": "catering",
        "municipality": "1880",
        "tasks": (
            "Förberedelser i storköket, packning av matlådor, disk och städning av köket samt att följa med på "
            "leveranser till kunder. Möjlighet att gå kurs i livsmedelshygien under arbetsträningen."
        ),
        "places": 3,
        "hours_per_week": 25,
        "supervisor": "Helena Nyström",
        "supervisor_contact": "019-24 66 82",
        "adaptations": [Adaptation.ACCESSIBLE, Adaptation.LANGUAGE],
        "support_measures": [],
    },
    "office": {
        "company": "Stiftelsen Vägen Vidare",
        "work_area": "office-services",
        "municipality": "1880",
        "tasks": (
            "Skanning och registrering av dokument, packning av fruktkorgar och enklare kontorsuppgifter. "
            "Lugn arbetsmiljö med fasta rutiner och tydliga instruktioner för varje moment."
        ),
        "places": 5,
        "hours_per_week": 20,
        "supervisor": "Karin Lundqvist",
        "supervisor_contact": "019-18 75 01",
        "adaptations": [
            Adaptation.ACCESSIBLE,
            Adaptation.QUIET,
            Adaptation.FLEXIBLE_HOURS,
            Adaptation.SHORT_DAYS,
        ],
        "support_measures": [],
    },
    "second-hand": {
        "company": "Returbutiken Kumla ekonomisk förening",
        "work_area": "second-hand",
        "municipality": "1881",
        "tasks": (
            "Sortering och prismärkning av skänkta möbler, kläder och husgeråd, enklare lagning och försäljning "
            "i butiken. Den som vill kan följa med när större gåvor hämtas."
        ),
        "places": 2,
        "hours_per_week": 10,
        "supervisor": "Birgitta Holm",
        "supervisor_contact": "019-58 30 22",
        "adaptations": [Adaptation.QUIET, Adaptation.SHORT_DAYS],
        "support_measures": [],
    },
    "cleaning": {
        "company": "Städkraft Sydnärke AB (svb)",
        "work_area": "cleaning",
        "municipality": "1861",
        "tasks": (
            "Kontorsstädning och trappstädning i arbetslag hos företag och bostadsbolag i Hallsberg. Du lär dig "
            "lokalvård, maskiner och miljövänliga metoder och får ett intyg efter genomförd introduktion."
        ),
        "places": 3,
        "hours_per_week": 20,
        "supervisor": "Fatima Ali",
        "supervisor_contact": "0582-150 41",
        "adaptations": [Adaptation.LANGUAGE, Adaptation.SHORT_DAYS],
        "support_measures": [
            SupportMeasure.AF_WORK_TRAINING,
            SupportMeasure.MUNICIPAL_MEASURE,
            SupportMeasure.FORBUND_PROJECT,
        ],
    },
    "grounds": {
        "company": "Grönt Arbete Askersund ekonomisk förening",
        "work_area": "grounds",
        "municipality": "1882",
        "tasks": (
            "Gräsklippning, ogräsrensning, beskärning och skötsel av parker och kyrkogårdar runt Askersund. "
            "Utomhusarbete i små lag; på vintern snöröjning och sandning."
        ),
        "places": 4,
        "hours_per_week": 20,
        "supervisor": "Gunnar Eklund",
        "supervisor_contact": "0583-120 62",
        "adaptations": [Adaptation.FLEXIBLE_HOURS, Adaptation.SHORT_DAYS],
        "support_measures": [
            SupportMeasure.FORBUND_PROJECT,
            SupportMeasure.AF_WORK_TRAINING,
            SupportMeasure.MUNICIPAL_MEASURE,
        ],
    },
}

# Participants by key: initials only (letters and dots), never a name or personnummer.
ORGANISATION_PARTICIPANTS: dict[str, dict[str, Any]] = {
    "p1": {"initials": "A.K.", "birth_year": 1988, "gender": Participant.Gender.WOMAN,
           "target_group": TargetGroup.LONG_TERM_UNEMPLOYED, "income_before": IncomeSource.SOCIAL_ASSISTANCE,
           "occupation_before": Occupation.NONE},
    "p2": {"initials": "M.H.", "birth_year": 1979, "gender": Participant.Gender.MAN,
           "target_group": TargetGroup.NEWLY_ARRIVED, "income_before": IncomeSource.ESTABLISHMENT,
           "occupation_before": Occupation.MEASURE},
    "p3": {"initials": "S.L.", "birth_year": 1999, "gender": Participant.Gender.WOMAN,
           "target_group": TargetGroup.YOUNG_ADULT, "income_before": IncomeSource.NONE,
           "occupation_before": Occupation.NONE},
    "p4": {"initials": "J.E.", "birth_year": 1971, "gender": Participant.Gender.MAN,
           "target_group": TargetGroup.LONG_TERM_UNEMPLOYED, "income_before": IncomeSource.UNEMPLOYMENT,
           "occupation_before": Occupation.SEEKING},
    "p5": {"initials": "F.A.", "birth_year": 1985, "gender": Participant.Gender.WOMAN,
           "target_group": TargetGroup.NEWLY_ARRIVED, "income_before": IncomeSource.SOCIAL_ASSISTANCE,
           "occupation_before": Occupation.MEASURE},
    "p6": {"initials": "R.N.", "birth_year": 1994, "gender": Participant.Gender.MAN,
           "target_group": TargetGroup.ADDICTION, "income_before": IncomeSource.SOCIAL_ASSISTANCE,
           "occupation_before": Occupation.NONE},
    "p7": {"initials": "E.B.", "birth_year": 1968, "gender": Participant.Gender.WOMAN,
           "target_group": TargetGroup.MENTAL_HEALTH, "income_before": IncomeSource.SICKNESS,
           "occupation_before": Occupation.SICK},
    "p8": {"initials": "O.P.", "birth_year": 2001, "gender": Participant.Gender.MAN,
           "target_group": TargetGroup.YOUNG_ADULT, "income_before": IncomeSource.ACTIVITY_SUPPORT,
           "occupation_before": Occupation.MEASURE},
    "p9": {"initials": "L.S.", "birth_year": 1983, "gender": Participant.Gender.WOMAN,
           "target_group": TargetGroup.DISABILITY, "income_before": IncomeSource.ACTIVITY_COMPENSATION,
           "occupation_before": Occupation.NONE},
    "p10": {"initials": "H.M.", "birth_year": 1976, "gender": Participant.Gender.MAN,
            "target_group": TargetGroup.LONG_TERM_UNEMPLOYED, "income_before": IncomeSource.ACTIVITY_SUPPORT,
            "occupation_before": Occupation.MEASURE},
    "p11": {"initials": "N.Y.", "birth_year": 1990, "gender": Participant.Gender.WOMAN,
            "target_group": TargetGroup.NEWLY_ARRIVED, "income_before": IncomeSource.ESTABLISHMENT,
            "occupation_before": Occupation.STUDIES},
    "p12": {"initials": "T.G.", "birth_year": 1962, "gender": Participant.Gender.MAN,
            "target_group": TargetGroup.LONG_TERM_UNEMPLOYED, "income_before": IncomeSource.SOCIAL_ASSISTANCE,
            "occupation_before": Occupation.SEEKING},
    "p13": {"initials": "I.D.", "birth_year": 1997, "gender": Participant.Gender.OTHER,
            "target_group": TargetGroup.MENTAL_HEALTH, "income_before": IncomeSource.SICKNESS,
            "occupation_before": Occupation.SICK},
}  # fmt: skip

FORBUND_PARTICIPANTS: dict[str, dict[str, Any]] = {
    "f1": {"initials": "K.W.", "birth_year": 1981, "gender": Participant.Gender.WOMAN,
           "target_group": TargetGroup.MENTAL_HEALTH, "income_before": IncomeSource.SICKNESS,
           "occupation_before": Occupation.SICK},
    "f2": {"initials": "B.R.", "birth_year": 1974, "gender": Participant.Gender.MAN,
           "target_group": TargetGroup.LONG_TERM_UNEMPLOYED, "income_before": IncomeSource.ACTIVITY_SUPPORT,
           "occupation_before": Occupation.MEASURE},
    "f3": {"initials": "Y.O.", "birth_year": 2002, "gender": Participant.Gender.WOMAN,
           "target_group": TargetGroup.YOUNG_ADULT, "income_before": IncomeSource.NONE,
           "occupation_before": Occupation.NONE},
}  # fmt: skip

# Consent forms not (yet) collected for SUS, the rest have one.
NO_SUS_FORM = {"p3", "p12", "f3"}

# Placements, created in this order. state: planned, active, ended or interrupted.
#  planned: starts `starts_in` days from today and runs `weeks`.
#  active: started `started_days_ago`, planned to end `ends_in` days from today; `held` past follow-ups recorded.
#  ended/interrupted: ended at `at` (0-1) of the way from 1 January to yesterday, so always this calendar year,
#  after `weeks` weeks of a planned `planned_weeks`; `outcome_90` is recorded when the 90-day follow-up is due.
ORGANISATION_PLACEMENTS: list[dict[str, Any]] = [
    {
        "participant": "p4", "offer": "bicycles", "state": "ended", "at": 0.05, "weeks": 16, "planned_weeks": 16,
        "support_measure": SupportMeasure.AF_WORK_TRAINING, "hours_per_week": 15,
        "goals": "Komma tillbaka till regelbundna arbetstider och pröva på verkstadsarbete.",
        "end": {"outcome": Outcome.SEEKING, "end_reason": "Arbetsträningen genomförd enligt planen.",
                "income_after": IncomeSource.UNEMPLOYMENT, "occupation_after": Occupation.SEEKING},
        "outcome_90": Outcome.WORK_ELSEWHERE,
    },
    {
        "participant": "p1", "offer": "cafe", "state": "ended", "at": 0.2, "weeks": 20, "planned_weeks": 24,
        "support_measure": SupportMeasure.MUNICIPAL_MEASURE, "hours_per_week": 20,
        "goals": "Pröva arbete i kök och servering och öka arbetstiden till halvtid.",
        "end": {"outcome": Outcome.WORK_AT_ASF, "end_reason": "Erbjöds anställning på kaféet.",
                "income_after": IncomeSource.WAGE, "occupation_after": Occupation.WORK},
        "outcome_90": Outcome.WORK_AT_ASF,
    },
    {
        "participant": "p3", "offer": "office", "state": "ended", "at": 0.35, "weeks": 12, "planned_weeks": 12,
        "support_measure": SupportMeasure.MUNICIPAL_MEASURE, "hours_per_week": 15,
        "goals": "Få struktur i vardagen och pröva kontorsuppgifter inför studier.",
        "end": {"outcome": Outcome.STUDIES, "end_reason": "Börjar studera på komvux till hösten.",
                "income_after": IncomeSource.STUDY_SUPPORT, "occupation_after": Occupation.STUDIES},
    },
    {
        "participant": "p2", "offer": "property", "state": "ended", "at": 0.5, "weeks": 24, "planned_weeks": 26,
        "support_measure": SupportMeasure.AF_WORK_TRAINING, "hours_per_week": 25,
        "goals": "Lära sig fastighetsskötsel och yrkessvenska inför en anställning.",
        "end": {"outcome": Outcome.WORK_ELSEWHERE_SUBSIDISED,
                "end_reason": "Anställd med lönestöd hos ett bostadsbolag.",
                "income_after": IncomeSource.WAGE, "occupation_after": Occupation.WORK},
    },
    {
        "participant": "p6", "offer": "cafe", "state": "interrupted", "at": 0.6, "weeks": 6, "planned_weeks": 16,
        "support_measure": SupportMeasure.MUNICIPAL_MEASURE, "hours_per_week": 15,
        "goals": "Komma igång med korta arbetsdagar och regelbundna tider.",
        "end": {"outcome": Outcome.DROPPED_OUT,
                "end_reason": "Avbröt på egen begäran; ny planering görs tillsammans med samordnaren.",
                "income_after": IncomeSource.SOCIAL_ASSISTANCE, "occupation_after": Occupation.NONE},
    },
    {
        "participant": "p5", "offer": "catering", "state": "ended", "at": 0.7, "weeks": 20, "planned_weeks": 20,
        "support_measure": SupportMeasure.MUNICIPAL_MEASURE, "hours_per_week": 25,
        "goals": "Pröva storköksarbete och ta intyg i livsmedelshygien.",
        "end": {"outcome": Outcome.WORK_AT_ASF_SUBSIDISED,
                "end_reason": "Anställd i köket med lönebidrag.",
                "income_after": IncomeSource.WAGE, "occupation_after": Occupation.WORK},
    },
    {
        "participant": "p7", "offer": "office", "state": "ended", "at": 0.82, "weeks": 16, "planned_weeks": 16,
        "support_measure": SupportMeasure.AF_WORK_TRAINING, "hours_per_week": 10,
        "goals": "Pröva arbetsförmågan i lugn miljö och öka tiden stegvis.",
        "end": {"outcome": Outcome.OTHER_MEASURE,
                "end_reason": "Går vidare till en förberedande insats hos Arbetsförmedlingen.",
                "income_after": IncomeSource.ACTIVITY_SUPPORT, "occupation_after": Occupation.MEASURE},
    },
    {
        "participant": "p8", "offer": "property", "state": "ended", "at": 0.95, "weeks": 12, "planned_weeks": 16,
        "support_measure": SupportMeasure.AF_WORK_TRAINING, "hours_per_week": 25,
        "goals": "Få arbetslivserfarenhet och en referens inför jobbsökande.",
        "end": {"outcome": Outcome.WORK_ELSEWHERE, "end_reason": "Fick ett vikariat inom lokalvård.",
                "income_after": IncomeSource.WAGE, "occupation_after": Occupation.WORK},
    },
    {
        "participant": "p9", "offer": "cafe", "state": "active", "started_days_ago": 120, "ends_in": 10,
        "held": 2, "support_measure": SupportMeasure.AF_WORK_TRAINING, "hours_per_week": 15,
        "goals": "Pröva servering och kassa med anpassade arbetstider.",
    },
    {
        "participant": "p10", "offer": "bicycles", "state": "active", "started_days_ago": 95, "ends_in": 85,
        "held": 2, "support_measure": SupportMeasure.AF_WORK_TRAINING, "hours_per_week": 15,
        "goals": "Lära sig cykelservice och bygga upp uthålligheten.",
    },
    {
        "participant": "p11", "offer": "catering", "state": "active", "started_days_ago": 70, "ends_in": 110,
        "held": 2, "support_measure": SupportMeasure.MUNICIPAL_MEASURE, "hours_per_week": 25,
        "goals": "Utveckla yrkessvenskan och pröva arbete i storkök.",
    },
    {
        "participant": "p12", "offer": "property", "state": "active", "started_days_ago": 45, "ends_in": 135,
        "held": 1, "support_measure": SupportMeasure.MUNICIPAL_MEASURE, "hours_per_week": 20,
        "goals": "Komma tillbaka till arbetslivet och få en aktuell referens.",
    },
    {
        "participant": "p13", "offer": "office", "state": "active", "started_days_ago": 32, "ends_in": 150,
        "held": 1, "support_measure": SupportMeasure.AF_WORK_TRAINING, "hours_per_week": 10,
        "goals": "Börja med korta dagar och öka tiden stegvis till halvtid.",
    },
    {
        "participant": "p4", "offer": "catering", "state": "planned", "starts_in": 14, "weeks": 20,
        "support_measure": SupportMeasure.MUNICIPAL_MEASURE, "hours_per_week": 25,
        "goals": "Pröva ett nytt yrkesområde inför fortsatt jobbsökande.",
    },
    {
        "participant": "p6", "offer": "office", "state": "planned", "starts_in": 21, "weeks": 16,
        "support_measure": SupportMeasure.MUNICIPAL_MEASURE, "hours_per_week": 10,
        "goals": "En ny start med korta dagar i lugn miljö.",
    },
]  # fmt: skip

FORBUND_PLACEMENTS: list[dict[str, Any]] = [
    {
        "participant": "f1", "offer": "cleaning", "state": "ended", "at": 0.55, "weeks": 20, "planned_weeks": 20,
        "support_measure": SupportMeasure.FORBUND_PROJECT, "hours_per_week": 15,
        "goals": "Pröva arbetsförmågan stegvis inom förbundets projekt.",
        "end": {"outcome": Outcome.WORK_AT_ASF_SUBSIDISED, "end_reason": "Anställd med lönebidrag i städlaget.",
                "income_after": IncomeSource.WAGE, "occupation_after": Occupation.WORK},
    },
    {
        "participant": "f2", "offer": "grounds", "state": "active", "started_days_ago": 60, "ends_in": 120,
        "held": 2, "support_measure": SupportMeasure.FORBUND_PROJECT, "hours_per_week": 20,
        "goals": "Utomhusarbete i lag och en väg tillbaka till anställning.",
    },
    {
        "participant": "f3", "offer": "cleaning", "state": "planned", "starts_in": 30, "weeks": 16,
        "support_measure": SupportMeasure.FORBUND_PROJECT, "hours_per_week": 15,
        "goals": "Få arbetslivserfarenhet och hitta ett yrkesområde.",
    },
]  # fmt: skip


def _coordinator(email: str) -> User | None:
    return User.objects.filter(email__iexact=email, organisation__isnull=False).first()


def _offer_actor(company: Company, coordinator: User) -> User:
    """The company's representative saves its offer; without one, the coordinator does."""
    representative = people_with_role(Role.COMPANY_REPRESENTATIVE, company_ids=[company.pk]).first()
    return representative or coordinator


def _municipality(company: Company, code: str) -> Organisation | None:
    municipalities = company.municipalities.filter(kind=Organisation.Kind.KOMMUN)
    return municipalities.filter(code=code).first() or municipalities.order_by("code", "pk").first()


def _seed_offers(coordinator: User, today: date) -> dict[str, Offer]:
    """The demo offers at listed companies; a company's existing offer in the same work area is reused."""
    offers = {}
    listed = Company.objects.listed()
    for key, spec in OFFERS.items():
        company = listed.filter(name=spec["company"]).first()
        work_area = ServiceCategory.objects.filter(slug=spec["work_area"]).first()
        municipality = _municipality(company, spec["municipality"]) if company else None
        if company is None or work_area is None or municipality is None:
            continue
        existing = Offer.objects.filter(company=company, work_area=work_area).order_by("pk").first()
        if existing:
            offers[key] = existing
            continue
        fields = {
            name: spec[name]
            for name in ("tasks", "places", "hours_per_week", "supervisor", "supervisor_contact")
        }
        fields.update(
            work_area=work_area,
            adaptations=[str(code) for code in spec["adaptations"]],
            support_measures=[str(code) for code in spec["support_measures"]],
            municipality=municipality,
            location=", ".join(part for part in (company.visiting_address, company.city) if part),
            available_from=today - timedelta(days=AVAILABLE_DAYS_AGO),
            available_to=None,
        )
        offers[key] = services.offer_save(
            offer=None, company=company, fields=fields, actor=_offer_actor(company, coordinator)
        )
    return offers


def _dates(spec: dict[str, Any], today: date) -> tuple[date, date, date | None]:
    """Start, planned end and (for ended placements) the end date, relative to today."""
    if spec["state"] == "planned":
        start = today + timedelta(days=spec["starts_in"])
        return start, start + timedelta(weeks=spec["weeks"]), None
    if spec["state"] == "active":
        return today - timedelta(days=spec["started_days_ago"]), today + timedelta(days=spec["ends_in"]), None
    # Ended this calendar year, whatever today is: between 1 January and yesterday (or today on 1 January).
    year_start = date(today.year, 1, 1)
    span = max((today - year_start).days - 1, 0)
    ended = year_start + timedelta(days=round(span * spec["at"]))
    start = ended - timedelta(weeks=spec["weeks"])
    return start, max(start + timedelta(weeks=spec["planned_weeks"]), ended), ended


def _register(specs: dict[str, dict[str, Any]], placements: list[dict[str, Any]], coordinator, today):
    """Register the participants, consent given a little before their first placement starts."""
    participants = {}
    for key, fields in specs.items():
        starts = [_dates(spec, today)[0] for spec in placements if spec["participant"] == key]
        given_on = min([*starts, today]) - timedelta(days=10)
        participants[key] = services.participant_register(
            organisation=coordinator.organisation,
            fields=dict(fields),
            consent={
                "given_on": given_on,
                "scope": CONSENT_SCOPE,
                "sus_form_collected": key not in NO_SUS_FORM,
            },
            actor=coordinator,
        )
    return participants


def _create(participant: Participant, offers: list[Offer], spec: dict[str, Any], coordinator, today):
    """Create the placement at the first offer that has room, trying the intended offer first."""
    start, planned_end, _ = _dates(spec, today)
    for offer in offers:
        fields = {
            "support_measure": spec["support_measure"],
            "start_on": start,
            "planned_end_on": planned_end,
            "hours_per_week": min(spec["hours_per_week"], offer.hours_per_week),
            "supervisor": offer.supervisor,
            "goals": spec["goals"],
        }
        try:
            with transaction.atomic():
                return services.placement_create(
                    participant=participant, offer=offer, fields=fields, actor=coordinator
                )
        except DomainError:
            continue
    return None


def _hold_follow_ups(placement: Placement, *, until: date, limit: int | None, coordinator) -> None:
    """Record the regular follow-ups due by `until` (at most `limit`) as held on their due date."""
    due = placement.follow_ups.filter(
        kind=FollowUp.Kind.REGULAR, held_on__isnull=True, due_on__lte=until
    ).order_by("due_on")
    for index, follow_up in enumerate(due[:limit] if limit is not None else due):
        services.follow_up_record(
            follow_up=follow_up,
            held_on=follow_up.due_on,
            note=FOLLOW_UP_NOTES[index % len(FOLLOW_UP_NOTES)],
            actor=coordinator,
        )


def _seed_placements(placements, participants, offers, coordinator, today) -> int:
    created = 0
    for spec in placements:
        participant = participants[spec["participant"]]
        intended = offers.get(spec["offer"])
        candidates = [intended] if intended else []
        candidates += [offer for key, offer in offers.items() if key != spec["offer"]]
        placement = _create(participant, candidates, spec, coordinator, today)
        if placement is None:
            continue
        created += 1
        if spec["state"] == "planned":
            continue
        placement = services.placement_start(placement=placement, actor=coordinator)
        if spec["state"] == "active":
            _hold_follow_ups(placement, until=today, limit=spec["held"], coordinator=coordinator)
            continue
        ended_on = _dates(spec, today)[2]
        _hold_follow_ups(placement, until=min(ended_on, today), limit=None, coordinator=coordinator)
        placement = services.placement_end(
            placement=placement,
            fields={"ended_on": ended_on, **{name: str(value) for name, value in spec["end"].items()}},
            interrupted=spec["state"] == "interrupted",
            actor=coordinator,
        )
        if spec.get("outcome_90"):
            after = placement.follow_ups.filter(kind=FollowUp.Kind.AFTER_90_DAYS, due_on__lte=today).first()
            if after:
                services.follow_up_record(
                    follow_up=after,
                    held_on=after.due_on,
                    note=FOLLOW_UP_NOTES[0],
                    actor=coordinator,
                    outcome_90=str(spec["outcome_90"]),
                )
    return created


@demo_seeder
def seed_placements(stdout) -> None:
    """Create demo offers, participants and placements once; nothing when Örebro kommun already has participants."""
    coordinator = _coordinator(COORDINATOR_EMAIL)
    if coordinator is None:
        stdout.write(f"Demo placements: skipped, the coordinator {COORDINATOR_EMAIL} is missing.")
        return
    if Participant.objects.filter(organisation=coordinator.organisation).exists():
        stdout.write("Demo placements: already there.")
        return
    if not Company.objects.listed().exists():
        stdout.write(
            "Demo placements: skipped, there are no verified companies (run the companies seeder first)."
        )
        return
    today = timezone.localdate()
    # All or nothing (a savepoint inside seed_demo's transaction): a half-seeded demo would be skipped next time.
    with transaction.atomic():
        offers = _seed_offers(coordinator, today)
        if not offers:
            stdout.write("Demo placements: skipped, none of the demo companies is listed.")
            return
        participants = _register(ORGANISATION_PARTICIPANTS, ORGANISATION_PLACEMENTS, coordinator, today)
        placed = _seed_placements(ORGANISATION_PLACEMENTS, participants, offers, coordinator, today)
        forbund_coordinator = _coordinator(FORBUND_COORDINATOR_EMAIL)
        if forbund_coordinator is None:
            stdout.write(
                f"Demo placements: no förbund placements, the coordinator {FORBUND_COORDINATOR_EMAIL} is missing."
            )
        elif not Participant.objects.filter(organisation=forbund_coordinator.organisation).exists():
            forbund = _register(FORBUND_PARTICIPANTS, FORBUND_PLACEMENTS, forbund_coordinator, today)
            # The förbund's participants train in its member municipalities (Hallsberg, Askersund, Kumla).
            local = {
                key: offer
                for key, offer in offers.items()
                if offer.municipality.code in ("1861", "1881", "1882")
            }
            placed += _seed_placements(
                FORBUND_PLACEMENTS, forbund, local or offers, forbund_coordinator, today
            )
            participants.update(forbund)
    stdout.write(
        f"Demo placements: {len(offers)} offers, {len(participants)} participants, {placed} placements."
    )
