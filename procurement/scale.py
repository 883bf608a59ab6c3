"""National-scale tenders for `manage.py seed_scale`: tenders in every state over three years with their CPV codes
and municipalities, the companies' answers, the awards and a few answered questions (see asfportal/core/scale.py).

Everything is planned in memory first (dates, buyers, who answers what), then written with bulk_create. The rows
follow the same rules the services enforce when a tender is published, answered and awarded (Tender.publish_blockers,
check_eligibility, tender_award), so the pages and the open data show them as they would show real ones.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from asfportal.accounts.models import Organisation
from asfportal.core.scale import ScaleContext, bulk, scale_seeder
from companies.models import Company, Representative

from .lifecycle import meets_reserved_share
from .models import Award, CpvCode, Question, Submission, Tender, cpv_check_digit
from .services.ocds import ocds_releases_backfill, tenders_for_releases

NON_PROFIT_FORMS = Tender.NON_PROFIT_FORMS

Basis = Tender.LegalBasis
Status = Tender.Status

NOTICE_BASE_URL = "https://annons.example.se"
# Mostly reserved under 4 kap. 18 §, as in the portal's real use; every basis occurs.
BASES = [(Basis.RESERVED_4_18_1, 55), (Basis.EMPLOYMENT_REQUIREMENT, 14), (Basis.DIRECT_AWARD, 12),
         (Basis.RESERVED_19_6A, 8), (Basis.RESERVED_4_18_2, 6), (Basis.IOP, 5)]  # fmt: skip
STATUSES = [(Status.DRAFT, 10), (Status.PUBLISHED, 15), (Status.CLOSED, 20), (Status.AWARDED, 50),
            (Status.CANCELLED, 5)]  # fmt: skip
# Answers per tender relative to the average: awarded tenders drew the most, open ones are still coming in.
ANSWER_WEIGHT = {Status.AWARDED: 1.3, Status.CLOSED: 1.0, Status.PUBLISHED: 0.7, Status.CANCELLED: 0.5}
REGION_SHARE = 0.15
QUESTION_SHARE = 0.04

BUILDINGS = ["förskolor", "grundskolor", "äldreboenden", "kommunhuset", "idrottshallar", "bibliotek",
             "fritidsgårdar", "gruppbostäder", "förvaltningens kontor", "simhallen"]  # fmt: skip
VENUES = ["stadsbiblioteket", "kulturhuset", "simhallen", "kommunhuset", "medborgarhuset", "museet"]
AREAS = ["Norr", "Söder", "Väster", "Öster", "Centrum", "Landsbygd", "Nordost", "Sydväst"]

# What is bought: CPV codes (eight digits; the check digit is computed), titles, and a sentence on the scope
# with a random quantity in the given range. "welfare" services use LOU bilaga 2 codes (needed for 19 kap. 6 a §).
SERVICES = [
    {"cpv": ["90910000", "90919200", "90911000"], "scope": (600, 15000),
     "titles": ["Lokalvård av {building}", "Städning av {building}, område {area}", "Fönsterputs på {building}"],
     "text": "Uppdraget omfattar cirka {n} kvadratmeter och ska utföras med miljömärkta rengöringsmedel."},
    {"cpv": ["55520000", "55521200", "55300000"], "scope": (40, 800),
     "titles": ["Catering till möten och konferenser", "Drift av café i {venue}", "Leverans av måltider till {building}"],
     "text": "Omfattningen beräknas till cirka {n} beställningar om året, alltid med ett vegetariskt alternativ."},
    {"cpv": ["90620000"], "scope": (5, 90),
     "titles": ["Snöröjning av gång- och cykelvägar, område {area}", "Snöröjning och halkbekämpning vid {building}"],
     "text": "Uppdraget omfattar cirka {n} kilometer och snöröjningen ska vara klar inom sex timmar efter snöfall."},
    {"cpv": ["77310000", "77314000"], "scope": (2, 60),
     "titles": ["Grönyteskötsel, område {area}", "Skötsel av parker och lekplatser", "Markskötsel vid {building}"],
     "text": "Ytorna är sammanlagt cirka {n} hektar gräsytor, planteringar och lekplatser."},
    {"cpv": ["98392000", "60100000"], "scope": (10, 300),
     "titles": ["Flyttjänster för förvaltningarna", "Flytt och magasinering av möbler", "Transporter av internpost och varor"],
     "text": "Beställaren räknar med cirka {n} uppdrag om året, med packning, transport och montering."},
    {"cpv": ["98310000"], "scope": (100, 3000),
     "titles": ["Tvätt av arbetskläder", "Tvätt av textilier till {building}", "Tvätt av mattor och gardiner"],
     "text": "Omfattningen är cirka {n} kilo tvätt i veckan, hämtat och lämnat på beställarens adresser."},
    {"cpv": ["50112300"], "scope": (20, 400),
     "titles": ["Tvätt och invändig rengöring av tjänstebilar", "Fordonsvård för hemtjänstens bilar"],
     "text": "Fordonsparken omfattar cirka {n} bilar som tvättas enligt ett fast schema."},
    {"cpv": ["50700000", "45421000"], "scope": (100, 2000),
     "titles": ["Fastighetsservice, område {area}", "Mindre snickeri- och underhållsarbeten", "Reparation av möbler och inventarier"],
     "text": "Beställaren räknar med cirka {n} arbetsordrar om året i skolor, förskolor och kontor."},
    {"cpv": ["79500000"], "scope": (500, 20000),
     "titles": ["Kontorsstöd och posthantering", "Skanning och arkivering av handlingar", "Kuvertering och utskick"],
     "text": "Volymen är cirka {n} försändelser eller sidor i månaden."},
    {"cpv": ["15300000"], "scope": (10, 200),
     "titles": ["Fruktkorgar till {building}", "Leverans av frukt och grönsaker"],
     "text": "Leveransen omfattar cirka {n} korgar i veckan med ekologisk frukt efter säsong."},
    {"cpv": ["80530000"], "scope": (10, 150),
     "titles": ["Yrkesutbildning inom lokalvård", "Utbildning och handledning för arbetsträning"],
     "text": "Utbildningen riktar sig till cirka {n} deltagare om året."},
    {"cpv": ["85312100", "85312000"], "scope": (10, 80), "welfare": True,
     "titles": ["Daglig verksamhet enligt LSS", "Dagverksamhet för personer med psykisk funktionsnedsättning"],
     "text": "Verksamheten ska ha plats för cirka {n} deltagare på vardagar."},
    {"cpv": ["85312510", "85312500"], "scope": (10, 120), "welfare": True,
     "titles": ["Arbetsträning och yrkesrehabilitering", "Arbetsförberedande insatser för unga vuxna"],
     "text": "Insatsen gäller cirka {n} deltagare om året som anvisas av arbetsmarknadsenheten."},
    {"cpv": ["85312400", "98133000"], "scope": (20, 300), "welfare": True,
     "titles": ["Mötesplats och social samvaro för äldre", "Sociala aktiviteter för seniorer, område {area}"],
     "text": "Mötesplatsen beräknas ha cirka {n} besökare i veckan."},
    {"cpv": ["85312300", "85312320"], "scope": (30, 400), "welfare": True,
     "titles": ["Stöd och vägledning för nyanlända", "Samhällsorientering och vägledning"],
     "text": "Stödet beräknas nå cirka {n} personer om året."},
    {"cpv": ["98133110", "92600000"], "scope": (50, 600), "welfare": True,
     "titles": ["Fritidsverksamhet för ungdomar, område {area}", "Sommaraktiviteter och idrott för unga"],
     "text": "Verksamheten beräknas nå cirka {n} ungdomar under året."},
    {"cpv": ["79622000"], "scope": (50, 900), "welfare": True,
     "titles": ["Serviceinsatser i hemtjänsten: städning och inköp"],
     "text": "Insatserna gäller cirka {n} hushåll med biståndsbeslut."},
]  # fmt: skip
DETAILS = [
    "Leverantören ska ha en fast kontaktperson och rapportera avvikelser varje månad.",
    "Leverantören ska erbjuda handledning och introduktion till medarbetare som är nya på arbetsmarknaden.",
    "Uppdraget utförs på vardagar mellan klockan 7 och 18.",
    "Beställaren följer upp uppdraget vid kvartalsvisa möten.",
    "Fordon som används i uppdraget ska uppfylla miljöklass Euro 6 eller motsvarande.",
    "Personalen ska bära id-kort och ha genomgått beställarens introduktion.",
    "Leverantören ska kunna börja inom två veckor från avtalets start.",
]
BASIS_NOTES = {
    Basis.RESERVED_4_18_1: "Kontraktet är reserverat för arbetsintegrerande sociala företag enligt 4 kap. 18 § första stycket LOU.",
    Basis.RESERVED_4_18_2: "Kontraktet ska fullgöras inom ramen för program för skyddad anställning enligt 4 kap. 18 § andra stycket LOU.",
    Basis.RESERVED_19_6A: "Upphandlingen är reserverad för idéburna organisationer enligt 19 kap. 6 a § LOU.",
    Basis.EMPLOYMENT_REQUIREMENT: "Upphandlingen är öppen för alla leverantörer men har ett sysselsättningskrav: leverantören ska anställa {places} personer som står långt från arbetsmarknaden.",
    Basis.DIRECT_AWARD: "Det uppskattade värdet understiger direktupphandlingsgränsen och beställaren begär in offerter från arbetsintegrerande sociala företag.",
    Basis.IOP: "Partnerskapet bygger på att organisationen bidrar med egna resurser och ideellt engagemang.",
}  # fmt: skip
CRITERIA = [
    "Lägsta pris efter kvalitetsmervärde. Kvalitet väger 60 procent och pris 40 procent.",
    "Pris väger 50 procent och kvaliteten i genomförandeplanen 50 procent.",
    "Pris väger 40 procent, kvalitet 40 procent och plan för handledning av nyanställda 20 procent.",
    "Lägsta pris, förutsatt att samtliga krav uppfylls.",
    "Kvalitet väger 70 procent och pris 30 procent; kvaliteten bedöms utifrån en skriftlig beskrivning.",
]
OPTIONS = [
    "",
    "Option på förlängning 1 + 1 år",
    "Option på förlängning 12 månader",
    "Option på förlängning 2 år",
]
TARGET_GROUPS = [
    "Personer som varit inskrivna på Arbetsförmedlingen i minst tolv månader",
    "Unga vuxna mellan 18 och 29 år utan fullständig gymnasieutbildning",
    "Personer med funktionsnedsättning som medför nedsatt arbetsförmåga",
    "Nyanlända som deltar i etableringsprogrammet",
]
EMPLOYMENT_FORMS = [
    "Visstidsanställning på heltid i minst sex månader med lön enligt kollektivavtal",
    "Tillsvidareanställning på minst 75 procent med lön enligt kollektivavtal",
    "Anställning med lönestöd i minst tolv månader",
]
DIRECT_AWARD_REASONS = [
    "Värdet understiger direktupphandlingsgränsen. Beställaren vill skapa arbetstillfällen för personer långt "
    "från arbetsmarknaden och vänder sig därför till arbetsintegrerande sociala företag.",
    "Behovet är tidsbegränsat och värdet lågt; tre arbetsintegrerande sociala företag har tillfrågats.",
]
CANCEL_REASONS = [
    "Behovet har upphört.",
    "Inga anbud uppfyllde kraven.",
    "Budgeten för uppdraget har dragits in.",
    "Förfrågningsunderlaget behöver göras om; en ny upphandling annonseras senare.",
]
MESSAGES = [
    "{company} lämnar anbud på {title}. Vi har lång erfarenhet av liknande uppdrag och en fast arbetsledare "
    "som handleder våra medarbetare. Prisbilaga och referenser finns i upphandlingssystemet.",
    "Vi på {company} svarar gärna på {title}. Uppdraget passar vår verksamhet och ger arbetstillfällen åt "
    "personer som står långt från arbetsmarknaden. Se bifogad genomförandeplan i upphandlingssystemet.",
    "{company} lämnar härmed anbud. Vi kan börja vid avtalets start och har kapacitet att utöka vid behov.",
]
QUESTIONS = [
    (
        "Kan anbud lämnas av två företag tillsammans?",
        "Ja, ett gemensamt anbud går bra; ange vem som är huvudansvarig i anbudet.",
    ),
    (
        "Vilken omfattning i timmar per vecka räknar ni med?",
        "Beställaren uppskattar omfattningen till i genomsnitt 40 timmar per vecka, med variationer över året.",
    ),
    (
        "Ska priset anges per timme eller som fast pris?",
        "Priset anges som fast pris per månad enligt prisbilagan; tillkommande arbeten prissätts per timme.",
    ),
    (
        "Behöver vi ha kollektivavtal för att lämna anbud?",
        "Nej, men lön och villkor ska minst motsvara gällande kollektivavtal under hela avtalstiden.",
    ),
]


@dataclass
class _Plan:
    tender: Tender
    municipalities: list[int]
    cpv_codes: list[str]
    pool: list[int]  # companies that may answer (eligible and with a representative)
    answers: int = 0
    answered_by: list[int] = field(default_factory=list)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _weighted(rng, pairs):
    return rng.choices([value for value, _ in pairs], weights=[weight for _, weight in pairs])[0]


class _Reference:
    """What the plan draws on, read once: organisations, CPV codes, companies that can answer, representatives."""

    def __init__(self, ctx: ScaleContext):
        orgs = Organisation.objects.filter(pk__in=ctx.kommun_ids + ctx.region_ids)
        self.names = dict(orgs.values_list("pk", "name"))
        self.region_kommuner: dict[int, list[int]] = {}
        for region_id, pk in orgs.filter(kind=Organisation.Kind.KOMMUN).values_list("region_id", "pk"):
            self.region_kommuner.setdefault(region_id, []).append(pk)
        # Only buyers with a procurement officer to create the tender.
        self.regions = [pk for pk in ctx.region_ids if ctx.officers.get(pk) and self.region_kommuner.get(pk)]
        codes = dict(CpvCode.objects.values_list("code", "is_social_service"))
        self.social_codes = sorted(code for code, social in codes.items() if social)
        self.services, self.welfare = [], []
        for service in SERVICES:
            full = [f"{c}-{cpv_check_digit(c)}" for c in service["cpv"]]
            service = {**service, "codes": [c for c in full if c in codes]}
            if service["codes"]:
                (self.welfare if service.get("welfare") else self.services).append(service)
        self.services = self.services or self.welfare  # a trimmed CPV table: use what there is

        self.reps: dict[int, list[int]] = {}
        verified = set(ctx.verified_company_ids)
        for company_id, user_id in Representative.objects.filter(user__is_active=True).values_list(
            "company_id", "user_id"
        ):
            if company_id in verified:
                self.reps.setdefault(company_id, []).append(user_id)
        self.companies = {
            row[0]: row[1:]
            for row in Company.objects.filter(pk__in=list(self.reps)).values_list(
                "pk", "name", "legal_form", "employees_total", "employees_integration"
            )
        }
        self.eligible = sorted(self.companies)
        self.non_profit = [pk for pk in self.eligible if self.companies[pk][1] in NON_PROFIT_FORMS]
        self.local: dict[int, list[int]] = {}
        for pk in self.eligible:
            if (kommun := ctx.company_municipality.get(pk)) is not None:
                self.local.setdefault(kommun, []).append(pk)


def _schedule(ctx: ScaleContext, status: str, accelerated: bool) -> dict:
    """Dates that satisfy Tender.publish_blockers: questions close before answers are published, which is at least the
    information days before the submission deadline; published three years back at most."""
    rng, today = ctx.rng, ctx.today
    if status == Status.DRAFT:
        deadline_day = today + timedelta(days=rng.randint(20, 90))
    elif status == Status.PUBLISHED:
        deadline_day = today + timedelta(days=rng.randint(1, 45))
    elif status == Status.CLOSED:
        # Most closed tenders are being evaluated; some old ones were never awarded.
        deadline_day = today - timedelta(
            days=rng.randint(1, 60) if rng.random() < 0.6 else rng.randint(61, 1000)
        )
    elif status == Status.AWARDED:
        deadline_day = today - timedelta(days=rng.randint(20, 1040))
    else:
        deadline_day = today + timedelta(
            days=rng.randint(1, 30) if rng.random() < 0.25 else -rng.randint(5, 1000)
        )
    duration = rng.randint(12, 20) if accelerated else rng.randint(14, 52)
    publish_day = deadline_day - timedelta(days=duration)
    if status == Status.PUBLISHED:
        publish_day = min(publish_day, today - timedelta(days=1))
    elif status == Status.CANCELLED:
        publish_day = min(publish_day, today - timedelta(days=10))  # cancelled a week after, in the past
    hour, minute = rng.choice([(23, 59), (23, 59), (12, 0), (16, 0)])
    # Arithmetic in UTC: a local-time "six days earlier" across a DST change is an hour short of six days.
    deadline = _at(deadline_day, hour, minute).astimezone(UTC)
    dates = {
        "submission_deadline_at": deadline,
        "published_at": None if status == Status.DRAFT else _at(publish_day, rng.randint(8, 16), rng.randint(0, 59)),
        "question_deadline_at": None,
        "answers_published_by_at": None,
    }  # fmt: skip
    if rng.random() < 0.9:
        info_days = (
            settings.PROCUREMENT_INFO_DAYS_ACCELERATED if accelerated else settings.PROCUREMENT_INFO_DAYS
        )
        answers_by = deadline - timedelta(days=info_days + rng.randint(0, 3))
        dates["answers_published_by_at"] = answers_by
        dates["question_deadline_at"] = answers_by - timedelta(days=rng.randint(1, 4))
    if status in (Status.CLOSED, Status.AWARDED):
        dates["closed_at"] = deadline + timedelta(seconds=rng.randint(1, 59))  # the every-minute sweep
    start = _add_months(deadline_day.replace(day=1), rng.randint(2, 4))
    dates["contract_start_on"] = start
    dates["contract_end_on"] = _add_months(start, rng.choice([12, 24, 24, 36, 48])) - timedelta(days=1)
    return dates


def _estimated_value(rng, basis: str) -> Decimal:
    if basis == Basis.DIRECT_AWARD:
        return Decimal(rng.randrange(50_000, settings.PROCUREMENT_DIRECT_AWARD_LIMIT + 1, 5_000))
    if basis == Basis.IOP:
        return Decimal(rng.randrange(200_000, 5_000_000, 50_000))
    # Log-normal around 900 000 SEK: many small contracts, a few above the EU threshold.
    value = min(max(math.exp(rng.gauss(math.log(900_000), 0.9)), 60_000), 30_000_000)
    return Decimal(round(value, -4))


def _plan(ctx: ScaleContext, ref: _Reference, serial: int, now: datetime) -> _Plan:
    rng = ctx.rng
    if ref.regions and rng.random() < REGION_SHARE:
        buyer = rng.choice(ref.regions)
        kommuner = rng.sample(
            ref.region_kommuner[buyer], min(len(ref.region_kommuner[buyer]), rng.randint(1, 3))
        )
    else:
        buyer = ctx.municipality()
        kommuner = [buyer]
    basis = _weighted(rng, BASES)
    status = _weighted(rng, STATUSES)
    welfare = basis == Basis.RESERVED_19_6A or (
        basis in (Basis.IOP, Basis.RESERVED_4_18_1) and rng.random() < (0.6 if basis == Basis.IOP else 0.1)
    )
    service = rng.choice(ref.welfare if welfare and ref.welfare else ref.services)
    codes = service["codes"]
    cpv_codes = rng.sample(codes, 2 if len(codes) > 1 and rng.random() < 0.4 else 1)
    if basis == Basis.RESERVED_19_6A and not any(c in ref.social_codes for c in cpv_codes):
        cpv_codes.append(rng.choice(ref.social_codes))  # LOU bilaga 2 is what makes the reservation lawful
    accelerated = rng.random() < 0.05
    dates = _schedule(ctx, status, accelerated)

    year = (dates["published_at"] or now).year
    title = rng.choice(service["titles"]).format(
        building=rng.choice(BUILDINGS), venue=rng.choice(VENUES), area=rng.choice(AREAS)
    )
    buyer_name = ref.names[buyer]
    verb = {Basis.IOP: "söker en idéburen partner för", Basis.DIRECT_AWARD: "begär in offerter på"}.get(
        basis, "upphandlar"
    )
    places = rng.randint(1, 8)
    description = " ".join(
        [
            f"{buyer_name} {verb} {title[0].lower()}{title[1:]}.",
            service["text"].format(n=rng.randint(*service["scope"])),
            *rng.sample(DETAILS, rng.randint(1, 2)),
            BASIS_NOTES[basis].format(places=places),
        ]
    )
    title = f"{title} {dates['contract_start_on'].year}"  # the contract year tells repeat tenders apart
    fields = {}
    needs_notice = basis not in (Basis.DIRECT_AWARD, Basis.IOP)
    if needs_notice and (status != Status.DRAFT or rng.random() < 0.5):
        # Unique across the dataset: one running number per advertisement, as the databases issue them.
        fields["procurement_id"] = f"UH-{year}-{serial:05d}"
        fields["notice_url"] = f"{NOTICE_BASE_URL}/uh-{year}-{serial:05d}"
    value = _estimated_value(rng, basis)
    if basis == Basis.DIRECT_AWARD:
        fields["direct_award_reason"] = rng.choice(DIRECT_AWARD_REASONS)
    if basis == Basis.EMPLOYMENT_REQUIREMENT:
        fields["target_group"] = rng.choice(TARGET_GROUPS)
        fields["employment_form"] = rng.choice(EMPLOYMENT_FORMS)
        fields["places"] = places
        fields["matching_contact"] = (
            f"Arbetsmarknadsenheten, {buyer_name}, matchning@{slugify(buyer_name) or 'kommun'}.example"
        )
    if status == Status.CANCELLED:
        fields["cancel_reason"] = rng.choice(CANCEL_REASONS)
    tender = Tender(
        buyer_id=buyer,
        created_by_id=rng.choice(ctx.officers[buyer]),
        title=title[:200],
        description=description,
        legal_basis=basis,
        status=status,
        estimated_value=value,
        options=rng.choice(OPTIONS),
        is_accelerated=accelerated,
        evaluation_criteria=rng.choice(CRITERIA),
        **dates,
        **fields,
    )
    pool = ref.non_profit if basis == Basis.RESERVED_19_6A else ref.eligible
    return _Plan(tender=tender, municipalities=kommuner, cpv_codes=cpv_codes, pool=pool)


def _share_answers(ctx: ScaleContext, plans: list[_Plan], total: int) -> None:
    """How many answers each published tender got: about `total` in all, at least one per awarded tender (it
    was awarded to an answerer), never more than the companies that may answer it."""
    rng = ctx.rng
    public = [p for p in plans if p.tender.status != Status.DRAFT and p.pool]
    weight = sum(ANSWER_WEIGHT[p.tender.status] for p in public)
    for p in public:
        mean = total * ANSWER_WEIGHT[p.tender.status] / weight
        p.answers = int(mean * rng.uniform(0.4, 1.6) + rng.random())
        p.answers = min(max(p.answers, 1 if p.tender.status == Status.AWARDED else 0), len(p.pool))
    # Nudge the counts one at a time until they add up (or no tender can take more).
    missing = total - sum(p.answers for p in public)
    while missing:
        step = 1 if missing > 0 else -1
        changed = False
        for p in rng.sample(public, len(public)):
            floor = 1 if p.tender.status == Status.AWARDED else 0
            if (step > 0 and p.answers < len(p.pool)) or (step < 0 and p.answers > floor):
                p.answers += step
                missing -= step
                changed = True
                if not missing:
                    break
        if not changed:
            break


def _choose_answerers(ctx: ScaleContext, ref: _Reference, plan: _Plan) -> None:
    """The answering companies: about half local (they operate where the work is done), the rest from anywhere."""
    rng, k, pool = ctx.rng, plan.answers, plan.pool
    if k * 2 > len(pool):
        plan.answered_by = rng.sample(pool, k)
        return
    allowed = set(pool) if pool is ref.non_profit else None
    local = [c for m in plan.municipalities for c in ref.local.get(m, []) if allowed is None or c in allowed]
    chosen = set(rng.sample(local, min(len(local), (k + 1) // 2)))
    while len(chosen) < k:
        chosen.add(rng.choice(pool))
    plan.answered_by = list(chosen)


def _declared(rng, company: tuple) -> tuple[int, int]:
    """People occupied and of them in the target group, at least the reserved minimum share (LOU 4 kap. 18 §)."""
    occupied, in_group = company[2] or rng.randint(5, 40), company[3]
    if in_group > occupied or not meets_reserved_share(occupied=occupied, in_target_group=in_group):
        in_group = min(occupied, math.ceil(occupied * rng.uniform(0.3, 0.8)))
        while not meets_reserved_share(occupied=occupied, in_target_group=in_group):
            in_group += 1
    return occupied, in_group


@scale_seeder
def seed_tenders(ctx: ScaleContext) -> str:
    rng, now = ctx.rng, timezone.now()
    ref = _Reference(ctx)
    plans = [_plan(ctx, ref, n + 1, now) for n in range(ctx.sizes["tenders"])]
    _share_answers(ctx, plans, ctx.sizes["answers"])
    demoted = 0
    for plan in plans:
        _choose_answerers(ctx, ref, plan)
        if plan.tender.status == Status.AWARDED and not plan.answered_by:
            # Nobody could answer (no company with a representative): it stays closed, as it would in reality.
            plan.tender.status = Status.CLOSED
            demoted += 1

    tenders = bulk(Tender, (p.tender for p in plans))
    first = min(t.pk for t in tenders)
    cpv_through, kommun_through = Tender.cpv_codes.through, Tender.municipalities.through
    bulk(cpv_through, (cpv_through(tender_id=p.tender.pk, cpvcode_id=c) for p in plans for c in p.cpv_codes))
    bulk(
        kommun_through,
        (kommun_through(tender_id=p.tender.pk, organisation_id=m) for p in plans for m in p.municipalities),
    )

    submissions, awards, questions = [], [], []
    for plan in plans:
        tender = plan.tender
        if not plan.answered_by:
            continue
        # Answers come in between publishing and the deadline (or now, or the cancellation a week in).
        end = min(tender.submission_deadline_at, now - timedelta(minutes=5))
        if tender.status == Status.CANCELLED:
            end = min(end, tender.published_at + timedelta(days=7))
        span = (end - tender.published_at).total_seconds()
        for company_id in plan.answered_by:
            company = ref.companies[company_id]
            occupied, in_group = _declared(rng, company) if tender.is_reserved else (None, None)
            submissions.append(
                Submission(
                    tender_id=tender.pk,
                    company_id=company_id,
                    submitted_by_id=rng.choice(ref.reps[company_id]),
                    message=rng.choice(MESSAGES).format(company=company[0], title=tender.title.lower()),
                    people_occupied=occupied,
                    people_in_target_group=in_group,
                    submitted_at=end - timedelta(seconds=span * rng.uniform(0.02, 0.6)),
                )
            )
        if tender.status == Status.AWARDED:
            deadline_day = timezone.localdate(tender.submission_deadline_at)
            awarded_on = min(
                deadline_day + timedelta(days=rng.randint(7, 30)),
                tender.contract_start_on - timedelta(days=1),
                ctx.today,
            )
            awards.append(
                Award(
                    tender_id=tender.pk,
                    company_id=rng.choice(plan.answered_by),
                    value=Decimal(round(float(tender.estimated_value) * rng.uniform(0.75, 1.1), -3)),
                    contract_start_on=tender.contract_start_on,
                    contract_end_on=tender.contract_end_on,
                    awarded_on=awarded_on,
                    company_was_verified=True,  # answers come only from verified ASF (see _share_answers)
                )
            )
        if tender.question_deadline_at and rng.random() < QUESTION_SHARE:
            # Asked during the question period and answered a day later, never in the future.
            window = (tender.question_deadline_at - tender.published_at).total_seconds()
            answered_at = tender.published_at + timedelta(seconds=window * rng.uniform(0.2, 0.9), days=1)
            if answered_at < now:
                asker = rng.choice(plan.answered_by)
                text, answer = rng.choice(QUESTIONS)
                questions.append(
                    Question(tender_id=tender.pk, company_id=asker, asked_by_id=rng.choice(ref.reps[asker]),
                             text=text, answer=answer, answered_at=answered_at)
                )  # fmt: skip
    bulk(Submission, submissions)
    bulk(Award, awards)
    saved_questions = bulk(Question, questions)

    # created_at/updated_at are auto fields that bulk_create stamps with now; move them to when things happened,
    # one UPDATE per state (the demo's own rows, with lower ids, are left alone).
    mine = Tender.objects.filter(pk__gte=first)
    day = timedelta(days=1)
    mine.filter(status=Status.DRAFT).update(
        created_at=F("submission_deadline_at") - 100 * day, updated_at=F("submission_deadline_at") - 99 * day
    )
    public = mine.exclude(status=Status.DRAFT)
    public.update(created_at=F("published_at") - 5 * day)
    public.filter(status=Status.PUBLISHED).update(updated_at=F("published_at"))
    public.filter(status=Status.CLOSED).update(updated_at=F("closed_at"))
    public.filter(status=Status.AWARDED).update(updated_at=F("closed_at") + 14 * day)
    public.filter(status=Status.CANCELLED).update(updated_at=F("published_at") + 7 * day)
    Submission.objects.filter(tender_id__gte=first).update(
        created_at=F("submitted_at"), updated_at=F("submitted_at")
    )
    if saved_questions:
        Question.objects.filter(pk__gte=min(q.pk for q in saved_questions)).update(
            created_at=F("answered_at") - day, updated_at=F("answered_at")
        )

    # One OCDS release per public tender, as it stands (bulk-created tenders went through no service).
    public_mine = tenders_for_releases(Tender.objects.filter(pk__gte=first).exclude(status=Status.DRAFT))
    releases = ocds_releases_backfill(public_mine.order_by("pk").iterator(chunk_size=500))

    open_count = sum(1 for p in plans if p.tender.status == Status.PUBLISHED)
    summary = (
        f"{len(tenders)} tenders ({open_count} open), {len(submissions)} answers, {len(awards)} awards, "
        f"{len(questions)} questions, {releases} OCDS releases"
    )
    if demoted:
        summary += f"; {demoted} left closed, no company with a representative could answer"
    return summary
