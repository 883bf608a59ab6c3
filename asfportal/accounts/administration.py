"""State changes of organisation administration (issue 16): invitations, colleagues' roles, leavers, the yearly
access review and organisations joining. Each is atomic, audited, and tells the person concerned by e-mail."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlparse

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from asfportal.core.audit import audit
from asfportal.core.exceptions import DomainError, clean_or_raise, raise_if
from asfportal.core.handover import handover_run
from asfportal.core.notifications import notify
from asfportal.core.tokens import token_hash, token_new

from . import notifications
from .models import (
    ORGANISATION_MEMBERSHIP_ROLES,
    AccessReview,
    JoinApplication,
    Membership,
    Organisation,
    OrganisationInvitation,
    Role,
    User,
)
from .services import membership_grant, membership_revoke

# --- Invitations -----------------------------------------------------------------------------------------------


def _person_for(email: str, full_name: str) -> User:
    """The account the address belongs to, or a new, not yet active one (no password until the link is used):
    the outbox needs a recipient, and the invitation names the person it was sent to."""
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user
    user = User(email=email, full_name=full_name, is_active=False)
    user.set_unusable_password()
    clean_or_raise(user, exclude=["password"])
    user.save()
    return user


@transaction.atomic
def invitation_send(
    *, organisation: Organisation, email: str, full_name: str, role: str, actor: User | None
) -> OrganisationInvitation:
    """Invite a colleague into `role` of `organisation` with a single-use link valid ORGANISATION_INVITATION_DAYS.

    A new invitation to the same address and role replaces an unused earlier one (only the newest link works).
    Refused when the person already holds the role there. E-mailed through the outbox after commit.
    """
    if role not in ORGANISATION_MEMBERSHIP_ROLES:
        raise DomainError(field_errors={"role": [_("Choose one of the organisation's roles.")]})
    if not organisation.is_active:
        raise DomainError(_("The organisation does not use the portal yet."))
    email = User.objects.normalize_email(email).strip().lower()
    if (
        Membership.objects.current()
        .filter(user__email__iexact=email, organisation=organisation, role=role)
        .exists()
    ):
        raise DomainError(
            field_errors={
                "email": [_("%(email)s already has this role in the organisation.") % {"email": email}]
            }
        )
    user = _person_for(email, full_name)
    if user.role == Role.ADMINISTRATOR:
        raise DomainError(field_errors={"email": [_("The national administrator acts for no organisation.")]})
    now = timezone.now()
    OrganisationInvitation.objects.filter(
        organisation=organisation, email=email, role=role, used_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=now, updated_at=now)
    raw, hashed = token_new()
    invitation = OrganisationInvitation(
        organisation=organisation,
        email=email,
        full_name=full_name,
        role=role,
        token_hash=hashed,
        invited_by=actor,
        expires_at=now + timedelta(days=settings.ORGANISATION_INVITATION_DAYS),
    )
    clean_or_raise(invitation)
    invitation.save()
    audit(actor, "accounts.invitation.sent", organisation, email=email, role=role, invitation=invitation.pk)
    notify(
        recipient=user,
        kind=notifications.ORGANISATION_INVITATION.code,
        subject_object=invitation,
        url=reverse("accounts:invitation-accept", args=[raw]),
        context={"invitation": invitation, "inviter": actor.full_name if actor else _("ASF-portalen")},
    )
    return invitation


def invitation_for_token(raw: str) -> OrganisationInvitation | None:
    """The invitation a link's token opens (usable or not), or None."""
    return (
        OrganisationInvitation.objects.select_related("organisation")
        .filter(token_hash=token_hash(raw))
        .first()
    )


def invitation_needs_sign_in(invitation: OrganisationInvitation) -> bool:
    """Whether the invitee already has a working account (then they sign in instead of choosing a password)."""
    user = User.objects.filter(email__iexact=invitation.email).first()
    return user is not None and user.is_active and user.has_usable_password()


def _invitation_use(invitation: OrganisationInvitation, user: User) -> Membership:
    invitation.used_at = timezone.now()
    invitation.used_by = user
    invitation.save(update_fields=["used_at", "used_by", "updated_at"])
    membership = membership_grant(
        user=user,
        role=invitation.role,
        organisation=invitation.organisation,
        actor=invitation.invited_by,
        activate=True,
    )
    audit(user, "accounts.invitation.accepted", invitation.organisation, role=invitation.role)
    return membership


@transaction.atomic
def invitation_accept_new(*, invitation: OrganisationInvitation, password: str) -> User:
    """A person new to the portal (or one whose access had ended) uses the link: the chosen password, an active
    account and the invited role, active. The link cannot be used again."""
    invitation = OrganisationInvitation.objects.select_for_update().get(pk=invitation.pk)
    raise_if(invitation.accept_blockers(at=timezone.now()))
    if invitation_needs_sign_in(invitation):
        raise DomainError(_("You already have an account: sign in to accept the invitation."))
    user = User.objects.select_for_update().get(email__iexact=invitation.email)
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    _invitation_use(invitation, user)
    user.refresh_from_db()
    return user


@transaction.atomic
def invitation_accept_signed_in(*, invitation: OrganisationInvitation, user: User) -> Membership:
    """A signed-in person accepts an invitation sent to their own address: the role is added and made active."""
    invitation = OrganisationInvitation.objects.select_for_update().get(pk=invitation.pk)
    raise_if(invitation.accept_blockers(at=timezone.now()))
    if invitation.email.lower() != user.email.lower():
        raise DomainError(
            _("The invitation was sent to %(email)s. Sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    return _invitation_use(invitation, user)


@transaction.atomic
def invitation_withdraw(*, invitation: OrganisationInvitation, actor: User) -> OrganisationInvitation:
    """The administrator takes back an unused invitation: its link stops working at once."""
    invitation = OrganisationInvitation.objects.select_for_update().get(pk=invitation.pk)
    raise_if(invitation.withdraw_blockers())
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at", "updated_at"])
    audit(actor, "accounts.invitation.withdrawn", invitation.organisation, email=invitation.email)
    return invitation


# --- Colleagues: roles and leavers -----------------------------------------------------------------------------


def _is_colleague(person: User, organisation: Organisation) -> bool:
    return Membership.objects.current().filter(user=person, organisation=organisation).exists()


@transaction.atomic
def colleague_role_grant(*, organisation: Organisation, person: User, role: str, actor: User) -> Membership:
    """Give a colleague (a person already holding a role in the organisation) another of its roles; someone new
    is invited instead. The person is e-mailed; the role is added beside the one they act in now."""
    if role not in ORGANISATION_MEMBERSHIP_ROLES:
        raise DomainError(field_errors={"role": [_("Choose one of the organisation's roles.")]})
    if not _is_colleague(person, organisation):
        raise DomainError(
            _("Only a colleague of your organisation can be given a role. Invite them instead.")
        )
    if Membership.objects.current().filter(user=person, organisation=organisation, role=role).exists():
        raise DomainError(field_errors={"role": [_("The person already holds this role there.")]})
    membership = membership_grant(
        user=person, role=role, organisation=organisation, actor=actor, activate=False
    )
    notifications.access_changed_notify(
        person=person,
        change="granted",
        holder_name=organisation.name,
        actor=actor,
        role=membership.get_role_display(),
    )
    return membership


def revoke_blockers(membership: Membership) -> list[str]:
    """Why an organisation administrator may not remove this role now (the model's own reasons first)."""
    reasons = membership.revoke_blockers()
    if membership.role == Role.ORGANISATION_ADMINISTRATOR and not (
        Membership.objects.current()
        .filter(organisation_id=membership.organisation_id, role=Role.ORGANISATION_ADMINISTRATOR)
        .exclude(pk=membership.pk)
        .exists()
    ):
        reasons.append(
            _(
                "The organisation must keep at least one organisation administrator. Give the role to someone else first."
            )
        )
    return reasons


@transaction.atomic
def colleague_role_revoke(*, membership: Membership, actor: User) -> Membership:
    """Remove one role of a colleague (never the organisation's last administrator); the person is e-mailed."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("organisation", "user")
        .get(pk=membership.pk)
    )
    raise_if(revoke_blockers(membership))
    membership_revoke(membership=membership, actor=actor)
    notifications.access_changed_notify(
        person=membership.user,
        change="revoked",
        holder_name=membership.organisation.name,
        actor=actor,
        role=membership.get_role_display(),
    )
    return membership


def deactivate_blockers(*, person: User, organisation: Organisation, actor: User) -> list[str]:
    """May `actor`, an administrator of `organisation`, end `person`'s access to the portal now, and if not, why.

    A person who also works for another organisation or a company keeps their account: the administrator
    removes this organisation's roles instead (one organisation never ends access another one gave).
    """
    reasons = []
    if person.pk == actor.pk:
        reasons.append(_("You cannot deactivate yourself. Ask another organisation administrator."))
    if not person.is_active:
        reasons.append(_("The person's access has already ended."))
    if person.role == Role.ADMINISTRATOR or person.is_staff:
        reasons.append(_("The national administrator's access is managed by the portal's operators."))
    current = Membership.objects.current().filter(user=person)
    if not current.filter(organisation=organisation).exists():
        reasons.append(_("The person holds no role in your organisation."))
    elif current.exclude(organisation=organisation).exists():
        reasons.append(
            _("The person also works for another organisation or a company. Remove their roles here instead.")
        )
    return reasons


@transaction.atomic
def colleague_deactivate(
    *, person: User, organisation: Organisation, successor: User, actor: User
) -> dict[str, int]:
    """A leaver: their roles here revoked, the account deactivated, every session of theirs ended at once, and
    what the apps put in their name for the organisation handed to `successor` (core/handover.py).

    Returns how many items of each kind moved. The leaver is e-mailed (to their work address, which may still
    be read for a while), the trail has one entry for the deactivation and one per revoked role.
    """
    person = User.objects.select_for_update().get(pk=person.pk)
    raise_if(deactivate_blockers(person=person, organisation=organisation, actor=actor))
    if successor.pk == person.pk or not successor.is_active or not _is_colleague(successor, organisation):
        raise DomainError(field_errors={"successor": [_("Choose an active colleague to take over.")]})
    for membership in Membership.objects.current().filter(user=person, organisation=organisation):
        membership_revoke(membership=membership, actor=actor)
    person.refresh_from_db()
    person.is_active = False
    person.save(update_fields=["is_active"])
    moved = handover_run(person=person, successor=successor, organisation_id=organisation.pk, actor=actor)
    ended = user_sessions_end(user=person)
    audit(
        actor,
        "accounts.user.deactivated",
        person,
        organisation=organisation.pk,
        successor=successor.pk,
        handed_over=moved,
        sessions_ended=ended,
    )
    notifications.access_changed_notify(
        person=person, change="deactivated", holder_name=organisation.name, actor=actor
    )
    return moved


def user_sessions_end(*, user: User) -> int:
    """Delete every stored session of `user`; returns how many. Sessions have no index by person, so the live
    ones are read and decoded (a few thousand rows at most); with SESSION_ENGINE=cache they cannot be listed,
    and the AccountActiveMiddleware refuses the deactivated person's session at its next request instead."""
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    if not hasattr(store, "get_model_class"):
        return 0
    ended = 0
    wanted = str(user.pk)
    for key, data in (
        store.get_model_class()
        .objects.filter(expire_date__gt=timezone.now())
        .values_list("session_key", "session_data")
    ):
        if store().decode(data).get("_auth_user_id") == wanted:
            store(session_key=key).delete()  # from the cache too (cached_db)
            ended += 1
    return ended


# --- The yearly access review ----------------------------------------------------------------------------------


def _administered_organisations():
    admins = Membership.objects.current().filter(
        organisation_id=OuterRef("pk"), role=Role.ORGANISATION_ADMINISTRATOR
    )
    return Organisation.objects.filter(is_active=True).filter(Exists(admins))


@transaction.atomic
def access_reviews_sweep(*, today: date) -> dict[str, int]:
    """Make this year's review for every organisation with an administrator, from ACCESS_REVIEW_MONTH on, and
    e-mail its administrators once. Idempotent: the (organisation, year) constraint and the notification key
    make a second run, or two beats racing, create and send nothing more."""
    counts = {"created": 0, "notified": 0}
    if today.month < settings.ACCESS_REVIEW_MONTH:
        return counts
    due_on = today + timedelta(days=settings.ACCESS_REVIEW_DAYS)
    missing = _administered_organisations().exclude(access_reviews__year=today.year)
    created = AccessReview.objects.bulk_create(
        [AccessReview(organisation=o, year=today.year, due_on=due_on) for o in missing], ignore_conflicts=True
    )
    counts["created"] = len(created)
    open_reviews = AccessReview.objects.filter(year=today.year, confirmed_at__isnull=True).select_related(
        "organisation"
    )
    admins = (
        Membership.objects.current()
        .filter(role=Role.ORGANISATION_ADMINISTRATOR, organisation__access_reviews__in=open_reviews)
        .select_related("user")
    )
    by_org: dict[int, list[User]] = {}
    for membership in admins:
        by_org.setdefault(membership.organisation_id, []).append(membership.user)
    for review in open_reviews:
        for person in by_org.get(review.organisation_id, []):
            if notify(
                recipient=person,
                kind=notifications.ACCESS_REVIEW_DUE.code,
                subject_object=review,
                due=review.due_on,
                url=reverse("accounts:access-review"),
                context={"review": review},
            ):
                counts["notified"] += 1
    if counts["created"]:
        audit(None, "accounts.access_review.opened", None, year=today.year, organisations=counts["created"])
    return counts


@transaction.atomic
def access_review_confirm(*, review: AccessReview, actor: User) -> AccessReview:
    """The administrator confirms that everyone on the list still needs access (those who do not are removed
    first, on the list's own pages); the number confirmed is kept with the confirmation."""
    review = AccessReview.objects.select_for_update().get(pk=review.pk)
    raise_if(review.confirm_blockers())
    review.confirmed_at = timezone.now()
    review.confirmed_by = actor
    review.confirmed_count = (
        Membership.objects.current().filter(organisation_id=review.organisation_id).count()
    )
    review.save(update_fields=["confirmed_at", "confirmed_by", "confirmed_count", "updated_at"])
    audit(actor, "accounts.access_review.confirmed", review.organisation, year=review.year)
    return review


# --- Joining ---------------------------------------------------------------------------------------------------

# Addresses anyone can get: never proof that a person works for a kommun.
PUBLIC_MAIL_DOMAINS = {
    "gmail.com", "googlemail.com", "hotmail.com", "hotmail.se", "outlook.com", "outlook.se", "live.com", "live.se",
    "yahoo.com", "yahoo.se", "icloud.com", "me.com", "msn.com", "telia.com", "bredband.net", "protonmail.com",
    "proton.me", "gmx.com", "aol.com",
}  # fmt: skip


def organisation_domains(organisation: Organisation | None) -> set[str]:
    """The mail domains the portal knows for an organisation: its e-mail's and its website's (without www.)."""
    if organisation is None:
        return set()
    domains = set()
    if organisation.email and "@" in organisation.email:
        domains.add(organisation.email.rsplit("@", 1)[1].lower())
    host = (urlparse(organisation.website).hostname or "").lower()
    if host:
        domains.add(host.removeprefix("www."))
    return domains


def email_domain_blockers(*, email: str, organisation: Organisation | None) -> list[str]:
    """The first administrator's address must be the organisation's own: at the domain of its website or
    e-mail address when the portal knows them (a subdomain counts: x@skola.orebro.se for orebro.se), and never
    at a public mail service. A national administrator checks the rest before approving."""
    domain = email.rsplit("@", 1)[-1].lower()
    if domain in PUBLIC_MAIL_DOMAINS:
        return [_("Give an address at your organisation's own domain, not at a public mail service.")]
    known = organisation_domains(organisation)
    if known and not any(domain == d or domain.endswith("." + d) for d in known):
        return [
            _("The address must be at your organisation's domain: %(domains)s.")
            % {"domains": ", ".join(sorted(known))}
        ]
    return []


JOINABLE_KINDS = (Organisation.Kind.KOMMUN, Organisation.Kind.REGION, Organisation.Kind.SAMORDNINGSFORBUND)


def joinable_organisations():
    """Kommuner, regions and förbund the portal knows that nobody works for yet (no current membership)."""
    staff = Membership.objects.current().filter(organisation_id=OuterRef("pk"))
    return Organisation.objects.filter(kind__in=JOINABLE_KINDS).filter(~Exists(staff)).order_by("name")


@transaction.atomic
def join_apply(
    *,
    organisation: Organisation | None,
    name: str = "",
    kind: str = "",
    org_number: str = "",
    administrator_name: str,
    administrator_email: str,
) -> JoinApplication:
    """A public application to start using the portal; the national administrators are told."""
    email = User.objects.normalize_email(administrator_email).strip().lower()
    if organisation is not None and not joinable_organisations().filter(pk=organisation.pk).exists():
        raise DomainError(
            field_errors={
                "organisation": [_("This organisation already uses the portal. Ask its administrator.")]
            }
        )
    if organisation is None and not (name and org_number):
        raise DomainError(_("Pick the organisation from the list, or give its name and organisation number."))
    if organisation is None and Organisation.objects.filter(org_number=org_number).exists():
        raise DomainError(
            field_errors={
                "org_number": [_("The portal already knows this organisation: pick it from the list.")]
            }
        )
    if reasons := email_domain_blockers(email=email, organisation=organisation):
        raise DomainError(field_errors={"administrator_email": reasons})
    if JoinApplication.objects.filter(
        status=JoinApplication.Status.PENDING, administrator_email__iexact=email
    ).exists():
        raise DomainError(_("An application with this address is already waiting for a decision."))
    application = JoinApplication(
        organisation=organisation,
        name="" if organisation else name,
        kind="" if organisation else (kind or Organisation.Kind.SAMORDNINGSFORBUND),
        org_number="" if organisation else org_number,
        administrator_name=administrator_name,
        administrator_email=email,
    )
    clean_or_raise(application)
    application.save()
    audit(None, "accounts.join_application.received", organisation, application=application.pk, email=email)
    for admin in User.objects.filter(role=Role.ADMINISTRATOR, is_active=True):
        notify(
            recipient=admin,
            kind=notifications.JOIN_APPLICATION_RECEIVED.code,
            subject_object=application,
            url=reverse("accounts:join-application-decide", args=[application.pk]),
            context={"application": application},
        )
    return application


@transaction.atomic
def join_approve(*, application: JoinApplication, actor: User) -> JoinApplication:
    """Approve: the organisation (made now if it was given by name) is active, and its first administrator is
    invited as organisation administrator (the invitation's e-mail is the applicant's answer)."""
    application = JoinApplication.objects.select_for_update().get(pk=application.pk)
    raise_if(application.decide_blockers())
    organisation = application.organisation
    if organisation is None:
        organisation = Organisation(
            name=application.name, kind=application.kind, org_number=application.org_number
        )
        clean_or_raise(organisation)
        organisation.save()
        application.organisation = organisation
    elif not organisation.is_active:
        organisation.is_active = True
        organisation.save(update_fields=["is_active", "updated_at"])
    application.status = JoinApplication.Status.APPROVED
    application.decided_at, application.decided_by = timezone.now(), actor
    application.save(update_fields=["organisation", "status", "decided_at", "decided_by", "updated_at"])
    audit(actor, "accounts.join_application.approved", organisation, application=application.pk)
    invitation_send(
        organisation=organisation,
        email=application.administrator_email,
        full_name=application.administrator_name,
        role=Role.ORGANISATION_ADMINISTRATOR,
        actor=actor,
    )
    return application


@transaction.atomic
def join_refuse(*, application: JoinApplication, reason: str, actor: User) -> JoinApplication:
    """Refuse with a reason, which the applicant is e-mailed."""
    application = JoinApplication.objects.select_for_update().get(pk=application.pk)
    raise_if(application.decide_blockers())
    application.status = JoinApplication.Status.REFUSED
    application.refusal_reason = reason.strip()
    application.decided_at, application.decided_by = timezone.now(), actor
    clean_or_raise(application)
    application.save(update_fields=["status", "refusal_reason", "decided_at", "decided_by", "updated_at"])
    audit(actor, "accounts.join_application.refused", application.organisation, application=application.pk)
    notify(
        recipient=_person_for(application.administrator_email, application.administrator_name),
        kind=notifications.JOIN_APPLICATION_REFUSED.code,
        subject_object=application,
        context={"application": application},
    )
    return application
