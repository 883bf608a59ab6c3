"""Work-queue items of an organisation administrator (core/queue.py): this year's access review while it is
unconfirmed, and the invitations nobody has used yet. Two queries whatever the organisation's size."""

from __future__ import annotations

from datetime import date, datetime

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from asfportal.core.queue import QueueItem, QueueKind, queue_provider, register_kinds

from . import capabilities
from .models import Role
from .selectors import access_review_open, pending_invitations


def datasets(user):
    return [f"queue:org-admin:{user.organisation_id}"]


register_kinds(
    QueueKind("accounts.access_review", _("Yearly review of who has access"), order=20),
    QueueKind("accounts.invitation", _("Invitations not yet accepted"), order=22),
)


@queue_provider(Role.ORGANISATION_ADMINISTRATOR, datasets=datasets)
def organisation_administrator_items(user, *, today: date, now: datetime):
    if not capabilities.is_organisation_administrator(user):
        return
    review = access_review_open(organisation_id=user.organisation_id, year=today.year)
    if review is not None and not review.is_confirmed:
        yield QueueItem(
            kind="accounts.access_review",
            what=gettext("Are these still your people? Confirm the list of who has access."),
            whom=user.organisation.name,
            url=reverse("accounts:access-review"),
            due=review.due_on,
            overdue=review.due_on < today,
            action=gettext("Review the list"),
        )
    for invitation in pending_invitations(organisation_id=user.organisation_id):
        yield QueueItem(
            kind="accounts.invitation",
            what=gettext("Invited as %(role)s; the link has not been used yet.")
            % {"role": invitation.get_role_display()},
            whom=invitation.full_name or invitation.email,
            url=reverse("accounts:organisation-people"),
            due=invitation.expires_at,
            action=gettext("See invitations"),
            changes_at=invitation.expires_at,  # an expired link is no longer pending (pending_invitations)
        )
