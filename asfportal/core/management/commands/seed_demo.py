from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from asfportal.accounts import services as account_services
from asfportal.accounts import two_factor
from asfportal.accounts.demo_two_factor import DEMO_TOTP_KEY_BASE32, demo_authenticator_add
from asfportal.accounts.models import Organisation, Role, User
from asfportal.core.demo import SEEDERS

# Known demo password, printed by the command: demo data must never reach a production database.
DEMO_PASSWORD = "Demo-ASF-2026!"  # nosec B105  # public by design; handle() refuses to run with DEBUG off

# A small, realistic setting in Örebro län: the region, a few of its municipalities, a samordningsförbund whose
# members follow Finsam (2003:1210) (state agencies, the region and municipalities), Arbetsförmedlingen,
# Försäkringskassan and Coompanion.
DEMO_MUNICIPALITY_CODES = ["1880", "1881", "1861", "1882"]  # Örebro, Kumla, Hallsberg, Askersund
# The demo buyer's own organisationsnummer (Örebro kommun, as on its invoices), so its open data identifies it.
DEMO_BUYER_ORG_NUMBER = ("1880", "212000-1967")
DEMO_ORGANISATIONS = [
    ("Arbetsförmedlingen", Organisation.Kind.STATE_AGENCY),
    ("Försäkringskassan", Organisation.Kind.STATE_AGENCY),
    ("Coompanion Örebro län", Organisation.Kind.SUPPORT_ORGANISATION),
    ("Samordningsförbundet Sydnärke", Organisation.Kind.SAMORDNINGSFORBUND),
]
DEMO_USERS = [
    ("samordnare@orebro.example", "Sara Lind", Role.COORDINATOR, ("kommun", "1880")),
    ("upphandlare@orebro.example", "Olle Berg", Role.PROCUREMENT_OFFICER, ("kommun", "1880")),
    ("huvudanvandare@orebro.example", "Hanna Ström", Role.ORGANISATION_ADMINISTRATOR, ("kommun", "1880")),
    (
        "samordnare@sydnarke.example",
        "Leila Haddad",
        Role.COORDINATOR,
        ("name", "Samordningsförbundet Sydnärke"),
    ),
    ("foretag@kafe-gemenskap.example", "Maja Ek", Role.COMPANY_REPRESENTATIVE, None),
    ("admin@asfportalen.example", "Adam Nordin", Role.ADMINISTRATOR, None),
]


class Command(BaseCommand):
    help = (
        "Create a small Swedish demo setting with one user per role and print the logins; safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production", action="store_true", help="Seed even when DEBUG is off (tests, staging)."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError("seed_demo creates users with a known password; run it with DEBUG=on only.")
        autodiscover_modules("demo")  # each app's demo.py registers its seeder
        with transaction.atomic():
            account_services.reference_organisations_load()
            organisations = self._organisations()
            users = [
                self._user(email, name, role, organisations, where) for email, name, role, where in DEMO_USERS
            ]
            for seeder in SEEDERS:
                seeder(self.stdout)
            # The small kommun's case (issue 16): its coordinator also posts the reserved tenders, a second
            # membership she switches to in the header. Granted after the seeders, which notify as before.
            coordinator = users[0]
            account_services.membership_grant(
                user=coordinator,
                role=Role.PROCUREMENT_OFFICER,
                organisation=coordinator.organisation,
                activate=False,
            )
            for user in users:
                if two_factor.is_required(user):
                    demo_authenticator_add(user)
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Log in at /konto/logga-in/ with:"))
        for user in users:
            org = f" ({user.organisation})" if user.organisation else ""
            self.stdout.write(f"  {user.get_role_display():<28} {user.email:<34} {DEMO_PASSWORD}{org}")
        self.stdout.write(
            f"  {users[0].email} is also a procurement officer there: switch roles in the header.\n"
            "Coordinators, procurement officers and the administrator also give a code (two-factor):\n"
            f"  add the key {DEMO_TOTP_KEY_BASE32} to an authenticator app (time-based), or print the current code\n"
            "  with: .venv/bin/python manage.py demo_code"
        )

    def _organisations(self) -> dict[str, Organisation]:
        by_name = {}
        for name, kind in DEMO_ORGANISATIONS:
            org, _ = Organisation.objects.get_or_create(name=name, kind=kind)
            by_name[name] = org
        forbund = by_name["Samordningsförbundet Sydnärke"]
        members = list(Organisation.objects.filter(kind="kommun", code__in=DEMO_MUNICIPALITY_CODES[1:]))
        members += [Organisation.objects.get(kind="region", code="18")]
        members += [by_name["Arbetsförmedlingen"], by_name["Försäkringskassan"]]
        forbund.members.add(*members)
        code, org_number = DEMO_BUYER_ORG_NUMBER
        Organisation.objects.filter(kind="kommun", code=code, org_number="").update(org_number=org_number)
        return by_name

    def _user(self, email, name, role, organisations, where) -> User:
        organisation = None
        if where and where[0] == "kommun":
            organisation = Organisation.objects.get(kind="kommun", code=where[1])
        elif where:
            organisation = organisations[where[1]]
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            return account_services.user_create(
                email=email, full_name=name, role=role, organisation=organisation, password=DEMO_PASSWORD
            )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        return user
