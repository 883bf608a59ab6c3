"""Views of open data: public, answered for GET and HEAD, and readable by any web page (CORS)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe


def open_data(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view of open data: no login, GET and HEAD (HEAD answers the headers of GET; RFC 9110 §9.3.2), and
    `Access-Control-Allow-Origin: *`, so a browser tool on another site may read it. Open data carries no
    cookie-bound content, so every origin may read it (no credentials are allowed with `*`)."""

    @login_not_required
    @require_safe
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper
