"""Reads for the dashboards, each in a fixed number of queries."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from asfportal.core.audit import visible_audit_entries
from asfportal.core.models import AccessibilityReport, Notification, WorkerHeartbeat

from .models import (
    AccessReview,
    JoinApplication,
    Membership,
    Organisation,
    OrganisationInvitation,
    Role,
    User,
)


def organisation_colleagues(*, user: User) -> QuerySet[User]:
    """Active people of the user's own organisation (none for a user without one)."""
    if user.organisation_id is None:
        return User.objects.none()
    return User.objects.filter(organisation_id=user.organisation_id, is_active=True).order_by("full_name")


def administrator_overview() -> dict:
    """Counts and health signals for the administrator's dashboard: seven queries whatever the data size."""
    role_labels = dict(Role.choices)
    kind_labels = dict(Organisation.Kind.choices)
    users_by_role = [
        (role_labels.get(row["role"], row["role"]), row["n"])
        for row in User.objects.filter(is_active=True).values("role").annotate(n=Count("pk")).order_by("role")
    ]
    organisations_by_kind = [
        (kind_labels.get(row["kind"], row["kind"]), row["n"])
        for row in Organisation.objects.values("kind").annotate(n=Count("pk")).order_by("kind")
    ]
    return {
        "users_by_role": users_by_role,
        "organisations_by_kind": organisations_by_kind,
        "last_heartbeat": WorkerHeartbeat.objects.order_by("-at").first(),
        "new_accessibility_reports": AccessibilityReport.objects.filter(
            status=AccessibilityReport.Status.NEW
        ).count(),
        "outbox": Notification.objects.aggregate(
            waiting=Count("pk", filter=Q(state=Notification.State.PENDING)),
            failed=Count("pk", filter=Q(state=Notification.State.FAILED)),
        ),
        # Through the sealed-record filters: an answer's entries stay out until the tender's deadline.
        "recent_audit": list(visible_audit_entries().select_related("actor").order_by("-at", "-pk")[:10]),
    }


def area_municipality_ids(*, organisation: Organisation) -> list[int]:
    """The municipalities an organisation answers for: a kommun itself, a region its kommuner, a samordningsförbund
    its member kommuner (Finsam 2003:1210 §§ 1-2). State agencies and support bodies have no area of their own."""
    if organisation.kind == Organisation.Kind.KOMMUN:
        return [organisation.pk]
    if organisation.kind == Organisation.Kind.REGION:
        return list(
            organisation.municipalities.filter(kind=Organisation.Kind.KOMMUN).values_list("pk", flat=True)
        )
    if organisation.kind == Organisation.Kind.SAMORDNINGSFORBUND:
        return list(organisation.members.filter(kind=Organisation.Kind.KOMMUN).values_list("pk", flat=True))
    return []


# --- Organisation administration (issue 16) ----------------------------------------------------------------------


def access_list(*, organisation_id: int, text: str = "", role: str = "") -> QuerySet:
    """Who has access to the organisation now: one row per current role, with the person and when they last
    signed in, for the administrator's access list (paginated by the view; two queries a page)."""
    rows = (
        Membership.objects.current()
        .filter(organisation_id=organisation_id)
        .select_related("user", "granted_by")
        .order_by("user__full_name", "user__email", "role", "pk")
    )
    if text:
        rows = rows.filter(Q(user__full_name__icontains=text) | Q(user__email__icontains=text))
    if role:
        rows = rows.filter(role=role)
    return rows


def organisation_person(*, organisation_id: int, user_id: int) -> User | None:
    """A person who holds or held a role in the organisation (the administrator's person page), or None."""
    return User.objects.filter(pk=user_id, memberships__organisation_id=organisation_id).distinct().first()


def person_memberships(*, organisation_id: int, user: User) -> QuerySet:
    return (
        Membership.objects.filter(user=user, organisation_id=organisation_id)
        .select_related("granted_by", "revoked_by")
        .order_by("revoked_at", "role", "pk")
    )


def pending_invitations(*, organisation_id: int) -> QuerySet:
    return (
        OrganisationInvitation.objects.filter(
            organisation_id=organisation_id,
            used_at__isnull=True,
            withdrawn_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("invited_by")
        .order_by("expires_at", "pk")
    )


def access_review_open(*, organisation_id: int, year: int) -> AccessReview | None:
    return AccessReview.objects.filter(organisation_id=organisation_id, year=year).first()


def colleagues_for_handover(*, organisation_id: int, exclude_id: int) -> QuerySet[User]:
    """Active people with a current role in the organisation, who may take over a leaver's work."""
    return (
        User.objects.filter(
            is_active=True, memberships__organisation_id=organisation_id, memberships__revoked_at__isnull=True
        )
        .exclude(pk=exclude_id)
        .distinct()
        .order_by("full_name", "email")
    )


def national_administration_overview(*, today) -> dict:
    """What waits for the national administrator: applications to join, and access reviews past due (2 queries)."""
    return {
        "join_applications": list(
            JoinApplication.objects.filter(status=JoinApplication.Status.PENDING)
            .select_related("organisation")
            .order_by("created_at", "pk")
        ),
        "overdue_reviews": list(
            AccessReview.objects.filter(confirmed_at__isnull=True, due_on__lt=today)
            .select_related("organisation")
            .order_by("due_on", "organisation__name")
        ),
    }
