"""People and organisations: the e-mail-login user, the organisations they act for, and their role."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asfportal.core.models import BaseModel


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    PROCUREMENT_OFFICER = "procurement_officer", _("Procurement officer")
    COMPANY_REPRESENTATIVE = "company_representative", _("Company representative")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles that act on behalf of a public organisation and so must belong to one.
ORGANISATION_ROLES = (Role.COORDINATOR, Role.PROCUREMENT_OFFICER)


class OrganisationQuerySet(models.QuerySet):
    def municipalities(self) -> OrganisationQuerySet:
        return self.filter(kind=Organisation.Kind.KOMMUN)

    def regions(self) -> OrganisationQuerySet:
        return self.filter(kind=Organisation.Kind.REGION)


class Organisation(BaseModel):
    """A public or supporting organisation: kommun, region, samordningsförbund, state agency or support body."""

    class Kind(models.TextChoices):
        KOMMUN = "kommun", _("Municipality")
        REGION = "region", _("Region")
        SAMORDNINGSFORBUND = "samordningsforbund", _("Coordination association (samordningsförbund)")
        STATE_AGENCY = "state_agency", _("State agency")
        SUPPORT_ORGANISATION = "support_organisation", _("Support organisation")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    # SCB's kommunkod (4 digits, the first two are the län) or länskod (2 digits); kept in the database so a
    # municipal merger is a data change, not a release.
    code = models.CharField(_("official code"), max_length=4, blank=True)
    region = models.ForeignKey(
        "self",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
        limit_choices_to={"kind": "region"},
    )
    # A samordningsförbund's members (Finsam 2003:1210): Försäkringskassan, Arbetsförmedlingen, region(s), kommun(er).
    members = models.ManyToManyField(
        "self", verbose_name=_("members"), symmetrical=False, blank=True, related_name="memberships"
    )
    # Bolagsverket's organisationsnummer (NNNNNN-NNNN) where known; published under org-id.guide's SE-ON in OCDS.
    org_number = models.CharField(_("organisation number"), max_length=11, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = OrganisationQuerySet.as_manager()
    constraint_fields = {
        "organisation_unique_official_code": "code",
        "organisation_code_matches_kind": "code",
    }

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code"],
                condition=~Q(code=""),
                name="organisation_unique_official_code",
                violation_error_message=_(
                    "Another organisation of this kind already has this official code."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    (Q(kind="kommun") & Q(code__regex=r"^[0-9]{4}$"))
                    | (Q(kind="region") & Q(code__regex=r"^[0-9]{2}$"))
                    | (~Q(kind__in=["kommun", "region"]) & Q(code=""))
                ),
                name="organisation_code_matches_kind",
                violation_error_message=_(
                    "A municipality has a four-digit code, a region a two-digit code, and other organisations "
                    "none."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == self.Kind.KOMMUN and not (len(self.code) == 4 and self.code.isdigit()):
            raise ValidationError({"code": _("A municipality needs its four-digit municipality code.")})
        if self.kind == self.Kind.REGION and not (len(self.code) == 2 and self.code.isdigit()):
            raise ValidationError({"code": _("A region needs its two-digit county code.")})
        if self.kind not in (self.Kind.KOMMUN, self.Kind.REGION) and self.code:
            raise ValidationError({"code": _("Only municipalities and regions have an official code.")})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # E-mail addresses are compared without regard to case: "Anna@Kommun.se" is "anna@kommun.se".
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("role", Role.ADMINISTRATOR)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with e-mail and acts in one role for one organisation."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=30, choices=Role)
    # A company representative acts for a company instead (added by the companies issue).
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    language = models.CharField(
        _("language"), max_length=5, default="sv", choices=[("sv", "Svenska"), ("en", "English")]
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("may use the administration"), default=False, help_text=_("Gives access to the Django admin.")
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # Bumped when an administrator resets the user's two-factor devices: a session verified under an older value
    # is no longer verified, so a lost phone cannot keep an open session alive (accounts/two_factor.py).
    two_factor_epoch = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ci",
                violation_error_message=_("A user with this e-mail address already exists."),
            ),
            models.CheckConstraint(
                condition=~Q(role__in=[r.value for r in ORGANISATION_ROLES]) | Q(organisation__isnull=False),
                name="user_public_role_has_organisation",
                violation_error_message=_("A coordinator or procurement officer acts for an organisation."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>" if self.full_name else self.email

    def clean(self) -> None:
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        if self.role in ORGANISATION_ROLES and self.organisation_id is None:
            raise ValidationError(
                {"organisation": _("A coordinator or procurement officer acts for an organisation.")}
            )

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def has_role(self, role: str, *, organisation_id: int | None = None) -> bool:
        """True if the user is active in `role`, for `organisation_id` when given."""
        if not self.is_active or self.role != role:
            return False
        return organisation_id is None or self.organisation_id == organisation_id
