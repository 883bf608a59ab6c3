"""API tokens (issue 19): made, revoked and checked here, each change atomic and audited.

Its own module beside services.py, because a token is its own entity with its own hashing; the views of the
organisation administrator's token pages and the API's authentication are its only callers.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from asfportal.core.audit import audit
from asfportal.core.exceptions import DomainError, clean_or_raise, raise_if

from .models import ApiToken, Organisation, User

SECRET_PREFIX = "asf_"  # nosec B105  # the public prefix every key begins with (so scanners recognise leaked keys), no secret


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


@transaction.atomic
def api_token_create(*, organisation: Organisation, name: str, scope: str, actor: User) -> NewToken:
    """Make a token for the organisation's own system; returns it with its secret, which exists only in this
    answer. The token's actor (the inactive user its writes are made as) is made with it."""
    name = name.strip()
    if not name:
        raise DomainError(
            field_errors={"name": [_("Give the key a name, for example the system that uses it.")]}
        )
    if scope not in ApiToken.Scope.values:
        raise DomainError(field_errors={"scope": [_("Choose what the key may do.")]})
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    actor_user = User(
        email=f"api-{secrets.token_hex(8)}@api-token.invalid",
        full_name=_("API: %(name)s") % {"name": name[:90]},
        organisation=organisation,
        is_active=False,  # never logs in, never notified, never listed among colleagues
    )
    actor_user.set_unusable_password()
    actor_user.save()
    token = ApiToken(
        organisation=organisation,
        name=name,
        scope=scope,
        prefix=secret[: len(SECRET_PREFIX) + 6],
        secret_hash=secret_hash(secret),
        actor=actor_user,
        created_by=actor,
    )
    clean_or_raise(token)
    token.save()
    audit(actor, "accounts.api_token.created", token, scope=scope, organisation=organisation.pk)
    return NewToken(token=token, secret=secret)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke a token: the next request with it is refused. Revoking it again is refused with the reason."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    raise_if(token.revoke_blockers())
    token.revoked_at, token.revoked_by = timezone.now(), actor
    token.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    audit(actor, "accounts.api_token.revoked", token, organisation=token.organisation_id)
    return token


def api_token_for_secret(secret: str) -> ApiToken | None:
    """The current token with this secret, its organisation and actor loaded (one query), or None."""
    if not secret.startswith(SECRET_PREFIX):
        return None
    return (
        ApiToken.objects.active()
        .select_related("organisation", "actor")
        .filter(secret_hash=secret_hash(secret))
        .first()
    )


def api_token_record_use(*, token: ApiToken, method: str, path: str) -> None:
    """Every use is audited and stamps last_used_at: two queries, whatever the request (an UPDATE by key, no
    lock, so concurrent requests of one system never wait on each other)."""
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    audit(token.actor, "accounts.api_token.used", token, method=method, path=path[:200])


def api_tokens_of(*, organisation_id: int) -> QuerySet[ApiToken]:
    """The organisation's tokens for its administrator's list, current ones first (one query)."""
    return (
        ApiToken.objects.filter(organisation_id=organisation_id)
        .select_related("created_by", "revoked_by")
        .order_by(F("revoked_at").desc(nulls_first=True), "name", "pk")
    )
