"""What a person may do, asked in one place: every app's permissions.py, the header and the templates use these
predicates, so an administrator or a deactivated person gets the same answer everywhere.

Each predicate answers a capability, not a role string: "acts as a coordinator for an organisation" is not the
same question as "may read the national registry" (an administrator may do the second, not the first, because
participants, policies and plans belong to an organisation and an administrator acts for none).
"""

from __future__ import annotations

from .models import Role, User


def is_signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_administrator(user) -> bool:
    """The national administrator (also the Django admin)."""
    return is_signed_in(user) and user.role == Role.ADMINISTRATOR


def is_coordinator(user) -> bool:
    """A coordinator acting for their organisation: assesses companies, keeps its participants, policies, plans
    and reports. Administrators are not coordinators (they act for no organisation)."""
    return is_signed_in(user) and user.role == Role.COORDINATOR and bool(user.organisation_id)


def is_procurement_officer(user) -> bool:
    """A procurement officer acting for their organisation's tenders."""
    return is_signed_in(user) and user.role == Role.PROCUREMENT_OFFICER and bool(user.organisation_id)


def is_company_representative(user) -> bool:
    return is_signed_in(user) and user.role == Role.COMPANY_REPRESENTATIVE


def represented_company_id(user) -> int | None:
    """The company a representative acts for, or None (no query: the representation is loaded with the user)."""
    if not is_company_representative(user):
        return None
    representation = getattr(user, "representation", None)
    return representation.company_id if representation else None


def is_organisation_administrator(user) -> bool:
    """An organisation's administrator (huvudanvändare) acting for it: invites colleagues, grants and revokes
    their roles, and manages the organisation's API tokens. Sees no participant data by this role alone."""
    return is_signed_in(user) and user.role == Role.ORGANISATION_ADMINISTRATOR and bool(user.organisation_id)


def can_read_registry(user) -> bool:
    """The whole registry (pending, lapsed and closed companies, evidence, change requests): coordinators, who
    assess, and the national administrator, who supervises."""
    return is_coordinator(user) or is_administrator(user)


def acting_organisation_id(user: User) -> int | None:
    """The organisation whose data the person works on now, or None."""
    if is_coordinator(user) or is_procurement_officer(user) or is_organisation_administrator(user):
        return user.organisation_id
    return None


def header_flags(user) -> dict[str, bool]:
    """The capabilities the header and dashboards show links for (templates never compare role strings)."""
    return {
        "can_read_registry": can_read_registry(user),
        "is_coordinator": is_coordinator(user),
        "is_procurement_officer": is_procurement_officer(user),
        "is_company_representative": is_company_representative(user),
        "is_administrator": is_administrator(user),
        "is_organisation_administrator": is_organisation_administrator(user),
    }
