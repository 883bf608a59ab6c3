"""State changes of contact persons, policies and action plans: atomic, audited, DomainError on a broken rule."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asfportal.accounts.models import Organisation, User
from asfportal.core.audit import audit
from asfportal.core.exceptions import DomainError, clean_or_raise

from .models import ActionPlan, Activity, ContactPerson, Goal, Policy, ProgressNote

# What Nationella rådet's guidance rules out for a samordningsförbund (Finsam 2003:1210; domain notes §3, S2):
# no cash grants to individual businesses, no starting or developing ASF, no membership in an ASF or an interest
# organisation, no financing of competence development for ASF staff.
FORBUND_FORBIDDEN = {
    Activity.Category.CASH_GRANT: _(
        "A samordningsförbund may not give cash grants to individual businesses; fund an insats with at least two "
        "parties instead."
    ),
    Activity.Category.START_OR_DEVELOP_ASF: _(
        "A samordningsförbund may not start or develop ASF; route such work to Coompanion or the municipality's "
        "business development."
    ),
    Activity.Category.MEMBERSHIP: _(
        "A samordningsförbund may not be a member of an ASF or an interest organisation such as Skoopi."
    ),
    Activity.Category.STAFF_COMPETENCE: _(
        "A samordningsförbund may not finance competence or business development for ASF staff."
    ),
}


@transaction.atomic
def contact_save(
    *, contact: ContactPerson | None, organisation: Organisation, fields: dict, actor: User
) -> ContactPerson:
    contact = contact or ContactPerson(organisation=organisation)
    for name, value in fields.items():
        setattr(contact, name, value)
    clean_or_raise(contact)
    contact.save()
    audit(actor, "policies.contact.saved", contact)
    return contact


@transaction.atomic
def contact_delete(*, contact: ContactPerson, actor: User) -> None:
    audit(actor, "policies.contact.deleted", contact)
    contact.delete()


@transaction.atomic
def policy_save(*, policy: Policy | None, organisation: Organisation, fields: dict, actor: User) -> Policy:
    """Save a policy; an adopted one needs the adopting body and date (and is then public)."""
    policy = policy or Policy(organisation=organisation)
    for name, value in fields.items():
        setattr(policy, name, value)
    if policy.status == Policy.Status.ADOPTED and not (policy.adopted_by and policy.adopted_on):
        raise DomainError(_("An adopted policy needs the body that adopted it and the date."))
    if policy.review_on and policy.adopted_on and policy.review_on <= policy.adopted_on:
        raise DomainError(_("The review date must come after the adoption date."))
    clean_or_raise(policy)
    policy.save()
    audit(actor, "policies.policy.saved", policy, status=policy.status)
    return policy


@transaction.atomic
def plan_save(
    *, plan: ActionPlan | None, organisation: Organisation, fields: dict, goals: list[str], actor: User
) -> ActionPlan:
    plan = plan or ActionPlan(organisation=organisation)
    for name, value in fields.items():
        setattr(plan, name, value)
    if plan.policy_id and plan.policy.organisation_id != organisation.pk:
        raise DomainError(_("Link the plan to one of your own organisation's policies."))
    clean_or_raise(plan)
    plan.save()
    existing = {goal.title for goal in plan.goals.all()}
    for order, title in enumerate(goals, start=1):
        if title not in existing:
            Goal.objects.create(plan=plan, title=title, order=order)
    audit(actor, "policies.plan.saved", plan)
    return plan


def check_guardrails(*, organisation: Organisation, category: str) -> None:
    """Refuse what a samordningsförbund may not do; other kinds of organisation are not limited."""
    if organisation.kind == Organisation.Kind.SAMORDNINGSFORBUND and category in FORBUND_FORBIDDEN:
        raise DomainError(str(FORBUND_FORBIDDEN[category]))


@transaction.atomic
def activity_save(
    *, activity: Activity | None, plan: ActionPlan, fields: dict[str, Any], actor: User
) -> Activity:
    """Add or change an activity; the samordningsförbund guardrails apply, and a publicly employed supervisor needs
    a logged reason to go ahead (Skoopi reads it as a conflict with independence, criterion 4)."""
    check_guardrails(organisation=plan.organisation, category=fields.get("category", Activity.Category.OTHER))
    if fields.get("public_supervisor") and not (fields.get("override_reason") or "").strip():
        raise DomainError(
            _(
                "A supervisor employed by a public body may conflict with the ASF's independence. Give a reason to go ahead."
            )
        )
    if fields.get("goal") is not None and fields["goal"].plan_id != plan.pk:
        raise DomainError(_("Choose a goal of this plan."))
    activity = activity or Activity(plan=plan)
    for name, value in fields.items():
        setattr(activity, name, value)
    clean_or_raise(activity)
    activity.save()
    audit(actor, "policies.activity.saved", activity, override=activity.override_reason or None)
    return activity


@transaction.atomic
def progress_record(
    *, activity: Activity, text: str, status: str, progress: int | None, actor: User
) -> ProgressNote:
    """A dated progress note, optionally moving the activity's status and progress."""
    if not text.strip():
        raise DomainError(_("Write what has happened."))
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    activity.status = status or activity.status
    activity.progress = progress if progress is not None else activity.progress
    clean_or_raise(activity)
    activity.save(update_fields=["status", "progress", "updated_at"])
    note = ProgressNote.objects.create(
        activity=activity, noted_on=timezone.localdate(), text=text, author=actor
    )
    audit(actor, "policies.activity.progress", activity, status=activity.status)
    return note
