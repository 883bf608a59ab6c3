"""Demo registry for `manage.py seed_demo`: about twenty fictional ASF in Örebro län, in every registry state.

The companies are created through the services, so the same rules and audit trail apply as for real ones. Dates
are relative to today, so a freshly seeded demo always shows verified companies, one whose assessment runs out
soon (for the reminders), one lapsed, one not verified, two waiting for assessment and one closed. Organisation
numbers are fictional but valid (Luhn check digit, first digit matching the legal form); e-mail addresses and
websites use the reserved .example domain.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from asfportal.accounts.models import Membership, Organisation, Role, User
from asfportal.accounts.services import membership_grant
from asfportal.core.audit import audit
from asfportal.core.demo import demo_seeder

from . import services
from .models import Company, ContactPerson, ServiceCategory
from .validators import org_number_from_stem

COORDINATOR_EMAIL = "samordnare@orebro.example"

# Registry states the seeder produces; "expiring" is verified with the assessment running out in EXPIRING_IN_DAYS,
# inside the first reminder threshold (COMPANY_REMINDER_DAYS, 60 by default).
VERIFIED, EXPIRING, LAPSED, NOT_VERIFIED, REGISTERED, CLOSED = (
    "verified",
    "expiring",
    "lapsed",
    "not_verified",
    "registered",
    "closed",
)
EXPIRING_IN_DAYS = 50

# What an ASF of each legal form typically answers on ownership, participation and use of profits (criteria 2-4).
LEGAL_FORM_TEXTS = {
    "ekonomisk_forening": {
        "ownership": "Föreningens medlemmar är de anställda; medlemskap erbjuds alla som har varit anställda i sex månader.",
        "participation": "Medarbetarna är medlemmar och väljer styrelsen på årsstämman. Arbetsplatsträffar hålls varje månad.",
        "profit_use": "Överskottet återinvesteras i verksamheten enligt stadgarna; ingen vinst delas ut till medlemmarna.",
    },
    "aktiebolag_svb": {
        "ownership": "Aktierna ägs till 60 procent av en förening som de anställda är medlemmar i och till 40 procent av grundarna.",
        "participation": "Två arbetstagarrepresentanter sitter i styrelsen och ett medarbetarråd träffas varannan vecka.",
        "profit_use": "Bolaget har särskild vinstutdelningsbegränsning (svb); överskottet används främst till fler anställningar.",
    },
    "ideell_forening": {
        "ownership": "Föreningen har medlemmar bland anställda, deltagare och stödmedlemmar; varje medlem har en röst.",
        "participation": "Anställda och deltagare är medlemmar med rösträtt och har en egen ledamot i styrelsen.",
        "profit_use": "Som ideell förening delar vi inte ut något överskott; det går till verksamheten och fler anställningar.",
    },
    "stiftelse": {
        "ownership": "Stiftelsen har inga ägare; den förvaltas av en styrelse som utses av den förening som bildade den.",
        "participation": "Ett medarbetarråd väljer två ledamöter till stiftelsens styrelse och deltar i verksamhetsplaneringen.",
        "profit_use": "Enligt stiftelseförordnandet används allt överskott till att skapa arbete åt personer långt från arbetsmarknaden.",
    },
}

# stem: the first nine digits of the organisation number; the check digit is computed (see _org_number).
# domain: gives info@<domain> and https://<domain>. assessed_days_ago: for states whose date is not derived.
COMPANIES: list[dict[str, Any]] = [
    {
        "name": "Kafé Gemenskap ekonomisk förening",
        "stem": "769625418",
        "legal_form": "ekonomisk_forening",
        "municipalities": ["1880"],
        "services": ["cafe", "catering", "work-training"],
        "visiting_address": "Drottninggatan 14",
        "postal_code": "702 10",
        "city": "Örebro",
        "phone": "019-16 42 10",
        "domain": "kafe-gemenskap.example",
        "description": "Kafé Gemenskap driver ett lunchkafé mitt i Örebro med hembakat bröd, dagens soppa och fikabuffé. Vi levererar också fika och smörgåsar till möten och konferenser. Här får personer som länge stått utanför arbetsmarknaden en anställning och handledning i kök och servering.",
        "employees_total": 14,
        "employees_integration": 9,
        "participants": 6,
        "work_training_places": 4,
        "state": VERIFIED,
        "assessed_days_ago": 45,
        "salary_ratio": "1.40",
        "representative": "foretag@kafe-gemenskap.example",
        "contacts": [
            ("Anna Sjöberg", "Verksamhetschef", "anna.sjoberg@kafe-gemenskap.example", "019-16 42 11"),
            ("Jonas Berglund", "Köksansvarig och handledare", "jonas.berglund@kafe-gemenskap.example", ""),
        ],
    },
    {
        "name": "Returbutiken Kumla ekonomisk förening",
        "stem": "769618732",
        "legal_form": "ekonomisk_forening",
        "municipalities": ["1881"],
        "services": ["second-hand", "work-training"],
        "visiting_address": "Kvarngatan 3",
        "postal_code": "692 32",
        "city": "Kumla",
        "phone": "019-58 30 20",
        "domain": "returbutiken-kumla.example",
        "description": "Returbutiken tar emot möbler, kläder och husgeråd som skänks av privatpersoner och företag i Kumla, och sorterar, lagar och säljer dem vidare. Större gåvor hämtar vi med egen bil. Överskottet går till fler anställningar för personer som behöver en väg tillbaka till arbete.",
        "employees_total": 9,
        "employees_integration": 6,
        "participants": 5,
        "work_training_places": 3,
        "state": VERIFIED,
        "assessed_days_ago": 120,
        "salary_ratio": "1.35",
    },
    {
        "name": "Städkraft Sydnärke AB (svb)",
        "stem": "559214637",
        "legal_form": "aktiebolag_svb",
        "municipalities": ["1861", "1881", "1882"],
        "services": ["cleaning"],
        "visiting_address": "Västra Storgatan 21",
        "postal_code": "694 30",
        "city": "Hallsberg",
        "phone": "0582-150 40",
        "domain": "stadkraft-sydnarke.example",
        "description": "Städkraft utför kontorsstädning, trappstädning och flyttstädning åt företag, bostadsbolag och kommuner i Sydnärke. Alla medarbetare utbildas i lokalvård och miljövänliga metoder. Bolaget har begränsad vinstutdelning och återinvesterar sitt överskott.",
        "employees_total": 22,
        "employees_integration": 14,
        "participants": 4,
        "work_training_places": 2,
        "state": VERIFIED,
        "assessed_days_ago": 200,
        "salary_ratio": "1.80",
        "contacts": [("Fatima Ali", "VD", "fatima.ali@stadkraft-sydnarke.example", "0582-150 41")],
    },
    {
        "name": "Fastighetsservice Vivalla ekonomisk förening",
        "stem": "769633051",
        "legal_form": "ekonomisk_forening",
        "municipalities": ["1880"],
        "services": ["property-care", "grounds", "snow-clearing"],
        "visiting_address": "Lertagsgatan 12",
        "postal_code": "703 74",
        "city": "Örebro",
        "phone": "019-27 18 90",
        "domain": "fastighetsservice-vivalla.example",
        "description": "Vi sköter trapphus, tvättstugor, soprum och utemiljö åt bostadsbolag i västra Örebro. På vintern röjer vi snö och sandar gångvägar. Många av medarbetarna bor i området och har fått sitt första jobb i Sverige hos oss.",
        "employees_total": 18,
        "employees_integration": 12,
        "participants": 3,
        "work_training_places": 2,
        "state": VERIFIED,
        "assessed_days_ago": 30,
        "salary_ratio": "1.60",
    },
    {
        "name": "Flyttkompaniet Närke ekonomisk förening",
        "stem": "769641926",
        "legal_form": "ekonomisk_forening",
        "municipalities": ["1880", "1881", "1861"],
        "services": ["removals", "cleaning"],
        "visiting_address": "Bettorpsgatan 4",
        "postal_code": "703 69",
        "city": "Örebro",
        "phone": "019-31 05 70",
        "domain": "flyttkompaniet-narke.example",
        "description": "Flyttkompaniet hjälper privatpersoner, företag och kommuner med flyttar, magasinering och bortforsling. Vi erbjuder också flyttstädning tillsammans med andra sociala företag. Arbetslagen leds av erfarna flyttarbetare som handleder de nyanställda.",
        "employees_total": 16,
        "employees_integration": 10,
        "participants": 4,
        "work_training_places": 3,
        "state": VERIFIED,
        "assessed_days_ago": 260,
        "salary_ratio": "1.70",
        "contacts": [
            ("Mehmet Yilmaz", "Arbetsledare", "mehmet.yilmaz@flyttkompaniet-narke.example", "019-31 05 72"),
            ("Lena Holm", "Ekonomiansvarig", "lena.holm@flyttkompaniet-narke.example", ""),
        ],
    },
    {
        "name": "Cykelköket Örebro ideell förening",
        "stem": "802490173",
        "legal_form": "ideell_forening",
        "municipalities": ["1880"],
        "services": ["bicycle-repair", "second-hand"],
        "visiting_address": "Järnvägsgatan 9",
        "postal_code": "703 62",
        "city": "Örebro",
        "phone": "019-10 22 35",
        "domain": "cykelkoket.example",
        "description": "Cykelköket reparerar och servar cyklar och säljer renoverade begagnade cyklar till rimliga priser. Vi tar hand om övergivna cyklar åt fastighetsägare och kommunen. Verkstaden är en plats där man lär sig ett hantverk och kan få en anställning efter arbetsträningen.",
        "employees_total": 6,
        "employees_integration": 4,
        "participants": 5,
        "work_training_places": 4,
        "state": VERIFIED,
        "assessed_days_ago": 90,
        "salary_ratio": "1.25",
    },
    {
        "name": "Tvätteriet i Karlskoga ekonomisk förening",
        "stem": "769627384",
        "legal_form": "ekonomisk_forening",
        "municipalities": ["1883"],
        "services": ["laundry"],
        "visiting_address": "Bergsmansgatan 11",
        "postal_code": "691 31",
        "city": "Karlskoga",
        "phone": "0586-640 15",
        "domain": "tvatteriet-karlskoga.example",
        "description": "Tvätteriet tvättar, manglar och lagar textilier åt restauranger, vårdboenden och privatpersoner i Karlskoga. Vi hämtar och lämnar tvätten med egen bil. Arbetet ger en tydlig struktur och en trygg start för den som länge har varit borta från arbetslivet.",
        "employees_total": 11,
        "employees_integration": 7,
        "participants": 3,
        "work_training_places": 2,
        "state": VERIFIED,
        "assessed_days_ago": 150,
        "salary_ratio": "1.45",
    },
    {
        "name": "Smakverket Catering ekonomisk förening",
        "stem": "769654209",
        "legal_form": "ekonomisk_forening",
        "municipalities": ["1880", "1881"],
        "services": ["catering", "cafe"],
        "visiting_address": "Radiatorvägen 5",
        "postal_code": "702 27",
        "city": "Örebro",
        "phone": "019-24 66 80",
        "domain": "smakverket.example",
        "description": "Smakverket lagar husmanskost och vegetariska rätter från grunden och levererar matlådor och catering till företag, föreningar och förskolor. Vi använder lokala råvaror och tar emot beställningar från tio portioner. I köket får medarbetarna yrkeserfarenhet och kan ta intyg i livsmedelshygien.",
        "employees_total": 13,
        "employees_integration": 8,
        "participants": 4,
        "work_training_places": 3,
        "state": VERIFIED,
        "assessed_days_ago": 210,
        "salary_ratio": "1.55",
    },
    {
        "name": "Grönt Arbete Askersund ekonomisk förening",
        "stem": "769637562",
        "legal_form": "ekonomisk_forening",
        "municipalities": ["1882", "1861"],
        "services": ["grounds", "snow-clearing"],
        "visiting_address": "Storgatan 30",
        "postal_code": "696 30",
        "city": "Askersund",
        "phone": "0583-120 60",
        "domain": "gront-arbete.example",
        "description": "Vi klipper gräs, beskär häckar och sköter parker och kyrkogårdar åt kommuner, församlingar och bostadsrättsföreningar runt norra Vättern. På vintern tar vi uppdrag med snöröjning och halkbekämpning. Arbete utomhus i små lag passar många som behöver komma tillbaka i egen takt.",
        "employees_total": 10,
        "employees_integration": 7,
        "participants": 6,
        "work_training_places": 4,
        "state": VERIFIED,
        "assessed_days_ago": 60,
        "salary_ratio": "1.30",
    },
    {
        "name": "Blänk Biltvätt Lindesberg AB (svb)",
        "stem": "559287415",
        "legal_form": "aktiebolag_svb",
        "municipalities": ["1885"],
        "services": ["car-care"],
        "visiting_address": "Industrigatan 6",
        "postal_code": "711 34",
        "city": "Lindesberg",
        "phone": "0581-170 25",
        "domain": "blank-biltvatt.example",
        "description": "Blänk erbjuder handtvätt, invändig rengöring och däckbyten för privatbilar och företagens fordon. Vi tvättar bland annat hemtjänstens och bilpoolernas bilar i Lindesberg. Bolaget har begränsad vinstutdelning och använder överskottet främst till nya anställningar.",
        "employees_total": 8,
        "employees_integration": 5,
        "participants": 2,
        "work_training_places": 2,
        "state": VERIFIED,
        "assessed_days_ago": 240,
        "salary_ratio": "1.90",
    },
    {
        "name": "Bergslagens Snickeri ekonomisk förening",
        "stem": "769645083",
        "legal_form": "ekonomisk_forening",
        "municipalities": ["1885"],
        "services": ["carpentry", "property-care"],
        "visiting_address": "Smedjegatan 4",
        "postal_code": "711 30",
        "city": "Lindesberg",
        "phone": "0581-155 90",
        "domain": "bergslagens-snickeri.example",
        "description": "Snickeriet tillverkar utemöbler, odlingslådor och fågelholkar och gör mindre renoveringar åt fastighetsägare. Mycket av virket kommer från rivningar och återbruk. Medarbetarna lär sig hantverket av erfarna snickare och kan gå vidare till byggbranschen.",
        "employees_total": 7,
        "employees_integration": 4,
        "participants": 3,
        "work_training_places": 2,
        "state": VERIFIED,
        "assessed_days_ago": 180,
        "salary_ratio": "1.50",
    },
    {
        "name": "Stiftelsen Vägen Vidare",
        "stem": "817604395",
        "legal_form": "stiftelse",
        "municipalities": ["1880", "1881"],
        "services": ["office-services", "fruit-baskets", "work-training"],
        "visiting_address": "Fabriksgatan 22",
        "postal_code": "702 23",
        "city": "Örebro",
        "phone": "019-18 75 00",
        "domain": "vagen-vidare.example",
        "description": "Stiftelsen Vägen Vidare driver en skanningsverkstad och levererar fruktkorgar till arbetsplatser i Örebro och Kumla. Stiftelsen bildades av en lokal idéburen förening för att skapa arbete åt personer med funktionsnedsättning. Allt överskott stannar i verksamheten.",
        "employees_total": 15,
        "employees_integration": 10,
        "participants": 8,
        "work_training_places": 5,
        "state": VERIFIED,
        "assessed_days_ago": 100,
        "salary_ratio": "1.65",
        "contacts": [
            ("Karin Lundqvist", "Föreståndare", "karin.lundqvist@vagen-vidare.example", "019-18 75 01")
        ],
    },
    {
        "name": "Hallsbergs Återbruk ideell förening",
        "stem": "802503817",
        "legal_form": "ideell_forening",
        "municipalities": ["1861"],
        "services": ["second-hand", "removals"],
        "visiting_address": "Stationsgatan 10",
        "postal_code": "694 35",
        "city": "Hallsberg",
        "phone": "0582-106 70",
        "domain": "hallsbergs-aterbruk.example",
        "description": "Återbruket säljer skänkta möbler, böcker och kläder i en stor butik vid stationen i Hallsberg. Vi hämtar gåvor och hjälper till att tömma dödsbon. Föreningens medlemmar och anställda driver butiken tillsammans.",
        "employees_total": 8,
        "employees_integration": 5,
        "participants": 6,
        "work_training_places": 4,
        "state": VERIFIED,
        "assessed_days_ago": 280,
        "salary_ratio": "1.20",
    },
    {
        "name": "Kumla Kök & Kafé ekonomisk förening",
        "stem": "769659740",
        "legal_form": "ekonomisk_forening",
        "municipalities": ["1881"],
        "services": ["cafe", "catering"],
        "visiting_address": "Torget 4",
        "postal_code": "692 30",
        "city": "Kumla",
        "phone": "019-57 12 40",
        "domain": "kumla-kok-kafe.example",
        "description": "Vi driver kaféet i Kumla bibliotek och lagar luncher åt två av kommunens äldreboenden. Menyn bygger på säsongens råvaror och klassisk svensk husmanskost. Alla som arbetar hos oss får handledning och kan gå utbildningar inom servering och livsmedelshygien.",
        "employees_total": 10,
        "employees_integration": 6,
        "participants": 4,
        "work_training_places": 3,
        "state": VERIFIED,
        "assessed_days_ago": 20,
        "salary_ratio": "1.40",
    },
    {
        "name": "Lindesbergs Städ och Fönsterputs ekonomisk förening",
        "stem": "769620957",
        "legal_form": "ekonomisk_forening",
        "municipalities": ["1885"],
        "services": ["cleaning"],
        "visiting_address": "Bangatan 12",
        "postal_code": "711 31",
        "city": "Lindesberg",
        "phone": "0581-120 45",
        "domain": "lindesbergs-stad.example",
        "description": "Föreningen utför hemstädning, fönsterputs och storstädning åt hushåll och företag i Lindesberg med omnejd. Många kunder använder rutavdraget och får samma städare varje gång. Medlemmarna är de anställda och fattar gemensamt beslut om verksamheten.",
        "employees_total": 9,
        "employees_integration": 6,
        "participants": 2,
        "work_training_places": 1,
        "state": EXPIRING,
        "salary_ratio": "1.30",
    },
    {
        "name": "Karlskoga Fastighetsvård ekonomisk förening",
        "stem": "769638625",
        "legal_form": "ekonomisk_forening",
        "municipalities": ["1883"],
        "services": ["property-care", "snow-clearing", "grounds"],
        "visiting_address": "Baggängsvägen 15",
        "postal_code": "691 42",
        "city": "Karlskoga",
        "phone": "0586-611 80",
        "domain": "karlskoga-fastighetsvard.example",
        "description": "Fastighetsvården sköter utemiljö, enklare reparationer och snöröjning åt bostadsrättsföreningar och företag i Karlskoga. Vi har egna maskiner för gräsklippning och snöröjning. Föreningen startades av ett tiotal personer som ville skapa sina egna jobb.",
        "employees_total": 12,
        "employees_integration": 7,
        "participants": 2,
        "work_training_places": 1,
        "state": LAPSED,
        "salary_ratio": "1.60",
    },
    {
        "name": "Verkstan Arbetsträning ideell förening",
        "stem": "802517364",
        "legal_form": "ideell_forening",
        "municipalities": ["1880"],
        "services": ["work-training", "second-hand"],
        "visiting_address": "Mejerigatan 7",
        "postal_code": "703 45",
        "city": "Örebro",
        "phone": "019-12 09 80",
        "domain": "verkstan-orebro.example",
        "description": "Verkstan tar emot deltagare i arbetsträning från Arbetsförmedlingen och kommunens arbetsmarknadsenhet. Deltagarna renoverar möbler och gör enklare monteringsuppdrag under ledning av föreningens volontärer. Föreningen har ännu inga anställda.",
        "employees_total": 0,
        "employees_integration": 0,
        "participants": 12,
        "work_training_places": 8,
        "state": NOT_VERIFIED,
        "assessed_days_ago": 35,
        "salary_ratio": None,
        "assessment": {
            "c1_verdict": "not_met",
            "c1_target_group_hires": 0,
            "c1_note": "Föreningen tar bara emot deltagare i arbetsträning och har inte anställt någon. Ett ASF ska anställa personer ur målgruppen.",
            "c3_note": "Stadgarna förbjuder vinstutdelning. Föreningen har inga löner att jämföra.",
            "note": "Föreningen är välkommen att ansöka igen när den har anställt medarbetare ur målgruppen.",
        },
    },
    {
        "name": "Snöröjarna i Närke ekonomisk förening",
        "stem": "769661283",
        "legal_form": "ekonomisk_forening",
        "municipalities": ["1881", "1880"],
        "services": ["snow-clearing", "grounds"],
        "visiting_address": "Fabriksgatan 9",
        "postal_code": "692 33",
        "city": "Kumla",
        "phone": "019-58 44 10",
        "domain": "snorojarna.example",
        "description": "Snöröjarna är ett nystartat kooperativ som tar uppdrag med snöröjning, sandning och vårsopning åt fastighetsägare i Kumla och Örebro. Sommartid sköter vi gräsytor och rabatter. Föreningen bildades förra året av deltagare i ett arbetsmarknadsprojekt.",
        "employees_total": 5,
        "employees_integration": 4,
        "participants": 1,
        "work_training_places": 1,
        "state": REGISTERED,
    },
    {
        "name": "Sy- och tvättstugan Askersund ekonomisk förening",
        "stem": "769648519",
        "legal_form": "ekonomisk_forening",
        "municipalities": ["1882"],
        "services": ["laundry", "second-hand"],
        "visiting_address": "Kyrkogatan 8",
        "postal_code": "696 31",
        "city": "Askersund",
        "phone": "0583-107 30",
        "domain": "sy-och-tvattstugan.example",
        "description": "Sy- och tvättstugan lagar och syr om kläder, tvättar arbetskläder åt lokala företag och säljer omsydda textilier. Verksamheten började som ett projekt i ett studieförbund och blev sedan en egen förening.",
        "employees_total": 4,
        "employees_integration": 3,
        "participants": 3,
        "work_training_places": 2,
        "state": REGISTERED,
    },
    {
        "name": "Café Trädgården Hallsberg ekonomisk förening",
        "stem": "769623146",
        "legal_form": "ekonomisk_forening",
        "municipalities": ["1861"],
        "services": ["cafe", "grounds"],
        "visiting_address": "Parkvägen 2",
        "postal_code": "694 31",
        "city": "Hallsberg",
        "phone": "0582-140 55",
        "domain": "cafe-tradgarden.example",
        "description": "Café Trädgården drev ett sommarkafé och en handelsträdgård i Hallsberg med växtförsäljning och lunchservering. Föreningen har avvecklat verksamheten och medarbetarna har gått vidare till andra arbetsgivare.",
        "employees_total": 6,
        "employees_integration": 4,
        "participants": 2,
        "work_training_places": 0,
        "state": CLOSED,
        "assessed_days_ago": 230,
        "salary_ratio": "1.25",
    },
]


def _org_number(stem: str) -> str:
    """The normalised NNNNNN-NNNN form the registry stores, so the existence check matches."""
    return org_number_from_stem(stem)


def _months_before(day: date, months: int) -> date:
    """The same day `months` earlier (clamped to the month's end), the inverse of models.default_valid_until."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _assessed_on(spec: dict[str, Any], today: date) -> date:
    valid_months = settings.COMPANY_ASSESSMENT_VALID_MONTHS
    if spec["state"] == EXPIRING:
        # Chosen so the assessment runs out EXPIRING_IN_DAYS from today, whatever the validity period.
        return _months_before(today + timedelta(days=EXPIRING_IN_DAYS), valid_months)
    if spec["state"] == LAPSED:
        return _months_before(today, valid_months + 1)
    return today - timedelta(days=spec["assessed_days_ago"])


def _assessment_fields(spec: dict[str, Any], assessed_on: date) -> dict[str, Any]:
    """An assessment that matches the company's facts: all four criteria met unless the spec says otherwise."""
    ratio = spec.get("salary_ratio")
    fields = {
        "assessed_on": assessed_on,
        "c1_verdict": "met",
        "c1_employees": spec["employees_total"],
        "c1_participants": spec["participants"],
        # Roughly a third of the target-group staff hired in the last year: a steady intake, not a one-off.
        "c1_target_group_hires": max(1, spec["employees_integration"] // 3),
        "c1_note": f"Arbetsintegration är verksamhetens ändamål enligt stadgarna. {spec['employees_integration']} av {spec['employees_total']} anställda kommer från målgruppen.",
        "c2_verdict": "met",
        "c2_revised_on": assessed_on - timedelta(days=90),
        "c2_note": "Delaktighetsdokumentet är reviderat och beskriver hur medarbetarna deltar i beslut om verksamheten.",
        "c3_verdict": "met",
        "c3_annual_report_year": assessed_on.year - 1,
        "c3_salary_ratio": Decimal(ratio) if ratio else None,
        "c3_note": "Stadgarna och den senaste årsredovisningen visar att överskottet återinvesteras i verksamheten.",
        "c4_verdict": "met",
        "c4_owners": LEGAL_FORM_TEXTS[spec["legal_form"]]["ownership"],
        "c4_public_owner": False,
        "c4_public_supervisor": False,
        "c4_note": "Ingen offentlig ägare. Styrelsen består av medlemmar och externa ledamöter utan uppdrag i kommunen.",
        "note": "",
    }
    return {**fields, **spec.get("assessment", {})}


def _company_fields(spec: dict[str, Any]) -> dict[str, Any]:
    fields = {
        name: spec[name]
        for name in (
            "name",
            "legal_form",
            "visiting_address",
            "postal_code",
            "city",
            "phone",
            "description",
            "employees_total",
            "employees_integration",
            "participants",
            "work_training_places",
        )
    }
    return {
        **fields,
        **LEGAL_FORM_TEXTS[spec["legal_form"]],
        "org_number": _org_number(spec["stem"]),
        "email": f"info@{spec['domain']}",
        "website": f"https://{spec['domain']}",
    }


def _create_company(spec: dict[str, Any], *, coordinator: User, today: date) -> Company:
    municipalities = Organisation.objects.municipalities().filter(code__in=spec["municipalities"])
    categories = ServiceCategory.objects.filter(slug__in=spec["services"])
    company = services.company_register(
        fields=_company_fields(spec),
        municipalities=list(municipalities),
        service_categories=list(categories),
        actor=coordinator,
    )
    if spec["state"] != REGISTERED:
        fields = _assessment_fields(spec, _assessed_on(spec, today))
        services.assessment_record(company=company, fields=fields, actor=coordinator)
    if spec["state"] == CLOSED:
        services.company_close(company=company, reason="Verksamheten har upphört.", actor=coordinator)
    for name, title, email, phone in spec.get("contacts", []):
        ContactPerson.objects.create(company=company, name=name, title=title, email=email, phone=phone)
    return company


def _connect_representative(spec: dict[str, Any], coordinator: User) -> None:
    """Give the demo representative login a company, unless it already acts for one."""
    user = User.objects.filter(email__iexact=spec["representative"]).first()
    company = Company.objects.filter(org_number=_org_number(spec["stem"])).first()
    if user is None or company is None:
        return
    if Membership.objects.filter(
        user=user, role=Role.COMPANY_REPRESENTATIVE, revoked_at__isnull=True
    ).exists():
        return
    # Through the membership, which writes the person's Representative row (accounts.services).
    membership_grant(user=user, role=Role.COMPANY_REPRESENTATIVE, company=company, actor=coordinator)
    audit(coordinator, "companies.representative.connected", company, email=user.email)


@demo_seeder
def seed_companies(stdout) -> None:
    """Create the demo companies that are missing; existing ones (by organisation number) are left as they are."""
    coordinator = User.objects.get(email__iexact=COORDINATOR_EMAIL)
    today = timezone.localdate()
    created = 0
    for spec in COMPANIES:
        if Company.objects.filter(org_number=_org_number(spec["stem"])).exists():
            continue
        # All or nothing per company (a savepoint inside seed_demo's transaction): a half-seeded company would
        # be skipped by the existence check on the next run.
        with transaction.atomic():
            _create_company(spec, coordinator=coordinator, today=today)
        created += 1
    # The lapsed company was recorded as verified with an expired date; the nightly job would lapse it, so run
    # the same service now rather than wait for the first night.
    services.companies_lapse(today=today)
    # After the assessments, so seeding does not queue "assessment recorded" e-mails for the demo login.
    for spec in COMPANIES:
        if "representative" in spec:
            _connect_representative(spec, coordinator)
    stdout.write(f"Demo companies: {created} created, {Company.objects.count()} in the registry.")
