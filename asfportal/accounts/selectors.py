"""Reads for the dashboards, each in a fixed number of queries."""

from django.db.models import Count, Q, QuerySet

from asfportal.core.audit import visible_audit_entries
from asfportal.core.models import AccessibilityReport, Notification, WorkerHeartbeat

from .models import Organisation, Role, User


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
