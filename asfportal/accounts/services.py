"""State changes for people and organisations: every one atomic and audited."""

import csv
import time
from pathlib import Path

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asfportal.core.audit import audit
from asfportal.core.cache import person_changed
from asfportal.core.exceptions import DomainError, clean_or_raise, raise_if

from . import notifications
from .models import ORGANISATION_ROLES, Membership, Organisation, Role, User
from .selectors import active_membership

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
    if role in ORGANISATION_ROLES and organisation is not None:
        membership_grant(user=user, role=role, organisation=organisation, actor=actor, activate=False)
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
            # The official name as the municipality writes it (Kalmar kommun, Falu kommun, Stockholms stad,
            # Region Gotland): reference data, never built from the short name by a rule.
            _upsert(Organisation.Kind.KOMMUN, row["kommunkod"], row["namn"], regions[row["lanskod"]], counts)
    if counts["created"] or counts["updated"]:
        audit(None, "accounts.organisation.reference_loaded", None, **counts)
    return counts


def _upsert(
    kind: str, code: str, name: str, region: Organisation | None, counts: dict[str, int]
) -> Organisation:
    org = Organisation.objects.filter(kind=kind, code=code).first()
    if org is None:
        org = Organisation(kind=kind, code=code, name=name, region=region)
        org.full_clean()
        org.save()
        counts["created"] += 1
    elif org.region_id != (region.pk if region else None) or org.name != name:
        org.region, org.name = region, name
        org.full_clean()
        org.save(update_fields=["region", "name", "updated_at"])
        counts["updated"] += 1
    return org


# Two-factor authentication (accounts/two_factor.py says who needs it). Token checks run outside any atomic block
# on purpose: django-otp saves its throttling counter on every failed guess, and a rollback would undo it.


def two_factor_enrolment_key() -> str:
    """A new secret for an authenticator app, kept in the enrolling session until confirmed (hex, 20 bytes).

    Never stored on the user before confirmation: a key kept there could be read by someone who knows only the
    password and later confirmed, unknowingly, by the real user.
    """
    from django_otp.util import random_hex

    return random_hex(20)


def two_factor_enrolment_confirm(*, user: User, key: str, token: str) -> list[str]:
    """Confirm the session's key with a code from the app; returns the new recovery codes (shown once)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    try:
        totp = TOTP(bytes.fromhex(key))
        totp.time = time.time()
        matched = totp.verify(int(_token_digits(token)), tolerance=1)
    except ValueError:
        matched = False
    if not matched:
        raise DomainError(
            _("The code is not correct. Check that the time on your phone is right and try the next code.")
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name="authenticator", key=key, confirmed=True, last_t=totp.t())
        codes = _recovery_codes_replace(user)
        audit(user, "accounts.two_factor.enabled", user)
        notifications.two_factor_changed_notify(user=user, change="enabled")
    return codes


def two_factor_verify(*, user: User, token: str) -> bool:
    """Check a code from the app, or a recovery code (which is used up). Failures are throttled and audited."""
    from django_otp.plugins.otp_static.models import StaticDevice

    from .two_factor import RECOVERY_DEVICE_NAME, confirmed_totp_device

    token = token.strip()
    device = confirmed_totp_device(user)
    recovery = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()
    _cap_throttle(device)
    _cap_throttle(recovery)
    if device is not None and device.verify_token(_token_digits(token)):
        return True
    normalised = token.replace(" ", "").replace("-", "").lower()
    if recovery is not None and normalised and recovery.verify_token(normalised):
        audit(user, "accounts.two_factor.recovery_code_used", user)
        return True
    audit(user, "accounts.two_factor.failed", user)
    return False


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    codes = _recovery_codes_replace(user)
    audit(user, "accounts.two_factor.recovery_codes_regenerated", user)
    notifications.two_factor_changed_notify(user=user, change="codes")
    return codes


@transaction.atomic
def user_language_set(*, user: User, language: str) -> User:
    """The language a person chose in the header: their notifications and e-mails are written in it from now on
    (core/notifications.py renders each in the recipient's language)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.language != language:
        user.language = language
        user.full_clean(validate_unique=False, validate_constraints=False)
        user.save(update_fields=["language"])
        audit(user, "accounts.user.language_changed", user, language=language)
    return user


@transaction.atomic
def introduction_dismiss(*, user: User) -> User:
    """The person has read the first-login introduction: it stays hidden from now on, on every device.
    A second dismissal (a double click, another tab) changes nothing and records nothing."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.introduction_dismissed_at is None:
        user.introduction_dismissed_at = timezone.now()
        user.save(update_fields=["introduction_dismissed_at"])
        audit(user, "accounts.introduction.dismissed", user)
    return user


@transaction.atomic
def two_factor_reset(*, user: User, actor: User | None) -> None:
    """An administrator's reset after a lost phone: devices removed, every verified session of the user ended.

    The user sets up a new authenticator at their next sign-in.
    """
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(two_factor_epoch=models.F("two_factor_epoch") + 1)
    user.refresh_from_db(fields=["two_factor_epoch"])
    audit(actor, "accounts.two_factor.reset", user)
    notifications.two_factor_changed_notify(user=user, change="reset")


# django-otp doubles the wait after each wrong code without limit, so someone who knows only the password could
# lock the real user out for days. Capped at 2^(10-1) s, about 8.5 minutes: guessing one code in a million at
# that pace still takes years.
MAX_THROTTLE_DOUBLINGS = 10


def _cap_throttle(device) -> None:
    if device is not None and device.throttling_failure_count > MAX_THROTTLE_DOUBLINGS:
        type(device).objects.filter(pk=device.pk).update(throttling_failure_count=MAX_THROTTLE_DOUBLINGS)
        device.throttling_failure_count = MAX_THROTTLE_DOUBLINGS


def _token_digits(token: str) -> str:
    # People type codes with a space in the middle, as many apps show them ("123 456").
    return token.replace(" ", "").strip()


def _recovery_codes_replace(user: User) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from .two_factor import RECOVERY_CODE_COUNT, RECOVERY_DEVICE_NAME

    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


# --- Memberships (issue 16): the grants behind every permission -------------------------------------------------


@transaction.atomic
def membership_grant(
    *,
    user: User,
    role: str,
    organisation: Organisation | None = None,
    company=None,
    actor: User | None = None,
    activate: bool | None = None,
) -> Membership:
    """Give `user` `role` for `organisation` (or `company`); idempotent: an existing current grant is returned.

    The first membership a person gets becomes the active one (`activate=None`); pass True or False to decide.
    """
    existing = (
        Membership.objects.select_for_update()
        .filter(
            user=user,
            role=role,
            organisation=organisation,
            company=company,
            revoked_at__isnull=True,
        )
        .first()
    )
    if existing is not None:
        return existing
    membership = Membership(
        user=user, role=role, organisation=organisation, company=company, granted_by=actor
    )
    clean_or_raise(membership)
    membership.save()
    audit(
        actor,
        "accounts.membership.granted",
        user,
        role=role,
        organisation=organisation and organisation.pk,
        company=company and company.pk,
        membership=membership.pk,
    )
    has_active = active_membership(user=user) is not None
    if activate or (activate is None and not has_active):
        membership_activate(user=user, membership=membership)
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, actor: User | None = None) -> Membership:
    """End a membership now. If it was the active one, the person's next current membership becomes active (or
    none, and the person sees only what the public sees until granted another)."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    raise_if(membership.revoke_blockers())
    was_active = is_active_membership(membership.user, membership)
    membership.revoked_at = timezone.now()
    membership.revoked_by = actor
    membership.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    audit(
        actor, "accounts.membership.revoked", membership.user, role=membership.role, membership=membership.pk
    )
    if was_active:
        following = (
            Membership.objects.filter(user=membership.user, revoked_at__isnull=True).order_by("pk").first()
        )
        membership_activate(user=membership.user, membership=following)
    return membership


@transaction.atomic
def membership_activate(*, user: User, membership: Membership | None) -> User:
    """Make `membership` the one the person acts in: the single writer of User.role/organisation and of the
    person's Representative row, which mirror the active membership (see Membership's docstring)."""
    from django.apps import apps  # companies is above accounts: reached by name, never imported

    if membership is not None and (membership.user_id != user.pk or membership.revoked_at is not None):
        raise DomainError(_("This membership is not yours, or it has been revoked."))
    if user.role == Role.ADMINISTRATOR:
        raise DomainError(_("The national administrator acts for no organisation."))
    Representative = apps.get_model("companies", "Representative")
    if membership is None:
        user.role = ""
        user.organisation = None
        Representative.objects.filter(user=user).delete()
    else:
        user.role = membership.role
        user.organisation = membership.organisation
        if membership.company_id:
            Representative.objects.update_or_create(user=user, defaults={"company_id": membership.company_id})
        else:
            Representative.objects.filter(user=user).delete()
    user.save(update_fields=["role", "organisation"])
    # The cached reverse relation would still name the previous company.
    user._state.fields_cache.pop("representation", None)
    person_changed(
        user.pk
    )  # the header's membership list and figures (work queue, counts) are the new role's
    audit(user, "accounts.membership.activated", user, membership=membership and membership.pk)
    return user


def is_active_membership(user: User, membership: Membership) -> bool:
    active = active_membership(user=user)
    return active is not None and active.pk == membership.pk
