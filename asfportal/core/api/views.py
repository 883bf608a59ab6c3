"""Base classes of every API endpoint: conditional GET (ETag, Last-Modified, 304), the scope a write needs,
and the schema's error answers; plus the server-rendered documentation page."""

from __future__ import annotations

import hashlib

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from rest_framework import mixins, permissions, viewsets
from rest_framework.views import APIView

from .errors import ErrorSerializer, error_body

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
        response.render()
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        response["ETag"] = etag
        last_modified = None
        if self.last_modified is not None:
            last_modified = int(self.last_modified.timestamp())
            response["Last-Modified"] = http_date(last_modified)
        return get_conditional_response(
            request._request, etag=etag, last_modified=last_modified, response=response
        )


class ReadViewSet(Conditional, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A public list and detail: no key needed; a key sent must be valid (a revoked one is refused)."""

    permission_classes = [permissions.AllowAny]
    schema = ApiSchema()

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
