"""National-scale steering for `manage.py seed_scale`: action plans of every kommun, region and förbund with goals,
activities, indicators, milestones and a few progress notes, contract totals and "Vem kontaktar jag?" contacts
(see asfportal/core/scale.py).

Bulk inserts skip the services, so their rules are kept here by construction: activities lie inside their plan's
years and in one of its goals, a förbund's plan has none of the categories a förbund may not have
(services.FORBUND_FORBIDDEN), a publicly employed supervisor comes with a reason, and nothing is done in the
future. Statuses follow the dates (what has ended is mostly done, what has not started is mostly planned), so the
traffic lights show a mix of on track, at risk and late.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from asfportal.accounts.models import Organisation
from asfportal.core.scale import ScaleContext, bulk, scale_seeder

from .models import (
    ActionPlan,
    Activity,
    ContactPerson,
    ContractTotal,
    Goal,
    Indicator,
    Milestone,
    ProgressNote,
)
from .services import FORBUND_FORBIDDEN

LARGE_PLAN_SHARE = 0.016  # of all activities, in Stockholm's current plan (400 at the default size)
INDICATOR_SHARE = MILESTONE_SHARE = 1 / 3
NOTE_SHARE = 0.03

THEMES = [
    "Handlingsplan för socialt företagande",
    "Handlingsplan för arbetsintegrerande sociala företag",
    "Plan för reserverad upphandling och IOP",
    "Handlingsplan för arbetsträning hos ASF",
    "Strategi för samverkan med idéburen sektor",
]
FORBUND_THEMES = [
    "Handlingsplan för samverkan med arbetsintegrerande sociala företag",
    "Verksamhetsplan för insatser hos ASF",
]
ADOPTING_BODY = {
    Organisation.Kind.KOMMUN: "Kommunfullmäktige",
    Organisation.Kind.REGION: "Regionfullmäktige",
    Organisation.Kind.SAMORDNINGSFORBUND: "Förbundsstyrelsen",
}
GOALS = [
    "Ökad kunskap om ASF",
    "Fler ASF som leverantörer",
    "Fler arbetsträningsplatser",
    "Långsiktiga förutsättningar",
    "Fler deltagare går vidare till arbete",
    "Stärkt samverkan mellan parterna",
    "Fler reserverade upphandlingar",
]
# Category -> (title, description) of typical activities.
ACTIVITIES = {
    Activity.Category.AWARENESS: [
        ("Utbildning om ASF för chefer", "Halvdagsutbildning för chefer i alla förvaltningar om vad ett ASF är."),
        ("Inspirationsdag om socialt företagande", "En öppen dag där lokala ASF berättar om sina verksamheter."),
        ("Informationssida om ASF", "Samlad information för företag och medarbetare på webbplatsen."),
    ],
    Activity.Category.PROCUREMENT: [
        ("Reserverad upphandling av lokalvård", "Lokalvården i några verksamheter upphandlas som reserverat kontrakt."),
        ("Kartläggning av upphandlingar som kan reserveras", "Avtalskatalogen gås igenom inför förnyelser."),
        ("IOP om återbruk", "Förstudie och avtal om ett idéburet offentligt partnerskap om återbruk."),
    ],
    Activity.Category.WORK_TRAINING: [
        ("Arbetsträningsplatser hos ASF", "Deltagare anvisas till arbetsträning hos ASF och följs upp gemensamt."),
        ("Arbetsträning inom insatsen Steget vidare", "Deltagare arbetstränar hos ASF med stöd av en coach."),
    ],
    Activity.Category.SUPPORT_STRUCTURE: [
        ("Samverkansavtal om arbetslivsinriktad rehabilitering", "Ett avtal om hur insatserna kan kombineras."),
        ("Gemensam modell för uppföljning av deltagare", "En gemensam mall för att följa upp deltagarna."),
    ],
    Activity.Category.SUPERVISOR_FUNDING: [
        ("Handledarstöd till ASF", "Medfinansiering av handledare som tar emot deltagare."),
    ],
    Activity.Category.CASH_GRANT: [
        ("Startcheck för nya ASF", "Ett bidrag till nystartade företag efter ansökan."),
    ],
    Activity.Category.START_OR_DEVELOP_ASF: [
        ("Lokaler för ASF i kommunens fastigheter", "Tomma lokaler inventeras och annonseras öppet."),
        ("Rådgivning vid start av ASF", "Rådgivning till nya ASF genom Coompanion."),
    ],
    Activity.Category.MEMBERSHIP: [
        ("Medlemskap i Skoopi", "Medlemskap i intresseorganisationen för arbetsintegrerande sociala företag."),
    ],
    Activity.Category.STAFF_COMPETENCE: [
        ("Kompetensutveckling för ASF:s handledare", "En kursserie i handledning för personal hos ASF."),
    ],
    Activity.Category.OTHER: [
        ("Årlig uppföljning av handlingsplanen", "Uppföljning och rapport till fullmäktige."),
    ],
}  # fmt: skip
INDIVIDUAL_CATEGORIES = {Activity.Category.WORK_TRAINING, Activity.Category.SUPERVISOR_FUNDING}
PARTNERS = ["", "Arbetsförmedlingen", "Coompanion", "Försäkringskassan, Arbetsförmedlingen",
            "Regionen", "Samtliga förvaltningar", "Samordningsförbundet"]  # fmt: skip
# (name, baseline, target, Kolada key figure): counts for most, the municipality's unemployment for some.
INDICATORS = [
    ("Arbetsträningsplatser hos ASF (antal)", 10, 40, ""),
    ("Avtal med ASF (antal)", 2, 12, ""),
    ("Chefer som har gått utbildningen (antal)", 0, 120, ""),
    ("Deltagare som går vidare till arbete (antal)", 5, 30, ""),
    ("Arbetslöshet i kommunen, andel (%)", Decimal("8.4"), Decimal("6.5"), "N00945"),
]
MILESTONES = ["Underlaget är klart", "Beslut i nämnden", "Första tillfället genomfört", "Rapport till styrelsen",
              "Avtal tecknat", "Utvärdering klar"]  # fmt: skip
NOTES = [
    "Arbetet går enligt plan; nästa steg är bokat med parterna.",
    "Bristen på handledare gör att fler platser dröjer.",
    "Förseningen beror på att upphandlingen överprövades.",
    "Två nya ASF deltar sedan i höstas.",
]
FIRST_NAMES = ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Sara", "Peter", "Fatima", "Ahmed", "Elin",
               "Mikael", "Linnea", "Hassan", "Eva", "Jonas", "Amira", "Per", "Sofia", "Ali"]  # fmt: skip
LAST_NAMES = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
              "Svensson", "Gustafsson", "Lindberg", "Hassan", "Holm", "Berg", "Lund", "Strand"]  # fmt: skip
CONTACT_TITLES = {
    ContactPerson.Responsibility.EXTERNAL: "Utvecklingsledare för socialt företagande",
    ContactPerson.Responsibility.INTERNAL: "Verksamhetsutvecklare",
    ContactPerson.Responsibility.PROCUREMENT: "Upphandlingsstrateg",
    ContactPerson.Responsibility.BUSINESS: "Näringslivsutvecklare",
    ContactPerson.Responsibility.LABOUR_MARKET: "Enhetschef, Arbetsmarknadsenheten",
}
ASCII = str.maketrans("åäöé", "aaoe")


def _plan_owners(ctx: ScaleContext, kinds: dict[int, str]) -> list[int]:
    """One organisation id per plan: every organisation once when there are enough plans (Stockholm first), the
    rest drawn at random so that some have two or more."""
    rng, wanted = ctx.rng, ctx.sizes["plans"]
    others = [pk for pk in kinds if pk != ctx.largest_id]
    if wanted <= len(kinds):
        return [ctx.largest_id, *rng.sample(others, wanted - 1)]
    return [ctx.largest_id, *others, *(rng.choice(list(kinds)) for _ in range(wanted - len(kinds)))]


def _plans(ctx: ScaleContext, kinds: dict[int, str]) -> list[ActionPlan]:
    rng, year, today = ctx.rng, ctx.today.year, ctx.today
    plans, seen, earliest = [], {}, {}
    for organisation in _plan_owners(ctx, kinds):
        kind = kinds[organisation]
        count = seen[organisation] = seen.get(organisation, 0) + 1
        themes = FORBUND_THEMES if kind == Organisation.Kind.SAMORDNINGSFORBUND else THEMES
        title = themes[(count - 1) % len(themes)]
        if count == 1:
            # The current plan; Stockholm's is the large four-year one.
            if organisation == ctx.largest_id:
                start, end = year - 1, year + 2
            else:
                start = year - rng.randint(0, 2)
                end = min(max(year, start + rng.randint(0, 3)), start + 3)
        elif rng.random() < 0.4:
            # The plan before the earliest one so far, adopted and run out.
            end = earliest[organisation] - 1
            start = end - rng.randint(0, 3)
            title = f"{title} {start}-{end}"
        else:
            # A plan on another theme, beside the current one.
            start = year + rng.randint(-2, 1)
            end = start + rng.randint(0, 3)
            if count > len(themes):
                title = f"{title} {start}-{end}"
        earliest[organisation] = min(start, earliest.get(organisation, start))
        current = organisation == ctx.largest_id and count == 1
        adopted = current or end < year or rng.random() < (0.5 if start > year else 0.9)
        adopted_on = None
        if adopted:
            # Adopted in the autumn before the first year, never after today.
            adopted_on = min(date(start - 1, rng.randint(9, 12), rng.randint(1, 28)), today)
        body = ADOPTING_BODY[kind]
        if kind == Organisation.Kind.KOMMUN and rng.random() < 0.2:
            body = "Kommunstyrelsen"
        plans.append(
            ActionPlan(
                organisation_id=organisation,
                title=title,
                start_year=start,
                end_year=end,
                adopted_by=body if adopted else "",
                adopted_on=adopted_on,
            )
        )
    return bulk(ActionPlan, plans)


def _status(ctx: ScaleContext, start: date, end: date) -> str:
    """A status that fits the dates: ended work is mostly done, work not yet started mostly planned."""
    rng, today, s = ctx.rng, ctx.today, Activity.Status
    draw = rng.random()
    if end < today:
        choices = ((0.70, s.DONE), (0.80, s.CANCELLED), (0.95, s.ONGOING), (1, s.POSTPONED))
    elif start > today:
        choices = ((0.80, s.PLANNED), (0.95, s.POSTPONED), (1, s.CANCELLED))
    else:
        choices = (
            (0.75, s.ONGOING),
            (0.80, s.PLANNED),
            (0.90, s.POSTPONED),
            (0.95, s.DONE),
            (1, s.CANCELLED),
        )
    return next(status for limit, status in choices if draw < limit)


def _progress(ctx: ScaleContext, status: str, start: date, end: date) -> int | None:
    rng, s = ctx.rng, Activity.Status
    if status == s.DONE:
        return 100 if rng.random() < 0.8 else None
    if status == s.ONGOING:
        if rng.random() < 0.1:
            return None
        # Around the share of time elapsed, often behind (at risk), sometimes ahead.
        span = max((end - start).days, 1)
        elapsed = 100 * min(max((ctx.today - start).days, 0), span) / span
        return min(max(round(elapsed + rng.uniform(-40, 15)), 0), 100)
    if status == s.PLANNED:
        return 0 if rng.random() < 0.5 else None
    return rng.randint(0, 40) if rng.random() < 0.5 else None


@scale_seeder
def seed_policies(ctx: ScaleContext) -> str:
    rng, today, year = ctx.rng, ctx.today, ctx.today.year
    kinds = dict.fromkeys(ctx.kommun_ids, Organisation.Kind.KOMMUN)
    kinds.update(dict.fromkeys(ctx.region_ids, Organisation.Kind.REGION))
    kinds.update(dict.fromkeys(ctx.forbund_ids, Organisation.Kind.SAMORDNINGSFORBUND))
    plans = _plans(ctx, kinds)

    goals = bulk(
        Goal,
        (
            Goal(plan_id=plan.pk, title=title, order=order)
            for plan in plans
            for order, title in enumerate(rng.sample(GOALS, rng.randint(2, 5)), start=1)
        ),
    )
    goals_of: dict[int, list[int]] = {}
    for goal in goals:
        goals_of.setdefault(goal.plan_id, []).append(goal.pk)

    # Stockholm's current plan (the first) is the large one; every other plan gets one activity, then the rest
    # at random.
    total = ctx.sizes["activities"]
    large = min(total, max(30, round(total * LARGE_PLAN_SHARE)))
    counts = [large] + [0] * (len(plans) - 1)
    rest = total - large
    if len(plans) > 1:
        if rest >= len(plans) - 1:
            counts[1:] = [1] * (len(plans) - 1)
            rest -= len(plans) - 1
        for _ in range(rest):
            counts[rng.randrange(1, len(plans))] += 1
    all_categories = list(Activity.Category)
    forbund_categories = [c for c in all_categories if c not in FORBUND_FORBIDDEN]

    activities, taken = [], set()
    for plan, count in zip(plans, counts, strict=True):
        first, last = date(plan.start_year, 1, 1), date(plan.end_year, 12, 31)
        span = (last - first).days
        in_forbund = kinds[plan.organisation_id] == Organisation.Kind.SAMORDNINGSFORBUND
        categories = forbund_categories if in_forbund else all_categories
        for _ in range(count):
            category = rng.choice(categories)
            title, description = rng.choice(ACTIVITIES[category])
            start = first + timedelta(days=rng.randint(0, span - 1))
            # A plan has one activity per title and start day (one_activity_per_title_and_start): the large
            # plan's thousands of activities share a few dozen titles, so a drawn day may be taken already.
            while (plan.pk, title, start) in taken:
                start = first + timedelta(days=rng.randint(0, span - 1))
            taken.add((plan.pk, title, start))
            end = min(start + timedelta(days=rng.choice((0, 30, 90, 180, 270, 365, 540))), last)
            status = _status(ctx, start, end)
            individual = rng.random() < (0.8 if category in INDIVIDUAL_CATEGORIES else 0.1)
            # Skoopi reads a publicly employed supervisor as a conflict with independence: the service
            # requires a reason to go ahead.
            public_supervisor = category == Activity.Category.SUPERVISOR_FUNDING and rng.random() < 0.25
            activities.append(
                Activity(
                    plan_id=plan.pk,
                    goal_id=rng.choice(goals_of[plan.pk]),
                    title=title,
                    description=description,
                    kind=Activity.Kind.INDIVIDUAL if individual else Activity.Kind.STRUCTURAL,
                    category=category,
                    responsible_organisation_id=plan.organisation_id,
                    responsible_person=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    partners=rng.choice(PARTNERS),
                    start_on=start,
                    end_on=end,
                    budget=Decimal(rng.randint(1, 200) * 5000) if rng.random() < 0.7 else None,
                    status=status,
                    progress=_progress(ctx, status, start, end),
                    public_supervisor=public_supervisor,
                    override_reason="Tidsbegränsat lån; företaget leder arbetet och rekryterar egen handledare."
                    if public_supervisor
                    else "",
                )
            )
    activities = bulk(Activity, activities)

    indicators, milestones, notes = [], [], []
    for activity in activities:
        if rng.random() < INDICATOR_SHARE:
            name, baseline, target, kolada = rng.choice(INDICATORS)
            years = range(activity.start_on.year, min(activity.end_on.year, year) + 1)
            actuals = {}
            for step, actual_year in enumerate(years, start=1):
                # Part of the way from the baseline to the target each year, as a plain JSON number.
                value = baseline + (target - baseline) * Decimal(min(1, step * rng.uniform(0.15, 0.4)))
                actuals[str(actual_year)] = round(float(value), 1) if kolada else round(value)
            indicators.append(
                Indicator(
                    activity_id=activity.pk,
                    name=name,
                    baseline=Decimal(baseline),
                    target=Decimal(target),
                    kolada_id=kolada,
                    actuals=actuals,
                )
            )
        if rng.random() < MILESTONE_SHARE:
            span = (activity.end_on - activity.start_on).days
            for title in rng.sample(MILESTONES, rng.randint(1, 2)):
                due = activity.start_on + timedelta(days=rng.randint(0, span))
                done = None
                if due <= today and activity.status in (Activity.Status.DONE, Activity.Status.ONGOING):
                    done = min(due + timedelta(days=rng.randint(-10, 10)), today)
                milestones.append(Milestone(activity_id=activity.pk, title=title, due_on=due, done_on=done))
        if activity.start_on < today and rng.random() < NOTE_SHARE:
            latest = min(today, activity.end_on)
            notes.append(
                ProgressNote(
                    activity_id=activity.pk,
                    noted_on=activity.start_on
                    + timedelta(days=rng.randint(0, (latest - activity.start_on).days)),
                    text=rng.choice(NOTES),
                    author_id=ctx.coordinator_of(activity.responsible_organisation_id),
                )
            )
    bulk(Indicator, indicators)
    bulk(Milestone, milestones)
    bulk(ProgressNote, notes)

    totals, contacts = [], []
    names = dict(Organisation.objects.filter(pk__in=ctx.kommun_ids).values_list("pk", "code"))
    # The demo has entered some already (one a year per organisation).
    entered = set(ContractTotal.objects.values_list("organisation_id", "year"))
    for kommun in ctx.kommun_ids:
        # A few hundred million SEK a year; Stockholm buys far more.
        scale = 15 if kommun == ctx.largest_id else 1
        for total_year in (year - 1, year):
            value = Decimal(rng.randint(150, 900) * scale * 1_000_000)
            if (kommun, total_year) not in entered:
                totals.append(ContractTotal(organisation_id=kommun, year=total_year, total_value=value))
        for responsibility in rng.sample(list(ContactPerson.Responsibility), rng.randint(1, 3)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            contacts.append(
                ContactPerson(
                    organisation_id=kommun,
                    name=f"{first} {last}",
                    title=CONTACT_TITLES[responsibility],
                    responsibility=responsibility,
                    email=f"{first}.{last}@kommun{names[kommun]}.example".lower().translate(ASCII),
                    phone=f"0{rng.randint(10, 99)}-{rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                )
            )
    bulk(ContractTotal, totals)
    bulk(ContactPerson, contacts)
    adopted = sum(1 for plan in plans if plan.adopted_on)
    return (
        f"{len(plans)} plans ({adopted} adopted, Stockholm's with {large} activities), {len(goals)} goals, "
        f"{len(activities)} activities, {len(indicators)} indicators, {len(milestones)} milestones, "
        f"{len(notes)} progress notes, {len(totals)} contract totals, {len(contacts)} contacts"
    )
