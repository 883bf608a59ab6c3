"""Reads for the dashboards, each in a fixed number of queries."""

from collections.abc import Iterable

from django.apps import apps
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from asfportal.core.audit import visible_audit_entries
from asfportal.core.cache import person_value, person_value_store
from asfportal.core.models import AccessibilityReport, Notification, WorkerHeartbeat

from .models import (
    AccessReview,
    JoinApplication,
    Membership,
    Organisation,
    OrganisationInvitation,
    Role,
    User,
    mirrors_active_membership,
)


def people_with_role(
    role: str,
    *,
    organisation_ids: Iterable[int] | None = None,
    company_ids: Iterable[int] | None = None,
    include_invited: bool = False,
) -> QuerySet[User]:
    """Active people holding a current `role` membership for one of these organisations (or companies), whichever
    membership they act in now: the recipients of an organisation's or a company's notifications and reminders.

    Through the memberships, not the mirrored User.role/organisation: a Örebro coordinator switched to being a
    procurement officer still gets Örebro's coordinator reminders, and a representative of two companies hears of
    both. One query when evaluated; each person once. With include_invited, also people whose account is not
    active yet (an invited representative who has not chosen a password), for lists of who has access.
    """
    if include_invited:
        memberships = Membership.objects.filter(revoked_at__isnull=True, role=role)
    else:
        memberships = Membership.objects.current().filter(role=role)
    if organisation_ids is not None:
        memberships = memberships.filter(organisation_id__in=_ids(organisation_ids))
    if company_ids is not None:
        memberships = memberships.filter(company_id__in=_ids(company_ids))
    people = User.objects.filter(pk__in=memberships.values("user_id")).order_by("pk")
    return people if include_invited else people.filter(is_active=True)


def _ids(ids):
    # A queryset stays a subquery (one query in all); any other iterable of ids is read once.
    return ids if isinstance(ids, QuerySet) else list(ids)


def people_with_role_by_holder(
    role: str,
    *,
    organisation_ids: Iterable[int] | None = None,
    company_ids: Iterable[int] | None = None,
) -> dict[int, list[User]]:
    """people_with_role grouped by the organisation (or company) they hold the role for: {holder id: [people]},
    for a sweep that reminds each organisation's people of its own records. Two queries; a person holding the
    role for two of them is listed under both."""
    holder = "company_id" if company_ids is not None else "organisation_id"
    memberships = Membership.objects.current().filter(role=role)
    if organisation_ids is not None:
        memberships = memberships.filter(organisation_id__in=_ids(organisation_ids))
    if company_ids is not None:
        memberships = memberships.filter(company_id__in=_ids(company_ids))
    pairs = list(memberships.values_list(holder, "user_id").order_by(holder, "user_id"))
    people = User.objects.filter(is_active=True).in_bulk({user_id for _holder, user_id in pairs})
    found: dict[int, list[User]] = {}
    for holder_id, user_id in pairs:
        if user_id in people:
            found.setdefault(holder_id, []).append(people[user_id])
    return found


def active_membership(*, user: User) -> Membership | None:
    """The current membership the person acts in (the one their mirrored columns name), or None. One query, and
    one more for a company representative's Representative row when it is not loaded yet."""
    if not user.role or user.role == Role.ADMINISTRATOR:
        return None
    acting = None
    if user.role == Role.COMPANY_REPRESENTATIVE:
        representation = getattr(user, "representation", None)
        acting = representation and representation.company_id
    for membership in Membership.objects.filter(user=user, role=user.role, revoked_at__isnull=True):
        if mirrors_active_membership(
            user,
            role=membership.role,
            organisation_id=membership.organisation_id,
            company_id=membership.company_id,
            acting_company_id=acting,
        ):
            return membership
    return None


def user_membership_choices(*, user: User) -> list[dict]:
    """The person's current memberships for the header (role, the organisation's or company's name, which one is
    active), cached with the person's header figures: one query when the person's data changed, none otherwise.
    Plain values, so the cache holds no model; the role's label is looked up in the page's language."""

    def compute() -> list[dict]:
        Representative = apps.get_model("companies", "Representative")  # companies is above accounts
        rows = (
            Membership.objects.filter(user_id=user.pk, revoked_at__isnull=True)
            .annotate(
                acts_for_company=Exists(
                    Representative.objects.filter(user_id=user.pk, company_id=OuterRef("company_id"))
                )
            )
            .values("pk", "role", "organisation_id", "organisation__name", "company_id", "company__name",
                    "acts_for_company")
            .order_by("role", "organisation__name", "company__name", "pk")
        )  # fmt: skip
        return [
            {
                "pk": row["pk"],
                "role": row["role"],
                "organisation_id": row["organisation_id"],
                "company_id": row["company_id"],
                "acts_for_company": row["acts_for_company"],
                "holder": row["organisation__name"] or row["company__name"] or "",
            }
            for row in rows
        ]

    if user.role == Role.ADMINISTRATOR:
        return []  # the national administrator holds no membership (the role is the installation's)
    labels = dict(Role.choices)

    def labelled(choices: list[dict]) -> list[dict]:
        # Which one is active is read from the mirrored columns on every page (they are on the user already).
        return [
            {
                **choice,
                "role_label": labels.get(choice["role"], choice["role"]),
                "is_active": mirrors_active_membership(
                    user,
                    role=choice["role"],
                    organisation_id=choice["organisation_id"],
                    company_id=choice["company_id"],
                    # The Representative row's company, read in the same query (acts_for_company).
                    acting_company_id=choice["company_id"] if choice["acts_for_company"] else None,
                ),
            }
            for choice in choices
        ]

    choices = labelled(person_value(user.pk, "memberships", compute))
    if user.role and not any(choice["is_active"] for choice in choices):
        # Memberships written without signals (the data migration's bulk insert during a deploy, a seeding) or
        # columns changed behind the services' back: read afresh rather than show a list that names none.
        fresh = compute()
        person_value_store(user.pk, "memberships", fresh)
        choices = labelled(fresh)
    return choices


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
