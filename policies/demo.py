"""Demo policies for `manage.py seed_demo`: Örebro kommun's ASF contacts, partners, policy and action plan.

Everything that has a service is created through it (contacts, policies, plans, activities, progress notes), so the
same rules and audit trail apply as for real data; indicators, milestones and partner roles have no service and are
plain creates. Dates are relative to today: the adopted policy is about fourteen months old, the four-year plan
(last year to two years ahead) has activities in every status, and its goals show every traffic light: one
ongoing activity has passed its end ("late"), one lags behind its schedule ("at risk"), the others are on track.
Samordningsförbundet Sydnärke gets a one-year plan with three activities a förbund may do. Örebro's contract totals
are entered and this year's annual report is generated from all the demo data. The seeder does nothing
when Örebro kommun already has an action plan, so it can run again.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from asfportal.accounts.models import Organisation, User
from asfportal.core.demo import demo_seeder

from . import services
from .models import (
    ActionPlan,
    Activity,
    AnnualReport,
    ContactPerson,
    Indicator,
    Milestone,
    PartnerRole,
    Policy,
)

COORDINATOR_EMAIL = "samordnare@orebro.example"
FORBUND_COORDINATOR_EMAIL = "samordnare@sydnarke.example"

# (name, title, responsibility, e-mail, phone) of Örebro kommun's ASF contacts, shown on "Vem kontaktar jag?".
CONTACTS = [
    (
        "Anna Sjöberg",
        "Utvecklingsledare för socialt företagande",
        ContactPerson.Responsibility.EXTERNAL,
        "anna.sjoberg@orebro.example",
        "019-21 10 42",
    ),
    (
        "Johan Eriksson",
        "Upphandlingsstrateg",
        ContactPerson.Responsibility.PROCUREMENT,
        "johan.eriksson@orebro.example",
        "019-21 10 57",
    ),
    (
        "Amira Hassan",
        "Enhetschef, Arbetsmarknadsenheten",
        ContactPerson.Responsibility.LABOUR_MARKET,
        "amira.hassan@orebro.example",
        "019-21 11 30",
    ),
]

# Partner organisations (seed_demo's organisations and the reference region) by name, with their role locally.
PARTNERS = [
    (
        "Arbetsförmedlingen",
        "Anvisar deltagare till arbetsträning och beslutar om lönestöd när ett ASF anställer.",
    ),
    (
        "Coompanion Örebro län",
        "Ger kostnadsfri rådgivning till den som vill starta eller utveckla ett arbetsintegrerande socialt företag.",
    ),
    (
        "Region Örebro län",
        "Samverkar om arbetslivsinriktad rehabilitering och om stöd till personer med psykisk ohälsa.",
    ),
]

POLICY_TITLE = "Policy för arbetsintegrerande sociala företag"
POLICY_TEXT = """\
## Syfte

Örebro kommun vill att fler invånare som står långt från arbetsmarknaden ska få ett arbete. Arbetsintegrerande
sociala företag (ASF) skapar arbete och arbetsträning för personer i den gruppen och återinvesterar sitt överskott
i verksamheten. Policyn beskriver hur kommunen ser på ASF och hur förvaltningar och bolag ska samverka med dem.

## Kommunens hållning

Kommunen ser ASF både som leverantörer och som samverkanspartner. Det innebär att kommunen ska

- använda reserverad upphandling och sociala hänsyn när det är möjligt och lämpligt,
- erbjuda arbetsträning och arbetslivsinriktad rehabilitering hos ASF i samarbete med Arbetsförmedlingen,
- pröva idéburet offentligt partnerskap (IOP) när verksamheten inte passar för upphandling,
- ge ASF samma tillgång till information om kommande upphandlingar som andra leverantörer.

## Stöd utan styrning

Kommunens stöd ska stärka företagen utan att styra dem. ASF är självständiga: kommunen äger inte företagen, sitter
inte i deras styrelser och anställer inte deras personal. Stöd ges öppet och på lika villkor, och rådgivning vid
start och utveckling sker i första hand genom Coompanion Örebro län.

## Uppföljning

Kommunstyrelsen antar en handlingsplan med mål, aktiviteter och indikatorer och följer upp den varje år. Policyn
ses över senast under mandatperiodens sista år.
"""

DRAFT_POLICY_TITLE = "Riktlinjer för reserverad upphandling och IOP"
DRAFT_POLICY_TEXT = """\
## Utkast

Riktlinjerna beskriver när en upphandling kan reserveras för verksamheter vars huvudsyfte är social och
yrkesmässig integration (19 kap. 1 a § LOU) och när ett idéburet offentligt partnerskap är ett bättre val.

- Varje förvaltning går årligen igenom sina kommande upphandlingar tillsammans med upphandlingsenheten.
- Reserverade kontrakt annonseras i portalen och på kommunens webbplats.
"""

PLAN_TITLE = "Handlingsplan för socialt företagande"
GOALS = [
    "Ökad kunskap om ASF",
    "Fler ASF som leverantörer",
    "Fler arbetsträningsplatser",
    "Långsiktiga förutsättningar",
]

# Örebro kommun's activities. goal: index in GOALS; start/end: days from today (kept inside the plan's years);
# responsible: a partner's name, or None for Örebro kommun. Among the ongoing ones, "Kartläggning ..." has passed
# its end (late) and "Arbetsträningsplatser ..." lags its schedule (at risk).
ACTIVITIES: list[dict[str, Any]] = [
    {
        "key": "manager_training",
        "goal": 0,
        "title": "Utbildning om ASF för chefer i kommunen",
        "description": "Halvdagsutbildning för chefer i alla förvaltningar om vad ett ASF är, hur man köper tjänster av dem och hur arbetsträning hos ASF går till.",
        "kind": Activity.Kind.STRUCTURAL,
        "category": Activity.Category.AWARENESS,
        "responsible": None,
        "person": "Anna Sjöberg",
        "partners": "Coompanion Örebro län",
        "start": -330,
        "end": -200,
        "budget": 60000,
        "status": Activity.Status.DONE,
    },
    {
        "key": "inspiration_day",
        "goal": 0,
        "title": "Inspirationsdag om socialt företagande",
        "description": "En öppen dag på Kulturkvarteret där lokala ASF berättar om sina verksamheter för politiker, tjänstepersoner och företagare.",
        "kind": Activity.Kind.STRUCTURAL,
        "category": Activity.Category.AWARENESS,
        "responsible": "Coompanion Örebro län",
        "person": "Lina Persson",
        "partners": "Örebro kommun, Region Örebro län",
        "start": -250,
        "end": -240,
        "budget": 25000,
        "status": Activity.Status.DONE,
    },
    {
        "key": "web_page",
        "goal": 0,
        "title": "Informationssida om ASF på kommunens webbplats",
        "description": "Samlad information för företag och medarbetare: vem man kontaktar, kommande upphandlingar och hur arbetsträning hos ASF går till.",
        "kind": Activity.Kind.STRUCTURAL,
        "category": Activity.Category.AWARENESS,
        "responsible": None,
        "person": "Anna Sjöberg",
        "partners": "",
        "start": -120,
        "end": 120,
        "budget": 15000,
        "status": Activity.Status.ONGOING,
        "progress": 45,
    },
    {
        "key": "reserved_cleaning",
        "goal": 1,
        "title": "Reserverad upphandling av lokalvård",
        "description": "Lokalvården i tre av kommunens förskolor upphandlades som ett reserverat kontrakt. Två ASF lämnade anbud och avtal tecknades med ett av dem.",
        "kind": Activity.Kind.STRUCTURAL,
        "category": Activity.Category.PROCUREMENT,
        "responsible": None,
        "person": "Johan Eriksson",
        "partners": "Förskoleförvaltningen",
        "start": -420,
        "end": -60,
        "budget": None,
        "status": Activity.Status.DONE,
    },
    {
        "key": "procurement_review",
        "goal": 1,
        "title": "Kartläggning av upphandlingar som kan reserveras",
        "description": "Upphandlingsenheten går igenom avtalskatalogen och listar de avtal som kan reserveras för ASF eller delas upp i mindre delar när de förnyas.",
        "kind": Activity.Kind.STRUCTURAL,
        "category": Activity.Category.PROCUREMENT,
        "responsible": None,
        "person": "Johan Eriksson",
        "partners": "Samtliga förvaltningar",
        "start": -300,
        "end": -25,
        "budget": 40000,
        "status": Activity.Status.ONGOING,
        "progress": 70,
    },
    {
        "key": "iop_reuse",
        "goal": 1,
        "title": "Idéburet offentligt partnerskap (IOP) om återbruk",
        "description": "Förstudie och avtal om ett IOP där ett ASF driver kommunens återbruksverkstad vid återvinningscentralen.",
        "kind": Activity.Kind.STRUCTURAL,
        "category": Activity.Category.PROCUREMENT,
        "responsible": None,
        "person": "Sara Lind",
        "partners": "Tekniska förvaltningen, Coompanion Örebro län",
        "start": 40,
        "end": 400,
        "budget": 150000,
        "status": Activity.Status.PLANNED,
    },
    {
        "key": "work_training_places",
        "goal": 2,
        "title": "Arbetsträningsplatser hos ASF via arbetsmarknadsenheten",
        "description": "Arbetsmarknadsenheten anvisar deltagare till arbetsträning hos ASF och följer upp dem tillsammans med företagens handledare.",
        "kind": Activity.Kind.INDIVIDUAL,
        "category": Activity.Category.WORK_TRAINING,
        "responsible": None,
        "person": "Amira Hassan",
        "partners": "Arbetsförmedlingen",
        "start": -300,
        "end": 100,
        "budget": 400000,
        "status": Activity.Status.ONGOING,
        "progress": 20,
    },
    {
        "key": "supervisors",
        "goal": 2,
        "title": "Handledarstöd till ASF",
        "description": "Kommunen lånar ut en arbetsmarknadskonsulent som handledare till två ASF under ett år, medan företagen rekryterar egna handledare.",
        "kind": Activity.Kind.INDIVIDUAL,
        "category": Activity.Category.SUPERVISOR_FUNDING,
        "responsible": None,
        "person": "Amira Hassan",
        "partners": "Arbetsförmedlingen",
        "start": -200,
        "end": 300,
        "budget": 550000,
        "status": Activity.Status.ONGOING,
        "progress": 35,
        "public_supervisor": True,
        "override_reason": "Tidsbegränsat lån under ett år; företagen leder arbetet och rekryterar egna handledare under tiden.",
    },
    {
        "key": "follow_up_model",
        "goal": 2,
        "title": "Gemensam modell för uppföljning av deltagare",
        "description": "En gemensam mall för att följa upp deltagarnas utveckling hos ASF. Uppskjuten tills Arbetsförmedlingens nya rutiner för arbetsträning är klara.",
        "kind": Activity.Kind.STRUCTURAL,
        "category": Activity.Category.SUPPORT_STRUCTURE,
        "responsible": "Arbetsförmedlingen",
        "person": "Peter Nyström",
        "partners": "Örebro kommun",
        "start": 90,
        "end": 330,
        "budget": None,
        "status": Activity.Status.POSTPONED,
    },
    {
        "key": "region_agreement",
        "goal": 3,
        "title": "Samverkansavtal med Region Örebro län om arbetslivsinriktad rehabilitering",
        "description": "Ett avtal om hur regionens rehabiliteringsinsatser och kommunens arbetsträning hos ASF kan kombineras för samma deltagare.",
        "kind": Activity.Kind.STRUCTURAL,
        "category": Activity.Category.SUPPORT_STRUCTURE,
        "responsible": "Region Örebro län",
        "person": "Elin Håkansson",
        "partners": "Örebro kommun, Samordningsförbundet Sydnärke",
        "start": 60,
        "end": 500,
        "budget": None,
        "status": Activity.Status.PLANNED,
    },
    {
        "key": "start_grant",
        "goal": 3,
        "title": "Kommunal startcheck för nya ASF",
        "description": "Avbruten: ett kontantbidrag till enskilda företag kunde inte ges på lika villkor. Nystartade ASF får i stället rådgivning genom Coompanion.",
        "kind": Activity.Kind.STRUCTURAL,
        "category": Activity.Category.CASH_GRANT,
        "responsible": None,
        "person": "Sara Lind",
        "partners": "",
        "start": -100,
        "end": 200,
        "budget": 200000,
        "status": Activity.Status.CANCELLED,
    },
    {
        "key": "premises",
        "goal": 3,
        "title": "Lokaler för ASF i kommunens fastigheter",
        "description": "Fastighetsförvaltningen inventerar tomma lokaler som kan hyras ut till ASF på marknadsmässiga villkor, och annonserar dem öppet.",
        "kind": Activity.Kind.STRUCTURAL,
        "category": Activity.Category.START_OR_DEVELOP_ASF,
        "responsible": None,
        "person": "Sara Lind",
        "partners": "Fastighetsförvaltningen, Coompanion Örebro län",
        "start": -60,
        "end": 300,
        "budget": 80000,
        "status": Activity.Status.ONGOING,
        "progress": 15,
    },
]

# (activity key, name, baseline, target, Kolada key figure, actuals as {years before this one: value}).
INDICATORS = [
    ("manager_training", "Chefer som har gått utbildningen (antal)", 0, 120, "", {1: 45, 0: 88}),
    ("reserved_cleaning", "Avtal med ASF (antal)", 4, 15, "", {1: 6, 0: 9}),
    ("work_training_places", "Arbetsträningsplatser hos ASF (antal)", 12, 40, "", {1: 15, 0: 21}),
    ("work_training_places", "Arbetslöshet i kommunen, andel (%)", "8.4", "6.5", "N00945", {1: 8.1, 0: 7.9}),
]

# (activity key, title, due: days from today, done: days from today or None).
MILESTONES = [
    ("manager_training", "Utbildningsmaterialet är klart", -300, -305),
    ("manager_training", "Alla förvaltningar har haft ett utbildningstillfälle", -200, -205),
    ("procurement_review", "Avtalskatalogen är genomgången", -150, -140),
    ("procurement_review", "Rapport till kommunstyrelsen", -30, None),
    ("work_training_places", "Tio nya platser hos ASF", 60, None),
]

# (activity key, note, new progress): recorded today through services.progress_record.
PROGRESS_NOTES = [
    (
        "work_training_places",
        "Två nya ASF tar emot deltagare sedan i höstas, men bristen på handledare gör att fler platser dröjer. "
        "Handledarstödet ska korta väntan.",
        25,
    ),
    (
        "premises",
        "Två lokaler i Vivalla och på Väster är inventerade; annonseringen förbereds tillsammans med Coompanion.",
        20,
    ),
]

FORBUND_PLAN_TITLE = "Handlingsplan för samverkan med arbetsintegrerande sociala företag"
FORBUND_GOALS = ["Fler deltagare i arbetsträning hos ASF", "Ökad kunskap hos förbundets parter"]
# Only what a samordningsförbund may do (services.FORBUND_FORBIDDEN): awareness, work training, supervisor funding.
FORBUND_ACTIVITIES: list[dict[str, Any]] = [
    {
        "goal": 1,
        "title": "Utbildningsdag om ASF för handläggare hos parterna",
        "description": "En gemensam utbildningsdag för handläggare från kommunerna, Region Örebro län, Arbetsförmedlingen och Försäkringskassan.",
        "kind": Activity.Kind.STRUCTURAL,
        "category": Activity.Category.AWARENESS,
        "partners": "Coompanion Örebro län",
        "start": -120,
        "end": -119,
        "budget": 30000,
        "status": Activity.Status.DONE,
    },
    {
        "goal": 0,
        "title": "Arbetsträning hos ASF inom insatsen Steget vidare",
        "description": "Deltagare i förbundets insats Steget vidare arbetstränar hos ASF i Hallsberg, Kumla och Askersund med stöd av en gemensam coach.",
        "kind": Activity.Kind.INDIVIDUAL,
        "category": Activity.Category.WORK_TRAINING,
        "partners": "Hallsbergs kommun, Kumla kommun, Askersunds kommun, Arbetsförmedlingen",
        "start": None,
        "end": None,
        "budget": 650000,
        "status": Activity.Status.ONGOING,
    },
    {
        "goal": 0,
        "title": "Medfinansiering av handledare hos ASF",
        "description": "Förbundet finansierar tillsammans med parterna del av lönen för handledare som är anställda av ASF och tar emot förbundets deltagare.",
        "kind": Activity.Kind.INDIVIDUAL,
        "category": Activity.Category.SUPERVISOR_FUNDING,
        "partners": "Arbetsförmedlingen, Försäkringskassan",
        "start": None,
        "end": None,
        "budget": 300000,
        "status": Activity.Status.ONGOING,
    },
]


def _months_from(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _within(day: date, first: date, last: date) -> date:
    return min(max(day, first), last)


def _coordinator(email: str) -> User | None:
    return (
        User.objects.filter(email__iexact=email, organisation__isnull=False)
        .select_related("organisation")
        .first()
    )


def _seed_contacts(organisation: Organisation, actor: User) -> int:
    for name, title, responsibility, email, phone in CONTACTS:
        services.contact_save(
            contact=None,
            organisation=organisation,
            fields={
                "name": name,
                "title": title,
                "responsibility": responsibility,
                "email": email,
                "phone": phone,
            },
            actor=actor,
        )
    return len(CONTACTS)


def _seed_partners(organisation: Organisation) -> dict[str, Organisation]:
    partners = {}
    for name, role in PARTNERS:
        partner = Organisation.objects.filter(name=name).order_by("pk").first()
        if partner is None:
            continue
        PartnerRole.objects.get_or_create(organisation=organisation, partner=partner, defaults={"role": role})
        partners[name] = partner
    return partners


def _seed_policies(organisation: Organisation, actor: User, today: date) -> list[Policy]:
    """The adopted policy first, then a draft."""
    adopted = services.policy_save(
        policy=None,
        organisation=organisation,
        fields={
            "title": POLICY_TITLE,
            "status": Policy.Status.ADOPTED,
            "adopted_by": "Kommunfullmäktige",
            "adopted_on": _months_from(today, -14),
            "review_on": _months_from(today, 10),
            "text": POLICY_TEXT,
        },
        actor=actor,
    )
    draft = services.policy_save(
        policy=None,
        organisation=organisation,
        fields={"title": DRAFT_POLICY_TITLE, "status": Policy.Status.DRAFT, "text": DRAFT_POLICY_TEXT},
        actor=actor,
    )
    return [adopted, draft]


def _seed_plan(
    organisation: Organisation, policy: Policy, partners: dict[str, Organisation], actor: User, today: date
) -> ActionPlan:
    plan = services.plan_save(
        plan=None,
        organisation=organisation,
        fields={
            "title": PLAN_TITLE,
            "policy": policy,
            "start_year": today.year - 1,
            "end_year": today.year + 2,
            "adopted_by": "Kommunstyrelsen",
            "adopted_on": _months_from(today, -11),
        },
        goals=GOALS,
        actor=actor,
    )
    goals = {goal.title: goal for goal in plan.goals.all()}
    first, last = date(plan.start_year, 1, 1), date(plan.end_year, 12, 31)
    activities = {}
    for spec in ACTIVITIES:
        start_on = _within(today + timedelta(days=spec["start"]), first, last)
        end_on = max(_within(today + timedelta(days=spec["end"]), first, last), start_on)
        fields = {
            "goal": goals[GOALS[spec["goal"]]],
            "title": spec["title"],
            "description": spec["description"],
            "kind": spec["kind"],
            "category": spec["category"],
            "responsible_organisation": partners.get(spec["responsible"], organisation),
            "responsible_person": spec["person"],
            "partners": spec["partners"],
            "start_on": start_on,
            "end_on": end_on,
            "budget": Decimal(spec["budget"]) if spec["budget"] is not None else None,
            "status": spec["status"],
            "progress": spec.get("progress"),
            "public_supervisor": spec.get("public_supervisor", False),
            "override_reason": spec.get("override_reason", ""),
        }
        activities[spec["key"]] = services.activity_save(activity=None, plan=plan, fields=fields, actor=actor)
    for key, name, baseline, target, kolada_id, actuals in INDICATORS:
        Indicator.objects.create(
            activity=activities[key],
            name=name,
            baseline=Decimal(baseline),
            target=Decimal(target),
            kolada_id=kolada_id,
            actuals={str(today.year - back): value for back, value in sorted(actuals.items(), reverse=True)},
        )
    for key, title, due, done in MILESTONES:
        Milestone.objects.create(
            activity=activities[key],
            title=title,
            due_on=today + timedelta(days=due),
            done_on=today + timedelta(days=done) if done is not None else None,
        )
    for key, text, progress in PROGRESS_NOTES:
        activity = activities[key]
        services.progress_record(
            activity=activity, text=text, status=activity.status, progress=progress, actor=actor
        )
    return plan


def _seed_forbund_plan(actor: User, today: date) -> ActionPlan:
    """A one-year plan for the current year; ongoing activities run all year with progress matching the date."""
    organisation = actor.organisation
    plan = services.plan_save(
        plan=None,
        organisation=organisation,
        fields={
            "title": FORBUND_PLAN_TITLE,
            "start_year": today.year,
            "end_year": today.year,
            "adopted_by": "Förbundsstyrelsen",
            "adopted_on": date(today.year - 1, 12, 12),
        },
        goals=FORBUND_GOALS,
        actor=actor,
    )
    goals = {goal.title: goal for goal in plan.goals.all()}
    first, last = date(today.year, 1, 1), date(today.year, 12, 31)
    on_schedule = min(95, round(100 * (today - first).days / (last - first).days))
    for spec in FORBUND_ACTIVITIES:
        if spec["start"] is None:
            start_on, end_on, progress = first, last, on_schedule
        else:
            start_on = _within(today + timedelta(days=spec["start"]), first, last)
            end_on = max(_within(today + timedelta(days=spec["end"]), first, last), start_on)
            progress = None
        services.activity_save(
            activity=None,
            plan=plan,
            fields={
                "goal": goals[FORBUND_GOALS[spec["goal"]]],
                "title": spec["title"],
                "description": spec["description"],
                "kind": spec["kind"],
                "category": spec["category"],
                "responsible_organisation": organisation,
                "responsible_person": actor.full_name,
                "partners": spec["partners"],
                "start_on": start_on,
                "end_on": end_on,
                "budget": Decimal(spec["budget"]),
                "status": spec["status"],
                "progress": progress,
            },
            actor=actor,
        )
    return plan


@demo_seeder
def seed_policies(stdout) -> None:
    """Create Örebro kommun's (and Sydnärke's) demo policy work once; nothing when Örebro has an action plan."""
    coordinator = _coordinator(COORDINATOR_EMAIL)
    if coordinator is None:
        stdout.write(f"Demo policies: skipped, the coordinator {COORDINATOR_EMAIL} is missing.")
        return
    organisation = coordinator.organisation
    if ActionPlan.objects.filter(organisation=organisation).exists():
        stdout.write("Demo policies: already there.")
        return
    today = timezone.localdate()
    # All or nothing (a savepoint inside seed_demo's transaction): a half-seeded demo would be skipped next time.
    with transaction.atomic():
        contacts = _seed_contacts(organisation, coordinator)
        partners = _seed_partners(organisation)
        policies = _seed_policies(organisation, coordinator, today)
        plans = [_seed_plan(organisation, policies[0], partners, coordinator, today)]
        forbund_coordinator = _coordinator(FORBUND_COORDINATOR_EMAIL)
        if forbund_coordinator is None:
            stdout.write(
                f"Demo policies: no förbund plan, the coordinator {FORBUND_COORDINATOR_EMAIL} is missing."
            )
        elif not ActionPlan.objects.filter(organisation=forbund_coordinator.organisation).exists():
            plans.append(_seed_forbund_plan(forbund_coordinator, today))
    report = _seed_report(organisation, coordinator, today)
    activities = Activity.objects.filter(plan__in=plans).count()
    stdout.write(
        f"Demo policies: {contacts} contacts, {len(policies)} policies, {len(plans)} plans with {activities} activities"
        f" ({len(partners)} partners); annual report {report.year} generated ({report.status})."
    )


# Örebro kommun's total contract value per year (from its finance system), for the ASF share in the report.
CONTRACT_TOTALS = {0: Decimal(61_500_000), -1: Decimal(58_200_000)}


def _seed_report(organisation: Organisation, actor: User, today: date) -> AnnualReport:
    """This year's report so far, generated at once (the demo runs before any worker is up): the task sent on
    commit finds it finished and leaves it alone."""
    for offset, total in CONTRACT_TOTALS.items():
        services.contract_total_save(
            organisation=organisation, year=today.year + offset, total_value=total, actor=actor
        )
    report = services.report_request(organisation=organisation, year=today.year, actor=actor)
    return services.report_build(report_id=report.pk)
