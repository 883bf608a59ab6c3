"""Shared model base, the audit trail, worker heartbeats and accessibility reports."""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .personal_data import reject_personal_identity_number
from .validators import plain_number_limits


class BaseModel(models.Model):
    """Every domain model records when it was created and last changed, refuses personnummer in what people
    write, and reports a broken constraint in Swedish on the field it concerns."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Text fields where an identity-number shape is expected and checked by their own validator instead
    # (organisationsnummer); every other CharField and TextField goes through the personnummer guard.
    identity_number_exempt: tuple[str, ...] = ()
    # constraint name -> the form field its violation_error_message belongs beside (else: the top of the form).
    constraint_fields: dict[str, str] = {}

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None) -> None:
        errors: dict[str, list] = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = {field: plain_number_limits(found) for field, found in error.error_dict.items()}
        for field in self._meta.concrete_fields:
            if not _guarded_text_field(field) or field.name in self.identity_number_exempt:
                continue
            if (exclude and field.name in exclude) or field.name in errors:
                continue
            try:
                reject_personal_identity_number(getattr(self, field.attname))
            except ValidationError as error:
                errors.setdefault(field.name, []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None) -> None:
        """Django's own loop, with each constraint's message put on the field `constraint_fields` names."""
        errors: dict[str, list] = {}
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model_class, self, exclude=exclude)
                except ValidationError as error:
                    field = self.constraint_fields.get(constraint.name)
                    if field is None and getattr(constraint, "fields", ()) and len(constraint.fields) == 1:
                        field = constraint.fields[0]
                    if field and not (exclude and field in exclude):
                        errors.setdefault(field, []).extend(error.error_list)
                    else:
                        errors.setdefault(NON_FIELD_ERRORS, []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)


def _guarded_text_field(field) -> bool:
    # A field nobody edits (editable=False) is written by the portal itself: a token's SHA-256, a generated key.
    # No person types a personnummer into it, and a hex digest holds ten digits in a row often enough to look
    # like one (a link's token was refused at random before this).
    return (
        isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.EmailField | models.URLField | models.SlugField)
        and not field.choices
        and field.editable
    )


class AuditEntry(models.Model):
    """One state change: who did what to which object, written in the change's own transaction."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    # pretix-style dotted code, e.g. "accounts.user.created"
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class WorkerHeartbeat(models.Model):
    """Written by a periodic task, so administrators can see that beat and a worker run."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    label = models.CharField(_("label"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.worker}"


class AccessibilityReport(BaseModel):
    """A shortcoming reported by a visitor through the accessibility statement (DOS-lagen 2018:1937)."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        HANDLED = "handled", _("Handled")

    page_url = models.CharField(_("page where the problem is"), max_length=500, blank=True)
    description = models.TextField(_("description of the problem"), max_length=5000)
    contact_email = models.EmailField(_("your e-mail address (optional)"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.NEW)

    class Meta:
        verbose_name = _("accessibility report")
        verbose_name_plural = _("accessibility reports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} {self.description[:60]}"


class Channel(models.TextChoices):
    """How a user wants one kind of notification delivered."""

    EMAIL_NOW = "email_now", _("E-mail at once")
    DIGEST = "digest", _("Daily digest e-mail")
    PORTAL = "portal", _("Only in the portal")


class NotificationQuerySet(models.QuerySet):
    def listed(self):
        """What the recipient sees in the portal: everything except the digest e-mails that bundle them."""
        return self.filter(is_digest=False)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def bulk_create(self, objs, *args, **kwargs):
        """As Django's, and the recipients' cached header figures (core/cache.py) are renewed: a bulk insert
        sends no post_save."""
        from .cache import person_changed

        created = super().bulk_create(objs, *args, **kwargs)
        person_changed(*(notification.recipient_id for notification in created))
        return created

    def deliverable(self, now):
        """E-mails due now whose lease, if any, has run out."""
        return self.filter(state=Notification.State.PENDING, next_attempt_at__lte=now).filter(
            models.Q(lease_until__isnull=True) | models.Q(lease_until__lt=now)
        )


class Notification(models.Model):
    """One notification to one person, and its e-mail in the outbox.

    Written in the same transaction as the change that caused it, so a rolled-back change notifies nobody and a
    committed one is never lost. `key` is unique: the same reminder (what, about which object, for which due date,
    to whom) can only exist once, however often a sweep runs.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be e-mailed")
        DIGEST = "digest", _("Waiting for the daily digest")
        SENT = "sent", _("E-mailed")
        FAILED = "failed", _("E-mail failed")
        PORTAL = "portal", _("Shown in the portal only")

    key = models.CharField(_("idempotency key"), max_length=255, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    # Rendered once, in the recipient's language, when the notification is created.
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel)
    is_digest = models.BooleanField(_("is a digest"), default=False)
    digest = models.ForeignKey(
        "self",
        verbose_name=_("sent in digest"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
    )
    state = models.CharField(_("e-mail state"), max_length=20, choices=State, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["state", "next_attempt_at"], name="notification_outbox"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient_id}"


class NotificationPreference(models.Model):
    """A user's choice of channel for one kind of notification; without a row, the kind's role default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=100)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                name="one_preference_per_kind",
                violation_error_message=_("There is already a choice for this kind of notification."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.channel}"


class FormSubmission(models.Model):
    """A claimed one-time form token (asfportal/core/form_tokens.py) and where its first submission led.

    The unique token is the guard: of two requests posting the same form, only one can insert the row. Kept for
    FORM_TOKEN_HOURS; the daily purge forgets older ones.
    """

    token = models.CharField(_("form token"), max_length=32, unique=True)
    owner = models.CharField(_("form token owner"), max_length=100)
    path = models.CharField(_("form address"), max_length=500)
    # The redirect the first request answered with, committed with the claim and its writes (form_tokens.py);
    # empty only in a claim the previous release committed while its request still ran.
    result_url = models.CharField(_("first result"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return f"{self.path} {self.created_at:%Y-%m-%d %H:%M}"


class CalendarFeed(BaseModel):
    """A person's secret calendar address (core/calendars): the address carries a signed copy of `key`, so it
    can be shown again on the settings page, and renewing (a new key) or turning it off (the row goes) makes
    the old address answer 404 at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    key = models.CharField(_("key"), max_length=32, editable=False)

    # A random hexadecimal key, never typed by anyone: no identity number can hide in it.
    identity_number_exempt = ("key",)

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.updated_at:%Y-%m-%d %H:%M}" if self.updated_at else str(self.user_id)
