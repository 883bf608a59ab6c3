"""A representative's saved searches: a new tender that matches one brings a notification."""

from __future__ import annotations

from django.db import transaction

from asfportal.accounts.models import User
from asfportal.core.audit import audit
from asfportal.core.exceptions import clean_or_raise

from ..models import SavedSearch


@transaction.atomic
def saved_search_create(
    *, user: User, text: str = "", cpv_prefix: str = "", municipality=None
) -> SavedSearch:
    """Save a search for the user; the same search saved again (a double click) returns the first one."""
    fields = {"text": text.strip(), "cpv_prefix": cpv_prefix, "municipality": municipality}
    earlier = SavedSearch.objects.filter(user=user, **fields).first()
    if earlier is not None:
        return earlier
    search = SavedSearch(user=user, **fields)
    clean_or_raise(search)
    search.save()
    audit(user, "procurement.saved_search.created", search)
    return search


@transaction.atomic
def saved_search_delete(*, search: SavedSearch, actor: User) -> None:
    """Delete one of the user's saved searches; deleting one already deleted changes nothing."""
    deleted = SavedSearch.objects.filter(pk=search.pk, user=actor).select_for_update().first()
    if deleted is None:
        return
    audit(actor, "procurement.saved_search.deleted", deleted)
    deleted.delete()
