"""Nothing twice: a one-time token in every POST form, so a double click or a resubmitted POST acts once.

`{% csrf_token %}` (overridden by the builtin library `asfportal.core.templatetags.form_token`) writes, beside
Django's CSRF input, a hidden `form_token`: a random nonce signed together with its owner (the signed-in user,
else the browser's CSRF secret) and the time it was issued. `FormTokenMiddleware` claims the nonce when the form
is posted, by inserting a unique row in the same transaction as the view's writes (it opens the transaction; the
view's ATOMIC_REQUESTS block runs inside it), and records the redirect the view answered with in that row before
it commits. So the claim, the result and the writes commit together or not at all:
- A second POST with the same token (a double click, the browser resending, the load balancer retrying on another
  node) waits at the unique index while the first runs (PostgreSQL makes a conflicting insert wait for the other
  transaction), then is sent to the first result with a message, and does not reach the view.
- When the first re-rendered the form (errors) or failed, its claim is gone with its transaction, and the same
  token may be posted again.
- When the process serving the first dies before its transaction commits (a node killed, a worker restarted), the
  database rolls the transaction back with the connection, claim and writes alike, and the waiting duplicate acts
  in its place: the work is done once, never lost behind an orphaned claim.
A POST without a token (scripts, the test client) works as before.
"""

from __future__ import annotations

import secrets
import sys
import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, OperationalError, connection, transaction
from django.http import HttpResponseRedirect
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from .integrity import integrity_response
from .models import FormSubmission

FIELD_NAME = "form_token"
_SALT = "asfportal.core.form_tokens"
# How long a duplicate waits for the first request to finish before it gives up (seconds) and how often it looks.
WAIT_SECONDS = 15
POLL_SECONDS = 0.1


def _owner(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    # An anonymous visitor is told apart by the CSRF secret of their browser (set when the form was rendered).
    return f"anon:{request.META.get('CSRF_COOKIE') or get_token(request)}"


def _signature(nonce: str, issued: str, owner: str) -> str:
    return salted_hmac(_SALT, f"{nonce}|{issued}|{owner}", algorithm="sha256").hexdigest()[:32]


def token_for(request) -> str:
    """A new one-time token for a form rendered for this request's user (or browser)."""
    nonce, issued = secrets.token_urlsafe(18), str(int(time.time()))
    return f"{nonce}.{issued}.{_signature(nonce, issued, _owner(request))}"


def _nonce_from(request) -> str | None:
    """The posted token's nonce if the token is this user's and still fresh; else None (acts as no token)."""
    value = request.POST.get(FIELD_NAME, "")
    parts = value.split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    nonce, issued, signature = parts
    if not constant_time_compare(signature, _signature(nonce, issued, _owner(request))):
        return None
    if time.time() - int(issued) > settings.FORM_TOKEN_HOURS * 3600:
        return None
    return nonce


def _claim(nonce: str, request) -> bool:
    """Insert the claim in a savepoint of the request's transaction; False when another request's committed claim
    holds the nonce. While another transaction holds it uncommitted, the insert waits for that one to end (at
    most WAIT_SECONDS on PostgreSQL; then OperationalError, taken as "still being done", _is_lock_wait)."""
    postgres = connection.vendor == "postgresql"
    try:
        with transaction.atomic():
            if postgres:
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL lock_timeout = '{int(WAIT_SECONDS * 1000)}ms'")
            FormSubmission.objects.create(token=nonce, owner=_owner(request)[:100], path=request.path[:500])
    except IntegrityError:
        return False
    finally:
        if postgres and not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout TO DEFAULT")
    return True


def _is_lock_wait(error: OperationalError) -> bool:
    """The claim waited too long for another request holding the same token: PostgreSQL's lock_timeout (SQLSTATE
    55P03), SQLite's busy timeout ("database is locked"); any other database error is not this."""
    if getattr(error.__cause__, "sqlstate", None) == "55P03":
        return True
    return connection.vendor == "sqlite" and "locked" in str(error)


def _first_result(nonce: str) -> str | None:
    """The redirect the first request answered with; None: the first freed its claim. A claim committed without
    a result comes from a release before this one (which committed the claim before the view ran): waits while
    that runs."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        result = FormSubmission.objects.filter(token=nonce).values_list("result_url", flat=True).first()
        if result is None or result or time.monotonic() > deadline:
            return result
        time.sleep(POLL_SECONDS)


def form_submissions_purge(*, now=None) -> int:
    """Forget claims older than a token can live; returns how many were removed."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.FORM_TOKEN_HOURS)
    return FormSubmission.objects.filter(created_at__lt=cutoff).delete()[0]


def _still_running(request) -> HttpResponseRedirect:
    messages.warning(request, _("This is already being done. Reload the page in a moment."))
    return HttpResponseRedirect(request.path)


class FormTokenMiddleware:
    """Answers a repeated POST of the same form with the first result instead of acting twice (see above).

    Placed after the CSRF, authentication, two-factor and message middleware: a POST they refuse never claims.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.exempt = set(settings.FORM_TOKEN_EXEMPT_URL_NAMES)

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except BaseException:
            self._end(request, None)
            raise
        return self._end(request, response)

    def _end(self, request, response):
        """Record the first result in the claim (or free the claim), and commit it with the view's writes; the
        response to send (a 409 page when the commit itself breaks a constraint)."""
        block = getattr(request, "_form_token_transaction", None)
        if block is None:
            return response
        del request._form_token_transaction
        nonce = getattr(request, "_form_token_claimed", None)
        if response is None:
            block.__exit__(*sys.exc_info())  # rolled back: the claim goes with the view's writes
            return response
        if connection.needs_rollback or response.status_code >= 500:
            # The view failed (its savepoint is rolled back) or the transaction is broken: nothing of this request
            # is kept, the claim included, so the same form may be sent again.
            transaction.set_rollback(True)
            block.__exit__(None, None, None)
            return response
        try:
            if nonce is not None:
                location = response.get("Location") if 300 <= response.status_code < 400 else None
                mine = FormSubmission.objects.filter(token=nonce)
                if location:
                    mine.update(result_url=location[:1000])
                else:  # the form came back with errors: the same form may be sent again
                    mine.delete()
        except BaseException:
            block.__exit__(*sys.exc_info())
            raise
        try:
            block.__exit__(None, None, None)
        except IntegrityError as error:
            # A constraint checked only at commit (foreign keys are deferred): the view's own atomic block used to
            # commit, and IntegrityErrorMiddleware answered; now the commit is here, so the same 409 page is.
            return integrity_response(request, error)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or FIELD_NAME not in request.POST:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in self.exempt:
            return None
        nonce = _nonce_from(request)
        if nonce is None:
            return None
        # The request's transaction, opened here and committed in _end once the response is known; the view's own
        # atomic block (ATOMIC_REQUESTS) becomes a savepoint inside it.
        block = transaction.atomic()
        block.__enter__()
        request._form_token_transaction = block
        try:
            claimed = _claim(nonce, request)
        except OperationalError as error:
            if not _is_lock_wait(error):
                raise
            return _still_running(request)  # the first still runs after WAIT_SECONDS
        if claimed:
            request._form_token_claimed = nonce
            return None
        result = _first_result(nonce)
        if result:
            messages.info(request, _("This has already been done: here is the result."))
            return HttpResponseRedirect(result)
        if result == "":  # a claim of the previous release, still running after the wait
            return _still_running(request)
        return None  # the first freed its claim meanwhile: this one acts without a claim, as before
