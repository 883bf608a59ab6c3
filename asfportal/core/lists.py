"""Lists that hold a caseload: their filters update the results in place with htmx (the URL kept in step with
hx-push-url, so a filtered list can be bookmarked), while the plain GET form and full page stay for browsers
without JavaScript. An htmx request gets the results block alone; a history restore gets the whole page."""

from __future__ import annotations

import logging

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString

from .cache import cached_fragment

logger = logging.getLogger(__name__)


def wants_results_only(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def render_list(request: HttpRequest, template: str, results_template: str, context: dict) -> HttpResponse:
    """The full page, or for an htmx request only the results block (`results_template`, which the page
    includes). The answer varies by the HX-Request header, so no cache hands one for the other."""
    response = render(request, results_template if wants_results_only(request) else template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def render_cached_list(
    request: HttpRequest, *, page: str, body: str, results: str, parts: tuple, context
) -> HttpResponse:
    """A public list whose filters and results are the same for everyone, so cached per query (core/cache.py):
    the full page shows `body` (filters and results); an htmx request gets `results` alone, cached apart.
    `context()` builds the template context on a miss only."""
    results_only = wants_results_only(request)
    template = results if results_only else body
    html = cached_fragment(
        (*parts, "results" if results_only else "page"),
        lambda: render_to_string(template, context(), request=request),
    )
    response = HttpResponse(html) if results_only else render(request, page, {"body": html})
    patch_vary_headers(response, ("HX-Request",))
    return response


def cached_filters(form: forms.Form, *, parts: tuple) -> SafeString:
    """The filter form rendered by crispy-forms, cached under `parts` (the page, whose data the choices come from,
    and the versions of that data) and the values the form was given: the same values give the same fields,
    choices, selection and errors. Rendering the caseload filters (seven fields, a company list of some thousand
    options) cost about a third of the page (make bench); the includes show this HTML instead of `form|crispy`."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form

    given = tuple(sorted((name, tuple(form.data.getlist(name))) for name in form.fields if name in form.data))
    try:
        return cached_fragment(("filters", *parts, given), lambda: as_crispy_form(form))
    except Exception as error:  # Redis down: the page still shows its filters, rendered afresh
        logger.warning("Cache unreachable; filters rendered: %s", error)
        return as_crispy_form(form)


def ordered(queryset: QuerySet, sort: str, columns: dict[str, tuple[str, ...]], default: str) -> QuerySet:
    """The queryset in a whitelisted order (`sort` is a column name, "-name" for descending; anything else gives
    `default`), empty values last either way, and the primary key last so that rows that tie keep one order from
    page to page."""
    key = sort if sort.lstrip("-") in columns else default
    descending = key.startswith("-")
    order = [
        F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
        for name in columns[key.lstrip("-")]
    ]
    return queryset.order_by(*order, "-pk" if descending else "pk")


def page_of(items, request: HttpRequest, per_page: int) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))
