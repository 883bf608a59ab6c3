"""Who hears of what happens to a tender, each group notified through one bulk write (notify_many)."""

from __future__ import annotations

from django.db.models import Model
from django.urls import reverse

from asfportal.accounts.models import Role, User
from asfportal.accounts.selectors import people_with_role
from asfportal.core.notifications import notify_many
from companies.models import Company, ServiceCategory

from ..models import SavedSearch, Tender


def officers_of(tender: Tender):
    """The buyer's active procurement officers."""
    return people_with_role(Role.PROCUREMENT_OFFICER, organisation_ids=[tender.buyer_id])


def followers(tender: Tender) -> list[User]:
    """Whoever watches the tender, downloaded its documents (a watch) or answered it (2 queries)."""
    watchers = User.objects.filter(is_active=True, pk__in=tender.watches.values("user_id"))
    answerers = User.objects.filter(is_active=True, pk__in=tender.submissions.values("submitted_by_id"))
    return list(watchers | answerers)


def bidders(tender: Tender) -> list[User]:
    """Everyone who submitted an answer to the tender (any of its lots), active (1 query)."""
    return list(User.objects.filter(is_active=True, pk__in=tender.submissions.values("submitted_by_id")))


def notify_bidders(tender: Tender, people: list[User], *, awards: list) -> None:
    """The award decision (tilldelningsbeslut) to every bidder once, per lot with its reasons and the end of the
    standstill (LOU 20 kap. 2 §: the bidders are told of the decision and the reasons for it)."""
    notify_many(
        recipients=people,
        kind="procurement.award_decision",
        subject_object=tender,
        url=reverse("procurement:tender-detail", args=[tender.pk]),
        context={"tender": tender, "awards": awards},
        key=lambda person: f"procurement.award_decision|tender:{tender.pk}|{person.pk}",
    )


def notify_followers(
    tender: Tender, kind: str, *, about: Model, context: dict, exclude: set[int] = frozenset()
) -> None:
    """Everyone following the tender hears of one event; `about` (the amendment, the question, the document, the
    tender itself for an award or a cancellation) makes the key, so the same event never notifies twice."""
    url = reverse("procurement:tender-detail", args=[tender.pk])
    event = f"{about._meta.label_lower}:{about.pk}"
    notify_many(
        recipients=[person for person in followers(tender) if person.pk not in exclude],
        kind=kind,
        subject_object=tender,
        url=url,
        context={"tender": tender, **context},
        key=lambda person: f"{kind}|{event}|{person.pk}",
    )


def notify_officers(tender: Tender, kind: str, *, subject_object: Model) -> None:
    notify_many(
        recipients=officers_of(tender),
        kind=kind,
        subject_object=subject_object,
        url=reverse("procurement:tender-manage", args=[tender.pk]),
        context={"tender": tender},
    )


def notify_matching(tender: Tender) -> None:
    """Representatives of listed companies whose services or saved searches match the newly published tender."""
    codes = [code.code for code in tender.cpv_codes.all()]
    # A service category matches when one of the tender's CPV codes begins with one of its prefixes.
    categories = [
        category.pk
        for category in ServiceCategory.objects.exclude(cpv_prefixes="")
        if any(
            code.startswith(prefix.strip()) for prefix in category.cpv_prefixes.split(",") for code in codes
        )
    ]
    # Every representative of each matching company, also one acting for another of their companies just now.
    people = set(
        people_with_role(
            Role.COMPANY_REPRESENTATIVE,
            company_ids=Company.objects.listed()
            .filter(service_categories__in=categories)
            .values_list("pk", flat=True),
        )
    )
    municipality_ids = set(tender.municipalities.values_list("pk", flat=True))
    for search in SavedSearch.objects.select_related("user").filter(user__is_active=True):
        if search_matches(search, tender, codes, municipality_ids):
            people.add(search.user)
    notify_many(
        recipients=people,
        kind="procurement.tender_matching",
        subject_object=tender,
        url=reverse("procurement:tender-detail", args=[tender.pk]),
    )


def search_matches(search: SavedSearch, tender: Tender, codes: list[str], municipality_ids: set[int]) -> bool:
    text = search.text.lower().strip()
    if text and text not in f"{tender.title} {tender.description}".lower():
        return False
    if search.municipality_id and search.municipality_id not in municipality_ids:
        return False
    return not search.cpv_prefix or any(code.startswith(search.cpv_prefix) for code in codes)
