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
    # Huvudanvändare: manages who in the organisation has access, in which role (issue 16).
    ORGANISATION_ADMINISTRATOR = "organisation_administrator", _("Organisation administrator")


# Roles that act on behalf of a public organisation and so must belong to one.
ORGANISATION_ROLES = (Role.COORDINATOR, Role.PROCUREMENT_OFFICER, Role.ORGANISATION_ADMINISTRATOR)
# The roles a Membership holds for an organisation (the national administrator holds no membership: that role is
# the whole installation's, on the User alone).
ORGANISATION_MEMBERSHIP_ROLES = ORGANISATION_ROLES


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
    # The active membership's role (blank: none); written only by services.membership_activate (see Membership).
    role = models.CharField(_("role"), max_length=30, choices=Role, blank=True)
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
    # The short introduction on the dashboard shows until the person dismisses it (accounts/services.py).
    introduction_dismissed_at = models.DateTimeField(
        _("introduction dismissed"), null=True, blank=True, editable=False
    )

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


class SsoRoleMapping(BaseModel):
    """Who an organisation lets in through its identity provider on first sign-in, and in which role.

    Someone the portal does not know yet, signing in through the provider `issuer`, becomes a person of
    `organisation` in `role` when the provider's groups claim (settings.OIDC_GROUPS_CLAIM) holds `value`. Edited
    in the admin (audited there); the person's account is the portal's from then on, not updated from claims.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="sso_mappings"
    )
    issuer = models.URLField(
        _("provider issuer"), max_length=300, help_text=_("The iss of the provider's ID tokens, exactly.")
    )
    value = models.CharField(
        _("group or claim value"),
        max_length=200,
        help_text=_("A value of the provider's groups claim, for example an Entra ID group's object id."),
    )
    role = models.CharField(
        _("role"), max_length=30, choices=[(r.value, r.label) for r in ORGANISATION_ROLES]
    )

    constraint_fields = {"sso_mapping_unique_value": "value"}

    class Meta:
        verbose_name = _("sign-in mapping")
        verbose_name_plural = _("sign-in mappings")
        ordering = ["organisation__name", "value", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "value"],
                name="sso_mapping_unique_value",
                violation_error_message=_("This provider's value already gives a role in an organisation."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.value} → {self.get_role_display()}"


class MembershipQuerySet(models.QuerySet):
    def current(self) -> MembershipQuerySet:
        """Memberships that give access now: not revoked, held by an active person."""
        return self.filter(revoked_at__isnull=True, user__is_active=True)


def mirrors_active_membership(
    user, *, role: str, organisation_id: int | None, company_id: int | None, acting_company_id: int | None
) -> bool:
    """Whether the membership with these values is the person's active one: the one rule, shared by the services
    and the header's switcher. The active membership is the one the mirrored columns name: the same role, and the
    same organisation or (for a company) the company of the person's Representative row (`acting_company_id`)."""
    if role != user.role:
        return False
    if company_id:
        return company_id == acting_company_id
    return organisation_id == user.organisation_id


class Membership(BaseModel):
    """One role a person holds for one organisation, or for one company: the grant behind every permission.

    A person may hold any number (a small kommun's coordinator who also posts its reserved tenders; a consultant
    who keeps two ASF's profiles). One of them is active at a time and every permission, dashboard, queue and
    figure is evaluated for that one only: `User.role`/`User.organisation` (and, for a company, the person's
    `Representative` row) mirror the active membership and are written by `services.membership_activate` alone,
    so the code that asks `user.role` keeps working and the previous release, which reads only those columns,
    keeps serving during a rolling upgrade (expand/contract; the columns are contracted in a later release).
    A revoked membership keeps its row (revoked_at, revoked_by) for the access history.
    """

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_memberships",
    )
    # By name, not import: accounts is below the apps, but a person may act for a company (companies.Company).
    company = models.ForeignKey(
        "companies.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    granted_by = models.ForeignKey(
        User, verbose_name=_("granted by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, verbose_name=_("revoked by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = MembershipQuerySet.as_manager()
    constraint_fields = {
        "membership_holder_matches_role": "organisation",
        "membership_unique_current": "role",
    }

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user_id", "role", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    (
                        Q(role__in=[r.value for r in ORGANISATION_MEMBERSHIP_ROLES])
                        & Q(organisation__isnull=False)
                        & Q(company__isnull=True)
                    )
                    | (
                        Q(role=Role.COMPANY_REPRESENTATIVE)
                        & Q(company__isnull=False)
                        & Q(organisation__isnull=True)
                    )
                ),
                name="membership_holder_matches_role",
                violation_error_message=_(
                    "An organisation's role is held for an organisation, a company representative's for a company."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation", "company"],
                condition=Q(revoked_at__isnull=True),
                nulls_distinct=False,
                name="membership_unique_current",
                violation_error_message=_("The person already holds this role there."),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "role"], name="membership_org_role"),
            models.Index(fields=["company", "role"], name="membership_company_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.holder_name}"

    @property
    def holder_id(self) -> int | None:
        return self.organisation_id or self.company_id

    @property
    def holder_name(self) -> str:
        holder = self.organisation if self.organisation_id else self.company
        return str(holder) if holder is not None else ""

    @property
    def is_current(self) -> bool:
        return self.revoked_at is None

    def revoke_blockers(self) -> list[str]:
        """May this membership be revoked now, and if not, why."""
        if self.revoked_at is not None:
            return [_("The membership has already been revoked.")]
        return []


# --- Organisation administration (issue 16): invitations, the yearly access review, joining ---------------------


class OrganisationInvitation(BaseModel):
    """A single-use, expiring link that lets a colleague into one role of an organisation.

    Only a hash of the link's token is stored (asfportal/core/tokens.py): someone who reads the database, a backup
    or the audit trail cannot use an invitation. A person without an account sets a password when they open it;
    a person with one signs in and gets the membership added.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("name"), max_length=200)
    role = models.CharField(
        _("role"), max_length=30, choices=[(r.value, r.label) for r in ORGANISATION_MEMBERSHIP_ROLES]
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, verbose_name=_("invited by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    used_by = models.ForeignKey(
        User, verbose_name=_("used by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation to an organisation")
        verbose_name_plural = _("invitations to organisations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation} ({self.get_role_display()})"

    @property
    def is_pending(self) -> bool:
        return self.used_at is None and self.withdrawn_at is None and self.expires_at > timezone.now()

    def accept_blockers(self, *, at) -> list[str]:
        """May the link be used at `at`, and if not, why (the same sentence for used, withdrawn and expired: the
        person asks for a new one either way)."""
        if self.used_at is not None or self.withdrawn_at is not None or self.expires_at <= at:
            return [_("The invitation link has expired or has already been used. Ask for a new one.")]
        if not self.organisation.is_active:
            return [_("The organisation no longer uses the portal, so the invitation can no longer be used.")]
        return []

    def withdraw_blockers(self) -> list[str]:
        if self.used_at is not None or self.withdrawn_at is not None:
            return [_("The invitation has already been used or withdrawn.")]
        return []


class AccessReview(BaseModel):
    """An organisation's yearly confirmation that the people with access are still its people.

    Least access (GDPR art. 5.1 f and 32): access that is no longer needed must end, and a list nobody looks at
    only grows. Made by the yearly sweep (administration.access_reviews_sweep), confirmed by an organisation
    administrator; an unconfirmed one shows on the national administrator's dashboard.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="access_reviews"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    due_on = models.DateField(_("due"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # How many current memberships the administrator confirmed, kept with the confirmation.
    confirmed_count = models.PositiveIntegerField(_("people confirmed"), null=True, blank=True)

    constraint_fields = {"access_review_one_per_year": "year"}

    class Meta:
        verbose_name = _("yearly access review")
        verbose_name_plural = _("yearly access reviews")
        ordering = ["-year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"],
                name="access_review_one_per_year",
                violation_error_message=_("The organisation already has a review for this year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def confirm_blockers(self) -> list[str]:
        if self.confirmed_at is not None:
            return [_("This year's review is already confirmed.")]
        return []


class JoinApplication(BaseModel):
    """A kommun, region, samordningsförbund or agency asking to start using the portal, with its first
    administrator. Decided by a national administrator; the applicant is e-mailed either way."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    # Picked from the shipped SCB reference data (kommuner, regions) or an organisation the portal already knows.
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="join_applications",
    )
    # Or, for one the portal does not know yet (a samordningsförbund, an agency): its name and number.
    name = models.CharField(_("organisation's name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Organisation.Kind, blank=True)
    org_number = models.CharField(_("organisation number"), max_length=11, blank=True)
    administrator_name = models.CharField(_("first administrator's name"), max_length=200)
    administrator_email = models.EmailField(_("first administrator's e-mail address"))
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PENDING)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User, verbose_name=_("decided by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    refusal_reason = models.TextField(_("reason for refusal"), max_length=2000, blank=True)

    constraint_fields = {
        "join_application_names_organisation": "name",
        "join_application_one_pending": "organisation",
        "join_application_refusal_has_reason": "refusal_reason",
    }

    class Meta:
        verbose_name = _("application to join")
        verbose_name_plural = _("applications to join")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | (~Q(name="") & ~Q(org_number="")),
                name="join_application_names_organisation",
                violation_error_message=_(
                    "Pick the organisation from the list, or give its name and organisation number."
                ),
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status="pending"),
                name="join_application_one_pending",
                violation_error_message=_("An application from this organisation is already waiting."),
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""),
                name="join_application_refusal_has_reason",
                violation_error_message=_("A refusal needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return self.organisation_name

    @property
    def organisation_name(self) -> str:
        return self.organisation.name if self.organisation_id else self.name

    def decide_blockers(self) -> list[str]:
        if self.status != self.Status.PENDING:
            return [_("The application has already been decided.")]
        return []


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, organisation__is_active=True)


class ApiToken(BaseModel):
    """An organisation's key for its own systems to the API (issue 19), named and scoped by its administrator.

    Only the SHA-256 of the secret is kept (the secret is 256 random bits, so a slow hash adds nothing; GitHub and
    PyPI keep their tokens the same way): the secret is shown once, when it is made. A token writes through the
    same services as a person, as its own inactive `actor` user ("API: name"), so every audit entry, progress note
    and draft names the token that made it; the actor can never log in and holds no membership, so no page,
    queue or e-mail treats it as a person. No scope reaches participants or placements.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        TENDERS = "tenders", _("Tenders")
        STEERING = "steering", _("Steering")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=20, choices=Scope)
    # The first characters of the secret, shown in the list so a person can tell which key a system holds.
    prefix = models.CharField(_("begins with"), max_length=12, editable=False)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    actor = models.OneToOneField(User, on_delete=models.PROTECT, related_name="api_token", editable=False)
    created_by = models.ForeignKey(
        User, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, verbose_name=_("revoked by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ApiTokenQuerySet.as_manager()
    constraint_fields = {"api_token_unique_current_name": "name"}  # nosec B105  # a constraint name, no secret

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["organisation_id", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "organisation",
                Lower("name"),
                condition=Q(revoked_at__isnull=True),
                name="api_token_unique_current_name",
                violation_error_message=_("The organisation already has a key with this name."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    @property
    def is_current(self) -> bool:
        return self.revoked_at is None

    def revoke_blockers(self) -> list[str]:
        """May this token be revoked now, and if not, why."""
        if self.revoked_at is not None:
            return [_("The key has already been revoked.")]
        return []

    def allows(self, scope: str) -> bool:
        """Whether the token may do what `scope` names: every token reads, writing needs its own scope."""
        return scope == self.Scope.READ or scope == self.scope
