"""The people around a company: its representatives (users who act for it), its public contact persons, and the
single-use invitations that make someone a representative."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asfportal.core.models import BaseModel
from asfportal.core.personal_data import (
    normalise_swedish_phone_number,
    reject_personal_identity_number,
    validate_swedish_phone_number,
)

from .company import Company


class Representative(BaseModel):
    """A user who acts for one company."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="representation",
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="representatives"
    )

    class Meta:
        verbose_name = _("company representative")
        verbose_name_plural = _("company representatives")

    def __str__(self) -> str:
        return f"{self.user}: {self.company.name}"


class ContactPerson(BaseModel):
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("role"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(
        _("phone"), max_length=30, blank=True, validators=[validate_swedish_phone_number]
    )

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude=None) -> None:
        exclude = set(exclude or ())
        errors: dict[str, list] = {}
        if self.phone and "phone" not in exclude:
            try:
                reject_personal_identity_number(self.phone)  # the reason, not "not a phone number"
                self.phone = normalise_swedish_phone_number(self.phone)
            except ValidationError as error:
                errors["phone"] = error.error_list
                exclude.add("phone")
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


class Invitation(BaseModel):
    """A single-use link that lets a (new) representative set a password and act for the company."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited user"), on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True)
    # Random characters the portal makes (secrets.token_urlsafe), never typed: ten digits in a row are not a
    # personnummer here.
    identity_number_exempt = ("token",)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.user.email} → {self.company.name}"

    def accept_blockers(self, *, at) -> list[str]:
        if self.used_at is not None or self.expires_at <= at:
            return [_("The invitation link has expired or has already been used. Ask for a new one.")]
        if self.company.is_closed:
            return [_("The company is closed, so the invitation can no longer be used.")]
        return []

    def is_usable(self) -> bool:
        return not self.accept_blockers(at=timezone.now())
