"""Demo tenders for `manage.py seed_demo`: Örebro kommun's procurement officer with a tender in every state.

The tenders are created through the services, so the same rules, audit trail and notifications apply as for real
ones: drafts are saved and published, questions asked and answered, an answer submitted, a tender closed, awarded
and another cancelled. Dates are relative to today, so a freshly seeded demo always has tenders open for answers,
one draft, one awarded tender whose deadline has passed and one cancelled. Procurement IDs and notice links are
fictional; e-mail addresses use the reserved .example domain. A tender whose title the buyer already has is left
as it is, so the seeder can run again.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from asfportal.accounts.models import Membership, Organisation, Role, User
from asfportal.accounts.selectors import people_with_role
from asfportal.accounts.services import membership_grant
from asfportal.core.audit import audit
from asfportal.core.demo import demo_seeder
from companies.models import Company

from . import services
from .lifecycle import meets_reserved_share
from .models import CpvCode, Submission, Tender, cpv_check_digit

OFFICER_EMAIL = "upphandlare@orebro.example"
NOTICE_BASE_URL = "https://annons.example.se"
RESERVED_NOTE = "Kontraktet är reserverat för arbetsintegrerande sociala företag enligt 4 kap. 18 § LOU."

# The verified ASF that take part: found by name, else any listed company offering one of the services, else any
# listed company. representative: who acts for the company when it has no representative yet (name, e-mail).
ASF: dict[str, dict[str, Any]] = {
    "cleaning": {
        "name": "Städkraft Sydnärke AB (svb)",
        "services": ["cleaning"],
        "representative": ("Fatima Ali", "fatima.ali@stadkraft-sydnarke.example"),
    },
    "catering": {
        # Represented by the demo login foretag@kafe-gemenskap.example (connected by the companies seeder).
        "name": "Kafé Gemenskap ekonomisk förening",
        "services": ["catering", "cafe"],
        "representative": ("Maja Ek", "foretag@kafe-gemenskap.example"),
    },
}

# outcome: what becomes of the tender (draft, published, awarded, cancelled). days: the question deadline, the
# date answers are published by and the submission deadline, in days from today (the awarded tender is moved into
# the past after it has been answered, see _award). contract: how many months after the first of the month that
# follows the deadline the contract starts, and how many months it runs. cpv: the eight digits; the check digit is computed.
TENDERS: list[dict[str, Any]] = [
    {
        "title": "Städning av förskolor i Vivalla",
        "outcome": "published",
        "legal_basis": Tender.LegalBasis.RESERVED_4_18_1,
        "procurement_id": "0412",
        "cpv": ["90910000", "90911000"],
        "municipalities": ["1880"],
        "estimated_value": 1_200_000,
        "days": (10, 14, 25),
        "contract": (2, 24),
        "options": "Option på förlängning 1 + 1 år",
        "description": (
            "Örebro kommun upphandlar daglig lokalvård av åtta förskolor i Vivalla, sammanlagt cirka 4 800 "
            "kvadratmeter. Leverantören ska använda miljömärkta rengöringsmedel och ha en fast kontaktperson för "
            f"förskolecheferna. {RESERVED_NOTE}"
        ),
        "evaluation_criteria": (
            "Lägsta pris efter kvalitetsmervärde. Kvalitet väger 60 procent: arbetsmetod och egenkontroll "
            "(30 procent) samt handledning och kompetensutveckling för medarbetarna (30 procent). Pris väger "
            "40 procent."
        ),
        "lots": [
            {"title": "Daglig lokalvård på åtta förskolor i Vivalla", "is_reserved": True},
            {"title": "Fönsterputs två gånger per år", "is_reserved": False},
        ],
        "questions": [
            (
                "Ingår fönsterputs i den dagliga lokalvården, eller ska den prissättas separat?",
                "Fönsterputs ingår inte i delområde 1 utan upphandlas som delområde 2. Ni kan lämna anbud på ett "
                "eller båda delområdena.",
            ),
            (
                "Hur många timmar per vecka beräknas städningen omfatta, och får arbetet utföras under "
                "förskolornas öppettider?",
                "Kommunen uppskattar omfattningen till cirka 95 timmar per vecka. Den dagliga städningen görs "
                "efter stängning klockan 17.30; toaletter och kök kan behöva tillsyn även dagtid enligt bilaga 2.",
            ),
        ],
    },
    {
        "title": "Snöröjning av gång- och cykelvägar vintern 2026/2027",
        "outcome": "published",
        "legal_basis": Tender.LegalBasis.RESERVED_4_18_1,
        "procurement_id": "0398",
        "cpv": ["90620000"],
        "municipalities": ["1880"],
        "estimated_value": 850_000,
        "days": (8, 12, 20),
        "contract": (0, 4),
        "options": "Option på förlängning två vintrar, 2027/2028 och 2028/2029",
        "description": (
            "Uppdraget omfattar snöröjning, sandning och halkbekämpning av cirka 35 kilometer gång- och "
            "cykelvägar i Vivalla, Baronbackarna och Varberga. Snöröjningen ska påbörjas vid fem centimeters "
            f"snödjup och vara klar inom sex timmar. {RESERVED_NOTE}"
        ),
        "evaluation_criteria": (
            "Pris väger 50 procent, beredskap och tillgång till maskiner 30 procent och plan för arbetsledning "
            "och introduktion av nyanställda 20 procent."
        ),
        "lots": [],
    },
    {
        "title": "Grönyteskötsel i centrala Örebro",
        "outcome": "published",
        "legal_basis": Tender.LegalBasis.EMPLOYMENT_REQUIREMENT,
        "procurement_id": "0377",
        "cpv": ["77310000"],
        "municipalities": ["1880"],
        "estimated_value": 3_400_000,
        "days": (12, 16, 30),
        "contract": (3, 36),
        "options": "Option på förlängning 1 år",
        "description": (
            "Örebro kommun upphandlar skötsel av parker, gräsytor och planteringar i centrala Örebro, bland annat "
            "Stadsparken och stråken längs Svartån. Upphandlingen är öppen för alla leverantörer men har ett "
            "sysselsättningskrav: leverantören ska anställa fyra personer som står långt från arbetsmarknaden. "
            "Kommunens arbetsmarknadsavdelning hjälper till att matcha kandidater."
        ),
        "evaluation_criteria": (
            "Pris väger 40 procent, kvaliteten i skötselplanen 40 procent och plan för handledning och "
            "introduktion av de personer som anställs enligt sysselsättningskravet 20 procent."
        ),
        "target_group": "Personer som varit inskrivna på Arbetsförmedlingen i minst tolv månader",
        "employment_form": "Visstidsanställning på heltid i minst sex månader med lön enligt kollektivavtal",
        "places": 4,
        "matching_contact": "Arbetsmarknadsavdelningen, Örebro kommun, matchning@orebro.example",
        "lots": [],
    },
    {
        "title": "Fruktkorgar till kommunhusen",
        "outcome": "published",
        "legal_basis": Tender.LegalBasis.DIRECT_AWARD,
        "cpv": ["15300000"],
        "municipalities": ["1880"],
        "estimated_value": 180_000,
        "days": (4, 5, 12),
        "contract": (1, 12),
        "description": (
            "Leverans av fruktkorgar med ekologisk frukt varje måndag till Stadshuset, Kommunhuset och "
            "Medborgarhuset i Vivalla, sammanlagt cirka 40 korgar i veckan. Frukten ska vara anpassad efter "
            "säsong och levereras före klockan 9. Leverantören hämtar de tomma korgarna vid nästa leverans."
        ),
        "direct_award_reason": (
            "Det uppskattade värdet understiger direktupphandlingsgränsen. Kommunen vill skapa arbetstillfällen "
            "för personer som står långt från arbetsmarknaden och begär därför in offerter från "
            "arbetsintegrerande sociala företag."
        ),
        "evaluation_criteria": "Lägsta pris, förutsatt att kraven på leveranstid och ekologisk frukt uppfylls.",
        "lots": [],
    },
    {
        "title": "Flyttjänster för kommunens förvaltningar",
        "outcome": "draft",
        "legal_basis": Tender.LegalBasis.RESERVED_4_18_1,
        "cpv": ["98392000"],
        "municipalities": ["1880"],
        "estimated_value": 600_000,
        "days": (30, 35, 45),
        "contract": (1, 24),
        "description": (
            "Kommunen behöver hjälp med interna flyttar när förvaltningar byter lokaler under 2027, bland annat "
            "när socialförvaltningen flyttar till nya lokaler på Olaigatan. Uppdraget omfattar packning, "
            "transport, montering av kontorsmöbler och bortforsling av uttjänta inventarier. Upphandlingen "
            "planeras att reserveras för arbetsintegrerande sociala företag."
        ),
        "evaluation_criteria": "Pris väger 50 procent och kvaliteten i genomförandeplanen 50 procent.",
        "lots": [],
    },
    {
        "title": "Catering till kommunens möten",
        "outcome": "awarded",
        "legal_basis": Tender.LegalBasis.RESERVED_4_18_1,
        "procurement_id": "0311",
        "cpv": ["55520000"],
        "municipalities": ["1880"],
        "estimated_value": 450_000,
        "days": (8, 12, 20),
        # Where the dates end up once the tender has been answered: published, question deadline, answers
        # published by, submission deadline and answer submitted, in days from today (negative: in the past).
        "past_days": {"published": -45, "question": -30, "answers": -25, "deadline": -14, "submitted": -16},
        "awarded_days_ago": 4,
        "award_value": 420_000,
        "contract": (1, 24),
        "options": "Option på förlängning 1 år",
        "description": (
            "Catering med fika, smörgåsar och lunch till nämndsammanträden, utbildningar och större möten i "
            "Stadshuset, cirka 150 beställningar om året. Maten ska lagas från grunden med minst 30 procent "
            f"ekologiska livsmedel och alltid ha ett vegetariskt alternativ. {RESERVED_NOTE}"
        ),
        "evaluation_criteria": (
            "Pris väger 40 procent, kvaliteten i menyförslagen 40 procent och leveranssäkerhet 20 procent."
        ),
        "lots": [],
        "submission": (
            "Kafé Gemenskap lämnar anbud på catering till kommunens möten. Vi har levererat fika och luncher till "
            "konferenser i Örebro sedan 2019 och tar emot beställningar fram till klockan 12 dagen före "
            "leverans. Prislista och menyförslag enligt kommunens mall finns i upphandlingssystemet."
        ),
    },
    {
        "title": "Tvätt av arbetskläder",
        "outcome": "cancelled",
        "legal_basis": Tender.LegalBasis.RESERVED_4_18_1,
        "procurement_id": "0420",
        "cpv": ["98310000"],
        "municipalities": ["1880"],
        "estimated_value": 300_000,
        "days": (9, 13, 22),
        "contract": (1, 24),
        "description": (
            "Tvätt, lagning och leverans av arbetskläder för kommunens hemtjänst och kostenheter, cirka 600 plagg "
            "i veckan. Leverantören hämtar och lämnar kläderna på tolv adresser i Örebro. "
            f"{RESERVED_NOTE}"
        ),
        "evaluation_criteria": "Pris väger 60 procent och miljöarbete och kvalitetssäkring 40 procent.",
        "lots": [],
        "cancel_reason": "Behovet har upphört.",
    },
]

# Tender fields copied from the spec as they are (the dates, the notice and the CPV codes are derived).
PLAIN_FIELDS = (
    "title",
    "description",
    "legal_basis",
    "estimated_value",
    "options",
    "evaluation_criteria",
    "direct_award_reason",
    "target_group",
    "employment_form",
    "places",
    "matching_contact",
)


class _Skipped(Exception):
    """A tender that cannot be seeded as intended; its savepoint is rolled back."""


def _at(days: int, today: date, hour: int = 12) -> datetime:
    """Noon (on the hour, local time) `days` from today."""
    return timezone.make_aware(datetime.combine(today + timedelta(days=days), time(hour)))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _contract(spec: dict[str, Any], deadline: date) -> tuple[date, date]:
    """The contract starts on the first of a month after the deadline and ends the day before its months are up."""
    months_after, duration = spec["contract"]
    start = _add_months(deadline.replace(day=1), months_after + 1)
    return start, _add_months(start, duration) - timedelta(days=1)


def _full_cpv(eight_digits: str) -> str:
    return f"{eight_digits}-{cpv_check_digit(eight_digits)}"


def _fields(spec: dict[str, Any], today: date) -> dict[str, Any]:
    question, answers, deadline = spec["days"]
    fields = {name: spec[name] for name in PLAIN_FIELDS if name in spec}
    fields["estimated_value"] = Decimal(spec["estimated_value"])
    if "procurement_id" in spec:
        fields["procurement_id"] = f"ÖK-{today.year}-{spec['procurement_id']}"
        fields["notice_url"] = f"{NOTICE_BASE_URL}/ok-{today.year}-{spec['procurement_id']}"
    fields["question_deadline_at"] = _at(question, today)
    fields["answers_published_by_at"] = _at(answers, today)
    fields["submission_deadline_at"] = _at(deadline, today)
    # The contract starts after the deadline (the awarded tender's moves with its deadline, see _award).
    fields["contract_start_on"], fields["contract_end_on"] = _contract(spec, today + timedelta(days=deadline))
    return fields


def _find_asf(role: str) -> Company | None:
    """The verified company playing `role`: by name, else by service, else any listed company."""
    spec = ASF[role]
    listed = Company.objects.listed().order_by("name", "pk")
    return (
        listed.filter(name=spec["name"]).first()
        or listed.filter(service_categories__slug__in=spec["services"]).distinct().first()
        or listed.first()
    )


def _representative(company: Company, role: str) -> User | None:
    """Who acts for the company: its representative, or a new demo representative when it has none."""
    if rep := people_with_role(Role.COMPANY_REPRESENTATIVE, company_ids=[company.pk]).first():
        return rep
    name, email = ASF[role]["representative"]
    if company.name != ASF[role]["name"]:  # a stand-in company: an address of its own
        domain = company.email.partition("@")[2] or "asfportalen.example"
        name, email = "Demorepresentant", f"anbud@{domain}"
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=None, full_name=name, role=Role.COMPANY_REPRESENTATIVE
        )
    elif Membership.objects.filter(
        user=user, role=Role.COMPANY_REPRESENTATIVE, revoked_at__isnull=True
    ).exists():
        return None  # acts for another company already
    membership_grant(user=user, role=Role.COMPANY_REPRESENTATIVE, company=company)
    audit(None, "companies.representative.connected", company, email=user.email)
    return user


def _asker(role: str) -> tuple[Company, User] | None:
    company = _find_asf(role)
    user = _representative(company, role) if company else None
    return (company, user) if user else None


def _ask_and_answer(tender: Tender, spec: dict[str, Any], officer: User) -> None:
    if not spec.get("questions"):
        return
    asker = _asker("cleaning")
    if asker is None:
        return
    company, representative = asker
    for text, answer in spec["questions"]:
        question = services.question_ask(tender=tender, company=company, text=text, actor=representative)
        services.question_answer(question=question, answer=answer, actor=officer)


def _award(tender: Tender, spec: dict[str, Any], officer: User, today: date) -> bool:
    """Answer the tender, move its dates into the past, close it and award it; False when no ASF can answer."""
    answerer = _asker("catering")
    if answerer is None:
        return False
    company, representative = answerer
    # The company declares what the registry holds (employees and people in work training).
    occupied = company.employees_total + company.participants
    in_target_group = company.employees_integration + company.participants
    if not meets_reserved_share(occupied=occupied, in_target_group=in_target_group):
        return False
    services.submission_submit(
        tender=tender,
        company=company,
        message=spec["submission"],
        occupied=occupied,
        in_target_group=in_target_group,
        actor=representative,
    )
    past = spec["past_days"]
    deadline = _at(past["deadline"], today)
    contract_start_on, contract_end_on = _contract(spec, today + timedelta(days=past["deadline"]))
    Tender.objects.filter(pk=tender.pk).update(
        published_at=_at(past["published"], today, hour=9),
        question_deadline_at=_at(past["question"], today),
        answers_published_by_at=_at(past["answers"], today),
        submission_deadline_at=deadline,
        contract_start_on=contract_start_on,
        contract_end_on=contract_end_on,
    )
    Submission.objects.filter(tender=tender, company=company).update(
        submitted_at=_at(past["submitted"], today, hour=15)
    )
    services.tenders_close_due(now=deadline)
    tender.refresh_from_db()
    services.tender_award(
        tender=tender,
        awards=[
            {
                "company": company,
                "value": Decimal(spec["award_value"]),
                "contract_start_on": tender.contract_start_on,
                "contract_end_on": tender.contract_end_on,
                "awarded_on": today - timedelta(days=spec["awarded_days_ago"]),
            }
        ],
        actor=officer,
    )
    return True


def _create_tender(spec: dict[str, Any], *, officer: User, today: date) -> None:
    cpv_codes = list(CpvCode.objects.filter(code__in=[_full_cpv(code) for code in spec["cpv"]]))
    municipalities = list(Organisation.objects.municipalities().filter(code__in=spec["municipalities"]))
    tender = services.tender_save_draft(
        tender=None,
        fields=_fields(spec, today),
        cpv_codes=cpv_codes,
        municipalities=municipalities,
        lots=spec["lots"],
        actor=officer,
    )
    if spec["outcome"] == "draft":
        return
    tender = services.tender_publish(tender=tender, actor=officer)
    _ask_and_answer(tender, spec, officer)
    if spec["outcome"] == "awarded" and not _award(tender, spec, officer, today):
        # No verified ASF to answer it: roll back this tender rather than leave a half-made award.
        raise _Skipped
    if spec["outcome"] == "cancelled":
        services.tender_cancel(tender=tender, reason=spec["cancel_reason"], actor=officer)


@demo_seeder
def seed_tenders(stdout) -> None:
    """Create the demo tenders of Örebro kommun that are missing; existing ones (by title) are left as they are."""
    officer = User.objects.filter(email__iexact=OFFICER_EMAIL, organisation__isnull=False).first()
    if officer is None:
        stdout.write(f"Demo tenders: skipped, the procurement officer {OFFICER_EMAIL} is missing.")
        return
    if not Company.objects.listed().exists():
        stdout.write(
            "Demo tenders: skipped, there are no verified companies (run the companies seeder first)."
        )
        return
    today = timezone.localdate()
    created = 0
    for spec in TENDERS:
        if Tender.objects.filter(buyer=officer.organisation, title=spec["title"]).exists():
            continue
        # All or nothing per tender (a savepoint inside seed_demo's transaction): a half-seeded tender would be
        # skipped by the existence check on the next run.
        try:
            with transaction.atomic():
                _create_tender(spec, officer=officer, today=today)
        except _Skipped:
            stdout.write(f"Demo tenders: skipped “{spec['title']}”, no verified company could answer it.")
            continue
        created += 1
    total = Tender.objects.filter(buyer=officer.organisation).count()
    stdout.write(f"Demo tenders: {created} created, {total} in total for {officer.organisation}.")
