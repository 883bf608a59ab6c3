"""The organisation administrator's API keys (issue 19): list, create (the secret shown once), revoke."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asfportal.core.exceptions import DomainError, add_to_form

from . import api_tokens, capabilities
from .forms import ApiTokenForm
from .models import ApiToken


def _require_organisation_administrator(request: HttpRequest) -> int:
    if not capabilities.is_organisation_administrator(request.user):
        raise PermissionDenied
    return request.user.organisation_id


def api_token_list(request: HttpRequest) -> HttpResponse:
    """The organisation's keys and the form for a new one; a new key's secret is on this answer only."""
    organisation_id = _require_organisation_administrator(request)
    form = ApiTokenForm(request.POST or None)
    new = None
    if request.method == "POST" and form.is_valid():
        try:
            new = api_tokens.api_token_create(
                organisation=request.user.organisation, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            form = ApiTokenForm()
    tokens = api_tokens.api_tokens_of(organisation_id=organisation_id)
    return render(
        request, "accounts/api_tokens/token_list.html", {"form": form, "tokens": tokens, "new": new}
    )


@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    organisation_id = _require_organisation_administrator(request)
    token = get_object_or_404(ApiToken, pk=pk, organisation_id=organisation_id)  # another's: not found
    try:
        api_tokens.api_token_revoke(token=token, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The key %(name)s is revoked.") % {"name": token.name})
    return redirect("accounts:api-token-list")
