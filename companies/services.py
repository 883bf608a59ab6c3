"""Every state change of the ASF registry: atomic, audited, raising DomainError when a rule is broken.

The rules themselves live on the models (`Company.assess_blockers()`, `ChangeRequest.decide_blockers()`,
`Company.clean_fields()` for the organisation number, ...): the services enforce them with raise_if and full_clean,
so the coordinator's form, the public application, the import and the admin all get the same answer.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from asfportal.accounts.models import Membership, Organisation, Role, User
from asfportal.accounts.notifications import access_changed_notify
from asfportal.accounts.selectors import people_with_role
from asfportal.accounts.services import membership_grant, membership_revoke
from asfportal.core.audit import audit
from asfportal.core.exceptions import DomainError, clean_or_raise, raise_if
from asfportal.core.notifications import notify
from asfportal.core.personal_data import MESSAGE as PERSONNUMMER_MESSAGE
from asfportal.core.personal_data import looks_like_personal_identity_number

from .models import (
    CRITERIA_FIELDS,
    Assessment,
    ChangeRequest,
    Company,
    ContactPerson,
    Invitation,
    default_valid_until,
)

PROFILE_FIELDS = (
    "name",
    "visiting_address",
    "postal_code",
    "city",
    "website",
    "email",
    "phone",
    "description",
    "description_en",
    "work_training_places",
    "skoopi_certified_until",
)


def company_check(*, fields: dict[str, Any], public: bool = False) -> Company:
    """The unsaved company the fields describe, checked by every rule of the model, or a DomainError with each
    sentence on its field. A number already in the registry is named to coordinators, not to the public (the
    holder may not be listed)."""
    company = Company(**fields)
    # The model names the company that already holds a number (Company.unique_error_message); the public form
    # says only that it is taken.
    clean_or_raise(company, validate_unique=not public)
    if public and Company.objects.filter(org_number=company.org_number).exists():
        message = _("This organisation number is already registered. Contact a coordinator.")
        raise DomainError(field_errors={"org_number": [message]})
    return company


def _save_new_company(
    *,
    fields: dict[str, Any],
    municipalities,
    service_categories,
    status: str,
    public: bool = False,
    user=None,
) -> Company:
    company = company_check(fields={**fields, "status": status}, public=public)
    if user is not None:
        company._history_user = user  # the change history names the applicant, not "the system"
    company.save()
    company.municipalities.set(municipalities)
    company.service_categories.set(service_categories)
    return company


@transaction.atomic
def company_register(
    *, fields: dict[str, Any], municipalities=(), service_categories=(), actor: User
) -> Company:
    """A coordinator registers a company; it waits for assessment until all four criteria are assessed."""
    company = _save_new_company(
        fields=fields,
        municipalities=municipalities,
        service_categories=service_categories,
        status=Company.Status.UNDER_ASSESSMENT,
    )
    audit(actor, "companies.company.registered", company)
    return company


def _new_representative_user(*, email: str, full_name: str, field: str = "email") -> User:
    """A not-yet-active representative account for the address, or a DomainError if it already has one."""
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError(
            field_errors={
                field: [
                    _("%(email)s already has an account in the portal. Ask an administrator to connect it.")
                    % {"email": email}
                ]
            }
        )
    user = User(email=email, full_name=full_name, role=Role.COMPANY_REPRESENTATIVE, is_active=False)
    user.set_unusable_password()
    clean_or_raise(user, exclude=["password"])
    user.save()
    return user


def _invitation_send(*, company: Company, user: User, actor: User | None, kind: str) -> Invitation:
    invitation = Invitation.objects.create(
        company=company,
        user=user,
        token=secrets.token_urlsafe(32),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.COMPANY_INVITATION_DAYS),
    )
    notify(
        recipient=user,
        kind=kind,
        subject_object=invitation,
        url=reverse("companies:invitation-accept", args=[invitation.token]),
        context={"company": company, "invitation": invitation},
    )
    return invitation


@transaction.atomic
def company_apply(
    *,
    fields: dict[str, Any],
    municipalities=(),
    service_categories=(),
    applicant_email: str,
    applicant_name: str,
) -> Company:
    """A company applies through the public form: a pending record, the applicant as its (not yet active)
    representative, and an e-mail that confirms the application and links to choosing a password."""
    company_check(fields={**fields, "status": Company.Status.APPLIED}, public=True)
    user = _new_representative_user(email=applicant_email, full_name=applicant_name, field="applicant_email")
    company = _save_new_company(
        fields=fields,
        municipalities=municipalities,
        service_categories=service_categories,
        status=Company.Status.APPLIED,
        public=True,
        user=user,
    )
    # The applicant's membership of the company, active: it writes the person's Representative row.
    membership_grant(user=user, role=Role.COMPANY_REPRESENTATIVE, company=company, activate=True)
    audit(None, "companies.company.applied", company, applicant=user.email)
    _invitation_send(company=company, user=user, actor=None, kind="companies.application_received")
    return company


@transaction.atomic
def representative_invite(*, company: Company, email: str, full_name: str, actor: User | None) -> Invitation:
    """Create a not-yet-active representative account and e-mail a single-use link to activate it (a person
    invited before and not yet active gets a new link)."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    raise_if(company.invite_blockers())
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = _new_representative_user(email=email, full_name=full_name)
        membership_grant(
            user=user, role=Role.COMPANY_REPRESENTATIVE, company=company, actor=actor, activate=True
        )
    elif user.is_active or not _holds_company(user, company):
        raise DomainError(
            field_errors={
                "email": [
                    _("%(email)s already has an account in the portal. Ask an administrator to connect it.")
                    % {"email": email}
                ]
            }
        )
    invitation = _invitation_send(company=company, user=user, actor=actor, kind="companies.invitation")
    audit(actor, "companies.representative.invited", company, email=email)
    return invitation


def _holds_company(user: User, company: Company) -> bool:
    return (
        people_with_role(Role.COMPANY_REPRESENTATIVE, company_ids=[company.pk], include_invited=True)
        .filter(pk=user.pk)
        .exists()
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str) -> User:
    """Activate the invited representative with the chosen password; the link cannot be used again."""
    invitation = Invitation.objects.select_for_update().select_related("company").get(pk=invitation.pk)
    raise_if(invitation.accept_blockers(at=timezone.now()))
    user = invitation.user
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    # Idempotent: the invitation granted it; an invitation sent before memberships existed got it from the
    # data migration (accounts 0009), and one whose Representative row was made by hand gets it now.
    membership_grant(user=user, role=Role.COMPANY_REPRESENTATIVE, company=invitation.company)
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at", "updated_at"])
    Invitation.objects.filter(user=user, used_at__isnull=True).exclude(pk=invitation.pk).update(
        expires_at=timezone.now()
    )
    audit(user, "companies.representative.activated", invitation.company)
    # The grant behind the representative's access (accounts.Membership); activating it keeps the Representative
    # row, which mirrors the active membership, as it is.
    membership_grant(
        user=user,
        role=Role.COMPANY_REPRESENTATIVE,
        company=invitation.company,
        actor=invitation.invited_by,
        activate=True,
    )
    return user


@transaction.atomic
def colleague_invite(*, company: Company, email: str, full_name: str, actor: User) -> Membership | Invitation:
    """A representative brings a colleague into the same company. Someone new gets the invitation link (as from a
    coordinator); someone who already has an account (a consultant who keeps another ASF's profile too) gets the
    company as one more membership at once, beside the one they act in, and is e-mailed."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    raise_if(company.invite_blockers())
    email = User.objects.normalize_email(email).strip().lower()
    person = User.objects.filter(email__iexact=email).first()
    if person is None or (not person.is_active and not person.has_usable_password()):
        return representative_invite(company=company, email=email, full_name=full_name, actor=actor)
    if Membership.objects.current().filter(user=person, company=company).exists():
        raise DomainError(
            field_errors={"email": [_("%(email)s already represents the company.") % {"email": email}]}
        )
    if not person.is_active or person.role == Role.ADMINISTRATOR:
        raise DomainError(
            field_errors={"email": [_("%(email)s cannot be added. Ask an administrator.") % {"email": email}]}
        )
    membership = membership_grant(
        user=person, role=Role.COMPANY_REPRESENTATIVE, company=company, actor=actor, activate=False
    )
    audit(actor, "companies.representative.invited_by_colleague", company, email=email)
    access_changed_notify(
        person=person,
        change="granted",
        holder_name=company.name,
        actor=actor,
        role=Role.COMPANY_REPRESENTATIVE.label,
    )
    return membership


def colleague_remove_blockers(*, membership: Membership, actor: User) -> list[str]:
    """May `actor` end this representative's membership of the company now, and if not, why: a company keeps at
    least one representative, and nobody removes their own last membership (they would lock themselves out)."""
    reasons = membership.revoke_blockers()
    others = Membership.objects.current().filter(company_id=membership.company_id).exclude(pk=membership.pk)
    if not others.exists():
        reasons.append(_("The company must keep at least one representative."))
    if membership.user_id == actor.pk and not (
        Membership.objects.current().filter(user=actor).exclude(pk=membership.pk).exists()
    ):
        reasons.append(_("You cannot remove your own last membership. Ask a colleague to do it."))
    return reasons


@transaction.atomic
def colleague_remove(*, membership: Membership, actor: User) -> Membership:
    """End a representative's membership of the company (their account and other memberships stay); e-mailed."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "company")
        .get(pk=membership.pk)
    )
    raise_if(colleague_remove_blockers(membership=membership, actor=actor))
    membership_revoke(membership=membership, actor=actor)
    audit(actor, "companies.representative.removed", membership.company, email=membership.user.email)
    access_changed_notify(
        person=membership.user,
        change="revoked",
        holder_name=membership.company.name,
        actor=actor,
        role=Role.COMPANY_REPRESENTATIVE.label,
    )
    return membership


@transaction.atomic
def company_update_profile(
    *, company: Company, fields: dict[str, Any], municipalities=None, service_categories=None, actor: User
) -> Company:
    """Change contact details, description and offerings at once (not the facts the criteria rest on)."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    raise_if(company.profile_edit_blockers())
    if set(fields) - set(PROFILE_FIELDS):
        raise DomainError(_("These facts can only be changed through a change request."))
    for name, value in fields.items():
        setattr(company, name, value)
    clean_or_raise(company)
    company.save()
    if municipalities is not None:
        company.municipalities.set(municipalities)
    if service_categories is not None:
        company.service_categories.set(service_categories)
    audit(actor, "companies.company.profile_updated", company, fields=sorted(fields))
    return company


@transaction.atomic
def company_contacts_replace(*, company: Company, contacts: list[dict[str, str]], actor: User) -> None:
    """Replace the company's public contact persons with the given list (name, title, email, phone); the audit
    entry names who was added and removed, for the company's change history."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    raise_if(company.profile_edit_blockers())
    people = [ContactPerson(company=company, **contact) for contact in contacts]
    for person in people:
        clean_or_raise(person)
    before = list(company.contacts.values_list("name", flat=True))
    company.contacts.all().delete()
    for person in people:
        person.save()
    after = [person.name for person in people]
    audit(
        actor,
        "companies.company.contacts_updated",
        company,
        count=len(people),
        added=sorted(set(after) - set(before)),
        removed=sorted(set(before) - set(after)),
    )


def _json_value(value):
    return value if isinstance(value, (str, int, bool)) or value is None else str(value)


@transaction.atomic
def change_request_submit(*, company: Company, new_values: dict[str, Any], actor: User) -> ChangeRequest:
    """Propose new criteria facts; the record keeps its values until a coordinator approves. The proposal is
    checked by the company's own rules now, so a request that could never be approved is not filed."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    raise_if(company.change_request_blockers())
    changed = {
        name: _json_value(value)
        for name, value in new_values.items()
        if name in CRITERIA_FIELDS and getattr(company, name) != value
    }
    if not changed:
        raise DomainError(_("Nothing was changed, so no change request was made."))
    proposed = Company.objects.get(pk=company.pk)
    for name, value in changed.items():
        setattr(proposed, name, value)
    clean_or_raise(proposed)
    request = ChangeRequest(
        company=company,
        requested_by=actor,
        old_values={name: _json_value(getattr(company, name)) for name in changed},
        new_values=changed,
    )
    clean_or_raise(request)
    request.save()
    audit(actor, "companies.change_request.submitted", request, fields=sorted(changed))
    for coordinator in _coordinators_for(company):
        notify(
            recipient=coordinator,
            kind="companies.change_request_submitted",
            subject_object=request,
            url=reverse("companies:change-request-decide", args=[request.pk]),
            context={"company": company},
        )
    return request


@transaction.atomic
def change_request_decide(
    *, change_request: ChangeRequest, approve: bool, comment: str, actor: User
) -> ChangeRequest:
    """Approve (apply the proposed facts to the record) or reject a pending change request, with a comment.

    Approving facts that break a criterion (a public owner: criterion 4; distributed profits: criterion 3) ends the
    company's verification at once: it waits for a new assessment and leaves the directory. The sentences about
    what the approval broke (those criteria, or a target-group share below the 30 % of reserved contracts) are
    returned on `change_request.warnings` for the coordinator and kept in the audit entry."""
    change_request = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    raise_if(change_request.decide_blockers(approve=approve, comment=comment))
    company = Company.objects.select_for_update().get(pk=change_request.company_id)
    warnings, reassessed = [], False
    if approve:
        warnings = [str(w) for w in change_request.approval_warnings()]
        for name, value in change_request.new_values.items():
            setattr(company, name, value)
        if company.breaks_a_criterion() and company.status in (
            Company.Status.VERIFIED,
            Company.Status.LAPSED,
        ):
            company.status, company.verified_until, reassessed = Company.Status.UNDER_ASSESSMENT, None, True
            warnings.append(_("The company is no longer verified and waits for a new assessment."))
        clean_or_raise(company)
        company.save()
    change_request.status = ChangeRequest.Status.APPROVED if approve else ChangeRequest.Status.REJECTED
    change_request.decided_by, change_request.decided_at, change_request.comment = (
        actor,
        timezone.now(),
        comment,
    )
    clean_or_raise(change_request)
    change_request.save()
    audit(
        actor, f"companies.change_request.{change_request.status}", change_request,
        warnings=warnings, reassessed=reassessed,
    )  # fmt: skip
    notify(
        recipient=change_request.requested_by,
        kind="companies.change_request_decided",
        subject_object=change_request,
        url=reverse("companies:company-edit", args=[company.pk]),
        context={"company": company, "change_request": change_request},
    )
    change_request.warnings = warnings
    return change_request


@transaction.atomic
def assessment_record(*, company: Company, fields: dict[str, Any], actor: User) -> Assessment:
    """Record an assessment of all four criteria; the company is verified only when all four are met.

    The assessment is valid for COMPANY_ASSESSMENT_VALID_MONTHS from its date; earlier assessments are kept as
    history. A back-dated assessment whose validity has already run out leaves the company lapsed at once, never
    verified until the nightly job.
    """
    company = Company.objects.select_for_update().get(pk=company.pk)
    raise_if(company.assess_blockers())
    if actor.organisation_id is None:
        raise DomainError(_("Only a coordinator acting for an organisation can assess a company."))
    assessment = Assessment(
        company=company, assessed_by=actor, assessor_organisation=actor.organisation, **fields
    )
    assessment.is_verified = assessment.all_met()
    clean_or_raise(assessment)  # before the validity is computed from a date that may not be possible
    assessment.valid_until = default_valid_until(assessment.assessed_on) if assessment.is_verified else None
    assessment.save()
    today = timezone.localdate()
    if assessment.has_run_out(today=today):
        company.status = Company.Status.LAPSED
    else:
        company.status = Company.Status.VERIFIED if assessment.is_verified else Company.Status.NOT_VERIFIED
    company.verified_until = assessment.valid_until
    company.save(update_fields=["status", "verified_until", "updated_at"])
    audit(
        actor,
        "companies.assessment.recorded",
        company,
        verified=assessment.is_verified,
        assessment=assessment.pk,
        assessed_on=assessment.assessed_on.isoformat(),
        valid_until=assessment.valid_until.isoformat() if assessment.valid_until else None,
        verdicts={str(number): verdict for number, verdict in assessment.verdicts()},
        status=company.status,
    )
    for person in people_with_role(Role.COMPANY_REPRESENTATIVE, company_ids=[company.pk]):
        notify(
            recipient=person,
            kind="companies.assessment_recorded",
            subject_object=assessment,
            url=reverse("companies:company-detail", args=[company.pk]),
            context={"company": company, "assessment": assessment},
        )
    return assessment


@transaction.atomic
def company_close(*, company: Company, reason: str, actor: User) -> Company:
    """Close a company that stopped operating: it leaves the directory and keeps its history."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    raise_if(company.close_blockers())
    if not (reason or "").strip():
        raise DomainError(field_errors={"reason": [_("Give a reason for closing the company.")]})
    if looks_like_personal_identity_number(reason):  # the reason is kept in the audit trail
        raise DomainError(field_errors={"reason": [str(PERSONNUMMER_MESSAGE)]})
    company.status = Company.Status.CLOSED
    clean_or_raise(company)
    company.save(update_fields=["status", "updated_at"])
    audit(actor, "companies.company.closed", company, reason=reason)
    return company


@transaction.atomic
def companies_lapse(*, today: date) -> int:
    """Verified companies whose assessment ran out become lapsed until reassessed; returns how many. (Readers
    already see them as lapsed from the day after: Company.status_on.)"""
    expired = list(
        Company.objects.select_for_update(skip_locked=True).filter(
            status=Company.Status.VERIFIED, verified_until__lt=today
        )
    )
    for company in expired:
        raise_if(company.lapse_blockers(today=today))
        company.status = Company.Status.LAPSED
        company.save(update_fields=["status", "updated_at"])
        audit(None, "companies.company.lapsed", company, verified_until=str(company.verified_until))
    return len(expired)


def _coordinators_for(company: Company):
    """Coordinators of the municipalities where the company operates (and of their samordningsförbund)."""
    municipality_ids = list(company.municipalities.values_list("pk", flat=True))
    forbund_ids = Organisation.objects.filter(members__in=municipality_ids).values_list("pk", flat=True)
    return people_with_role(Role.COORDINATOR, organisation_ids=[*municipality_ids, *forbund_ids])
