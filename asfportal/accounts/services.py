"""State changes for people and organisations: every one atomic and audited."""

import csv
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from asfportal.core.audit import audit
from asfportal.core.exceptions import DomainError

from .models import Organisation, Role, User

DATA_DIR = Path(__file__).resolve().parent / "data"


@transaction.atomic
def user_create(
    *,
    email: str,
    full_name: str,
    role: str,
    organisation: Organisation | None = None,
    password: str | None = None,
    actor: User | None = None,
) -> User:
    """Create an active user in a role; administrators get the Django admin. Refuses a taken e-mail."""
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError(_("A user with the e-mail address %(email)s already exists.") % {"email": email})
    user = User(email=email, full_name=full_name, role=role, organisation=organisation)
    user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit(actor, "accounts.user.created", user, role=role)
    return user


@transaction.atomic
def reference_organisations_load() -> dict[str, int]:
    """Create or update the 21 regions and 290 municipalities from the shipped SCB codes; idempotent."""
    counts = {"created": 0, "updated": 0}
    regions: dict[str, Organisation] = {}
    with open(DATA_DIR / "lan.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            regions[row["lanskod"]] = _upsert(
                Organisation.Kind.REGION, row["lanskod"], row["region"], None, counts
            )
    with open(DATA_DIR / "kommuner.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            name = municipality_name(row["kommun"])
            _upsert(Organisation.Kind.KOMMUN, row["kommunkod"], name, regions[row["lanskod"]], counts)
    if counts["created"] or counts["updated"]:
        audit(None, "accounts.organisation.reference_loaded", None, **counts)
    return counts


# Irregular official names; the rule below covers the other 289.
_MUNICIPALITY_NAME_EXCEPTIONS = {"Falun": "Falu kommun"}


def municipality_name(short_name: str) -> str:
    """SCB's short name as the official one: a genitive s after a consonant ("Lindesbergs kommun"), none after
    a vowel or s/x ("Örebro kommun", "Borås kommun", "Kalix kommun")."""
    if short_name in _MUNICIPALITY_NAME_EXCEPTIONS:
        return _MUNICIPALITY_NAME_EXCEPTIONS[short_name]
    genitive = "" if short_name[-1].lower() in "aeiouyåäösxz" else "s"
    return f"{short_name}{genitive} kommun"


def _upsert(
    kind: str, code: str, name: str, region: Organisation | None, counts: dict[str, int]
) -> Organisation:
    org = Organisation.objects.filter(kind=kind, code=code).first()
    if org is None:
        org = Organisation(kind=kind, code=code, name=name, region=region)
        org.full_clean()
        org.save()
        counts["created"] += 1
    elif org.region_id != (region.pk if region else None):
        org.region = region
        org.save(update_fields=["region", "updated_at"])
        counts["updated"] += 1
    return org
