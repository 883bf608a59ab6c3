import random
import time

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from asfportal.accounts import services as account_services
from asfportal.accounts.models import ORGANISATION_ROLES, Membership, Organisation, Role, User
from asfportal.core.scale import SCALE_SEEDERS, ScaleContext, Timer, bulk

# The defaults are Sweden: 290 kommuner and 21 regioner (loaded from SCB's codes), about 80 samordningsförbund.
SIZES = {
    "forbund": 80,
    "companies": 3000,
    "users": 5000,
    "placements": 150_000,
    "tenders": 20_000,
    "answers": 60_000,
    "plans": 1500,
    "activities": 25_000,
}
# Known benchmark password, printed by the command: like seed_demo, it refuses to run with DEBUG off unless told.
SCALE_PASSWORD = "Skala-ASF-2026!"  # nosec B105  # public by design; handle() refuses to run with DEBUG off
LARGEST_CODE = "0180"  # Stockholm


class Command(BaseCommand):
    help = (
        "Fill the database with a national-scale dataset for the benchmark (bulk inserts; prints its time)."
    )

    def add_arguments(self, parser):
        for name, default in SIZES.items():
            parser.add_argument(f"--{name}", type=int, default=default, help=f"how many (default {default})")
        parser.add_argument(
            "--fraction", type=float, default=1.0, help="multiply every size (0.01 for a quick try)"
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed: the same seed gives the same data"
        )
        parser.add_argument(
            "--allow-production", action="store_true", help="Seed even when DEBUG is off (the benchmark)."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError("seed_scale creates users with a known password; run it with DEBUG=on only.")
        if User.objects.filter(email__endswith="@scale.example").exists():
            raise CommandError("The national dataset is already here; seed_scale runs once per database.")
        sizes = {name: max(1, round(options[name] * options["fraction"])) for name in SIZES}
        started = time.monotonic()
        autodiscover_modules("scale")
        ctx = ScaleContext(
            sizes=sizes,
            today=timezone.localdate(),
            rng=random.Random(options["seed"]),  # nosec B311  # reproducible test data, not a secret
            password_hash=make_password(SCALE_PASSWORD),
        )
        with transaction.atomic():
            timer = Timer()
            self.stdout.write(f"accounts: {self._accounts(ctx)} ({timer})")
            for seeder in SCALE_SEEDERS:
                timer = Timer()
                self.stdout.write(f"{seeder.__module__.split('.')[0]}: {seeder(ctx)} ({timer})")
        self.stdout.write(f"seed_scale: done in {time.monotonic() - started:.1f} s")
        self.stdout.write(f"Log in as samordnare-0180-1@scale.example (Stockholm) with {SCALE_PASSWORD}")

    def _accounts(self, ctx: ScaleContext) -> str:
        account_services.reference_organisations_load()
        kommuner = dict(Organisation.objects.filter(kind="kommun").values_list("code", "pk"))
        ctx.kommun_ids = sorted(kommuner.values())
        ctx.largest_id = kommuner[LARGEST_CODE]
        ctx.region_ids = list(Organisation.objects.filter(kind="region").values_list("pk", flat=True))
        forbund = bulk(
            Organisation,
            (
                Organisation(name=f"Samordningsförbundet Skala {n}", kind="samordningsforbund")
                for n in range(ctx.sizes["forbund"])
            ),
        )
        ctx.forbund_ids = [f.pk for f in forbund]
        members = Organisation.members.through
        bulk(members, (members(from_organisation_id=f, to_organisation_id=k) for f in ctx.forbund_ids
                       for k in ctx.rng.sample(ctx.kommun_ids, 3)))  # fmt: skip
        codes = {pk: code for code, pk in kommuner.items()}

        def user(email, role, organisation_id):
            return User(email=email, full_name=email.split("@")[0].replace("-", " ").title(), role=role,
                        organisation_id=organisation_id, password=ctx.password_hash)  # fmt: skip

        people = []
        for pk in ctx.kommun_ids:
            people += [
                user(f"samordnare-{codes[pk]}-{n}@scale.example", Role.COORDINATOR, pk) for n in (1, 2)
            ]
            people.append(user(f"upphandlare-{codes[pk]}@scale.example", Role.PROCUREMENT_OFFICER, pk))
        for pk in ctx.region_ids + ctx.forbund_ids:
            people.append(user(f"samordnare-org{pk}@scale.example", Role.COORDINATOR, pk))
        for pk in ctx.region_ids:
            people.append(user(f"upphandlare-org{pk}@scale.example", Role.PROCUREMENT_OFFICER, pk))
        # The benchmark's administrator (staff, as the demo's), for the administrator's pages.
        administrator = user("admin@scale.example", Role.ADMINISTRATOR, None)
        administrator.is_staff = administrator.is_superuser = True
        people.append(administrator)
        # One representative per company at least (the users total is reached with more representatives).
        representatives = max(ctx.sizes["companies"], ctx.sizes["users"] - len(people))
        people += [
            user(f"foretag-{n}@scale.example", Role.COMPANY_REPRESENTATIVE, None)
            for n in range(representatives)
        ]
        saved_people = bulk(User, people)
        # Each person's one role is their one membership, as in the portal (recipients are found through them).
        bulk(Membership, (Membership(user_id=p.pk, role=p.role, organisation_id=p.organisation_id)
                          for p in saved_people if p.role in ORGANISATION_ROLES))  # fmt: skip
        for saved in saved_people:
            if saved.role == Role.COORDINATOR:
                ctx.coordinators.setdefault(saved.organisation_id, []).append(saved.pk)
            elif saved.role == Role.PROCUREMENT_OFFICER:
                ctx.officers.setdefault(saved.organisation_id, []).append(saved.pk)
            elif saved.role == Role.COMPANY_REPRESENTATIVE:
                ctx.representative_ids.append(saved.pk)
        return f"{len(ctx.kommun_ids)} kommuner, {len(ctx.region_ids)} regioner, {len(ctx.forbund_ids)} förbund, {len(people)} users"
