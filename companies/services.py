"""Every state change of the ASF registry: atomic, audited, raising DomainError when a rule is broken."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from asfportal.accounts.models import Organisation, Role, User
from asfportal.core.audit import audit
from asfportal.core.exceptions import DomainError
from asfportal.core.notifications import notify

from .models import (
    CRITERIA_FIELDS,
    Assessment,
    ChangeRequest,
    Company,
    ContactPerson,
    Invitation,
    Representative,
    default_valid_until,
)
from .validators import normalise_org_number

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


def _check_unique_org_number(org_number: str, *, exclude_pk: int | None = None) -> None:
    existing = Company.objects.filter(org_number=org_number).exclude(pk=exclude_pk).first()
    if existing:
        raise DomainError(
            _("The organisation number %(number)s is already registered, for %(name)s.")
            % {"number": org_number, "name": existing.name}
        )


def _save_new_company(
    *, fields: dict[str, Any], municipalities, service_categories, status: str, public: bool = False
) -> Company:
    try:
        fields = {**fields, "org_number": normalise_org_number(fields["org_number"])}
    except ValidationError as error:
        raise DomainError(error.messages[0]) from error
    if public and Company.objects.filter(org_number=fields["org_number"]).exists():
        # The public form does not reveal which company holds a number (it may not be listed).
        raise DomainError(_("This organisation number is already registered. Contact a coordinator."))
    _check_unique_org_number(fields["org_number"])
    company = Company(status=status, **fields)
    try:
        company.full_clean()
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from error
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


@transaction.atomic
def company_apply(
    *,
    fields: dict[str, Any],
    municipalities=(),
    service_categories=(),
    applicant_email: str,
    applicant_name: str,
) -> Company:
    """A company applies through the public form: a pending record and an invitation to confirm the e-mail."""
    company = _save_new_company(
        fields=fields,
        municipalities=municipalities,
        service_categories=service_categories,
        status=Company.Status.APPLIED,
        public=True,
    )
    audit(None, "companies.company.applied", company, applicant=applicant_email)
    representative_invite(company=company, email=applicant_email, full_name=applicant_name, actor=None)
    return company


@transaction.atomic
def representative_invite(*, company: Company, email: str, full_name: str, actor: User | None) -> Invitation:
    """Create a not-yet-active representative account and e-mail a single-use link to activate it."""
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, full_name=full_name, role=Role.COMPANY_REPRESENTATIVE, is_active=False)
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        Representative.objects.create(user=user, company=company)
    elif getattr(getattr(user, "representation", None), "company_id", None) != company.pk or user.is_active:
        raise DomainError(
            _("%(email)s already has an account in the portal. Ask an administrator to connect it.")
            % {"email": email}
        )
    invitation = Invitation.objects.create(
        company=company,
        user=user,
        token=secrets.token_urlsafe(32),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.COMPANY_INVITATION_DAYS),
    )
    audit(actor, "companies.representative.invited", company, email=email)
    notify(
        recipient=user,
        kind="companies.invitation",
        subject_object=invitation,
        url=reverse("companies:invitation-accept", args=[invitation.token]),
        context={"company": company, "invitation": invitation},
    )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str) -> User:
    """Activate the invited representative with the chosen password; the link cannot be used again."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable():
        raise DomainError(_("The invitation link has expired or has already been used. Ask for a new one."))
    user = invitation.user
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at", "updated_at"])
    Invitation.objects.filter(user=user, used_at__isnull=True).exclude(pk=invitation.pk).update(
        expires_at=timezone.now()
    )
    audit(user, "companies.representative.activated", invitation.company)
    return user


@transaction.atomic
def company_update_profile(
    *, company: Company, fields: dict[str, Any], municipalities=None, service_categories=None, actor: User
) -> Company:
    """Change contact details, description and offerings at once (not the facts the criteria rest on)."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise DomainError(_("These facts can only be changed through a change request."))
    for name, value in fields.items():
        setattr(company, name, value)
    company.full_clean()
    company.save()
    if municipalities is not None:
        company.municipalities.set(municipalities)
    if service_categories is not None:
        company.service_categories.set(service_categories)
    audit(actor, "companies.company.profile_updated", company, fields=sorted(fields))
    return company


@transaction.atomic
def company_contacts_replace(*, company: Company, contacts: list[dict[str, str]], actor: User) -> None:
    """Replace the company's public contact persons with the given list (name, title, email, phone)."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    company.contacts.all().delete()
    for contact in contacts:
        person = ContactPerson(company=company, **contact)
        person.full_clean()
        person.save()
    audit(actor, "companies.company.contacts_updated", company, count=len(contacts))


def _json_value(value):
    return value if isinstance(value, (str, int, bool)) or value is None else str(value)


@transaction.atomic
def change_request_submit(*, company: Company, new_values: dict[str, Any], actor: User) -> ChangeRequest:
    """Propose new criteria facts; the record keeps its values until a coordinator approves."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    changed = {
        name: _json_value(value)
        for name, value in new_values.items()
        if name in CRITERIA_FIELDS and getattr(company, name) != value
    }
    if not changed:
        raise DomainError(_("Nothing was changed, so no change request was made."))
    if company.change_requests.filter(status=ChangeRequest.Status.PENDING).exists():
        raise DomainError(
            _("A change request is already waiting for a coordinator. Wait for the decision first.")
        )
    request = ChangeRequest.objects.create(
        company=company,
        requested_by=actor,
        old_values={name: _json_value(getattr(company, name)) for name in changed},
        new_values=changed,
    )
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
    """Approve (apply the proposed facts to the record) or reject a pending change request, with a comment."""
    change_request = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    if change_request.status != ChangeRequest.Status.PENDING:
        raise DomainError(_("This change request has already been decided."))
    if not approve and not comment.strip():
        raise DomainError(_("Say why the change is rejected, so the company can correct it."))
    company = Company.objects.select_for_update().get(pk=change_request.company_id)
    if approve:
        for name, value in change_request.new_values.items():
            setattr(company, name, value)
        try:
            company.full_clean()
        except ValidationError as error:
            raise DomainError(" ".join(error.messages)) from error
        company.save()
    change_request.status = ChangeRequest.Status.APPROVED if approve else ChangeRequest.Status.REJECTED
    change_request.decided_by, change_request.decided_at, change_request.comment = (
        actor,
        timezone.now(),
        comment,
    )
    change_request.save()
    audit(actor, f"companies.change_request.{change_request.status}", change_request)
    notify(
        recipient=change_request.requested_by,
        kind="companies.change_request_decided",
        subject_object=change_request,
        url=reverse("companies:company-edit", args=[company.pk]),
        context={"company": company, "change_request": change_request},
    )
    return change_request


@transaction.atomic
def assessment_record(*, company: Company, fields: dict[str, Any], actor: User) -> Assessment:
    """Record an assessment of all four criteria; the company is verified only when all four are met.

    The assessment is valid for COMPANY_ASSESSMENT_VALID_MONTHS; earlier assessments are kept as history.
    """
    company = Company.objects.select_for_update().get(pk=company.pk)
    if company.status == Company.Status.CLOSED:
        raise DomainError(_("A closed company cannot be assessed."))
    if actor.organisation_id is None:
        raise DomainError(_("Only a coordinator acting for an organisation can assess a company."))
    assessment = Assessment(
        company=company, assessed_by=actor, assessor_organisation=actor.organisation, **fields
    )
    if assessment.c4_public_owner and assessment.c4_verdict == Assessment.Verdict.MET:
        raise DomainError(_("Criterion 4 cannot be met when a public body is among the owners."))
    if assessment.assessed_on > timezone.localdate():
        raise DomainError(_("The assessment date cannot be in the future."))
    assessment.is_verified = assessment.all_met()
    assessment.valid_until = default_valid_until(assessment.assessed_on) if assessment.is_verified else None
    assessment.full_clean()
    assessment.save()
    company.status = Company.Status.VERIFIED if assessment.is_verified else Company.Status.NOT_VERIFIED
    company.verified_until = assessment.valid_until
    company.save(update_fields=["status", "verified_until", "updated_at"])
    audit(
        actor,
        "companies.assessment.recorded",
        company,
        verified=assessment.is_verified,
        assessment=assessment.pk,
    )
    for representative in company.representatives.select_related("user").filter(user__is_active=True):
        notify(
            recipient=representative.user,
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
    if company.status == Company.Status.CLOSED:
        raise DomainError(_("The company is already closed."))
    if not reason.strip():
        raise DomainError(_("Give a reason for closing the company."))
    company.status = Company.Status.CLOSED
    company.save(update_fields=["status", "updated_at"])
    audit(actor, "companies.company.closed", company, reason=reason)
    return company


@transaction.atomic
def companies_lapse(*, today: date) -> int:
    """Verified companies whose assessment ran out become lapsed until reassessed; returns how many."""
    expired = list(
        Company.objects.select_for_update(skip_locked=True).filter(
            status=Company.Status.VERIFIED, verified_until__lt=today
        )
    )
    for company in expired:
        company.status = Company.Status.LAPSED
        company.save(update_fields=["status", "updated_at"])
        audit(None, "companies.company.lapsed", company, verified_until=str(company.verified_until))
    return len(expired)


def _coordinators_for(company: Company):
    """Coordinators of the municipalities where the company operates (and of their samordningsförbund)."""
    municipality_ids = list(company.municipalities.values_list("pk", flat=True))
    forbund_ids = Organisation.objects.filter(members__in=municipality_ids).values_list("pk", flat=True)
    return User.objects.filter(
        role=Role.COORDINATOR, is_active=True, organisation_id__in=[*municipality_ids, *forbund_ids]
    ).distinct()
