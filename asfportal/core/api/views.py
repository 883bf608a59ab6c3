"""Base classes of every API endpoint: conditional GET (ETag, Last-Modified, 304), the scope a write needs,
and the schema's error answers; plus the server-rendered documentation page."""

from __future__ import annotations

import hashlib
import logging

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from rest_framework import mixins, permissions, viewsets
from rest_framework.views import APIView

from ..cache import FRAGMENT_SECONDS, data_versions
from .errors import ErrorSerializer, error_body

logger = logging.getLogger(__name__)

ERROR_CODES = {
    "400": _("The request is not valid (each field named)."),
    "401": _("The API key is missing, unknown or revoked."),
    "403": _("The API key may not do this."),
    "404": _("Not found."),
    "406": _("The API answers in JSON only."),
    "429": _("Too many requests; see Retry-After."),
}
WRITE_ERROR_CODES = {
    "415": _("Send the request body as JSON."),
    "422": _("The request breaks a rule of the portal (the same reasons the pages give)."),
}


class ApiSchema(AutoSchema):
    """drf-spectacular's schema, with every error answer an operation can give (so a client, and the fuzzing
    test, know them all)."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = dict(ERROR_CODES)
        if self.method in ("POST", "PUT", "PATCH"):
            codes.update(WRITE_ERROR_CODES)
        for code, description in codes.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = str(description)
                responses[code] = response
        return responses


class Conditional:
    """ETag (a hash of the body) and Last-Modified (the newest row shown) on every successful read; a repeated
    request with If-None-Match or If-Modified-Since gets 304 Not Modified without the body."""

    last_modified = None

    def note_modified(self, objects) -> None:
        stamps = [obj.updated_at for obj in objects if getattr(obj, "updated_at", None)]
        if stamps:
            self.last_modified = max(stamps)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if hasattr(response, "render"):  # a body served from the public cache is rendered already
            response.render()
        self.store_public(response)
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        response["ETag"] = etag
        last_modified = None
        if self.last_modified is not None:
            last_modified = int(self.last_modified.timestamp())
            response["Last-Modified"] = http_date(last_modified)
        return get_conditional_response(
            request._request, etag=etag, last_modified=last_modified, response=response
        )

    def store_public(self, response) -> None:
        """Nothing here; the public lists keep their bodies (ReadViewSet)."""


class ReadViewSet(Conditional, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A public list and detail: no key needed; a key sent must be valid (a revoked one is refused).

    A public list (a request without a key) is the same for every client, so its body is cached under the whole
    address (host, path and query: the page links are absolute) and the versions of the datasets it is drawn
    from (`cache_datasets`, asfportal/core/cache.py: every save of a model the list shows bumps one), plus the
    day (`cache_period`: what is listed can change with the date alone). Authentication, throttling and content
    negotiation still run on every request (in `initial`, before `list`); the ETag is the hash of the same body,
    and Last-Modified is kept with it, so conditional requests answer as before. A key holder's list is never
    cached: it is counted, and may one day show more."""

    permission_classes = [permissions.AllowAny]
    schema = ApiSchema()
    cache_datasets: tuple[str, ...] = ()
    _public_key: str | None = None

    def cache_period(self):
        return timezone.localdate()

    def list(self, request, *args, **kwargs):
        if not self.cache_datasets or request.auth is not None or request.method not in ("GET", "HEAD"):
            return super().list(request, *args, **kwargs)
        parts = (
            "api-list",
            request.build_absolute_uri(),
            translation.get_language(),
            self.cache_period(),
            data_versions(*self.cache_datasets),
        )
        key = "api-list:" + hashlib.sha256(repr(parts).encode()).hexdigest()
        try:
            hit = cache.get(key)
        except Exception as error:  # Redis down: the list is read from the database
            logger.warning("Cache unreachable; API list read afresh: %s", error)
            return super().list(request, *args, **kwargs)
        if hit is not None:
            content, content_type, self.last_modified = hit
            return HttpResponse(content, content_type=content_type)
        self._public_key = key
        return super().list(request, *args, **kwargs)

    def store_public(self, response) -> None:
        if self._public_key is not None:
            entry = (response.content, response["Content-Type"], self.last_modified)
            try:
                cache.set(self._public_key, entry, FRAGMENT_SECONDS)
            except Exception as error:
                logger.warning("Cache unreachable; API list not stored: %s", error)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self.note_modified(page or [])
        return page

    def get_object(self):
        obj = super().get_object()
        self.note_modified([obj])
        return obj


class ApiView(Conditional, APIView):
    """One operation (a write, or a read that is not a list or detail)."""

    schema = ApiSchema()


@login_not_required
def api_docs(request: HttpRequest) -> HttpResponse:
    """The API's documentation page, rendered on the server from the same OpenAPI schema (no script, so the
    portal's Content-Security-Policy stays as strict as everywhere else)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary") or operation.get("description", ""),
                    "tag": (operation.get("tags") or [""])[0],
                    "secured": {} not in operation.get("security", [{}]),
                    "parameters": operation.get("parameters", []),
                    "responses": sorted(operation.get("responses", {})),
                }
            )
    return render(request, "core/api_docs.html", {"operations": operations, "info": schema["info"]})


@csrf_exempt  # no session and no cookie: nothing to forge
@login_not_required
def api_not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other address under /api/v1/ (an id that is not a number, say): the JSON 404, never the HTML page."""
    return JsonResponse(error_body("not_found"), status=404)
