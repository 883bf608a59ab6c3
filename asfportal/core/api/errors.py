"""Every API error as JSON with a stable code and its message in Swedish and English, fields named.

{"code": "rule_violated", "message": {"sv": "...", "en": "..."}, "fields": {"title": {"sv": [...], "en": [...]}}}

A broken domain rule is the DomainError a service raised, with the same reasons the UI shows. Its sentences are
translated when they are raised, so `perform` runs a refused call once more in English inside a transaction that
is always rolled back: the refusal is deterministic, and the second run can never change anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from asfportal.core.exceptions import DomainError

LANGUAGES = ("sv", "en")

MESSAGES = {
    "not_found": _("Not found."),
    "not_authenticated": _("The API key is missing, unknown or revoked."),
    "permission_denied": _("This API key may not do this."),
    "method_not_allowed": _("This method is not allowed here."),
    "not_acceptable": _("The API answers in JSON only."),
    "unsupported_media_type": _("Send the request body as JSON."),
    "parse_error": _("The request body is not valid JSON."),
    "throttled": _("Too many requests. Wait as long as Retry-After says, then try again."),
    "validation_error": _("Some fields are not valid."),
    "rule_violated": _("The request breaks a rule of the portal."),
    "error": _("The request could not be carried out."),
}

CODES = {
    exceptions.NotFound: "not_found",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.ParseError: "parse_error",
    exceptions.Throttled: "throttled",
}


def both(text: Any) -> dict[str, str]:
    """A lazy (or plain) message in both languages."""
    result = {}
    for language in LANGUAGES:
        with translation.override(language):
            result[language] = str(text)
    return result


def error_body(code: str, *, message: dict[str, str] | None = None, fields: dict | None = None) -> dict:
    body: dict[str, Any] = {"code": code, "message": message or both(MESSAGES[code])}
    if fields:
        body["fields"] = fields
    return body


class ApiRuleError(exceptions.APIException):
    """A DomainError or a validation error, carried to the handler with its text in both languages."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY

    def __init__(self, code: str, *, message: dict[str, str], fields: dict, status_code: int):
        super().__init__(detail=message["en"])
        self.code, self.message, self.fields, self.status_code = code, message, fields, status_code


def _rule_error(by_language: dict[str, DomainError]) -> ApiRuleError:
    general = {lang: " ".join(error.reasons) for lang, error in by_language.items()}
    fields: dict[str, dict[str, list[str]]] = {}
    for lang, error in by_language.items():
        for field, texts in error.field_errors.items():
            fields.setdefault(field, {})[lang] = texts
    message = general if all(general.values()) else both(MESSAGES["rule_violated"])
    return ApiRuleError(
        "rule_violated", message=message, fields=fields, status_code=status.HTTP_422_UNPROCESSABLE_ENTITY
    )


def perform(service: Callable[..., Any], /, **kwargs) -> Any:
    """Call a service as the UI does; a refusal becomes an ApiRuleError with its reasons in both languages."""
    try:
        with translation.override("sv"):
            return service(**kwargs)
    except DomainError as swedish:
        english = swedish
        with transaction.atomic():
            try:
                with translation.override("en"):
                    service(**kwargs)
            except DomainError as error:
                english = error
            transaction.set_rollback(True)  # the English run only explains; it never changes anything
        raise _rule_error({"sv": swedish, "en": english}) from swedish


def validated(serializer_class: type[serializers.Serializer], data, **kwargs) -> dict:
    """The serializer's validated data; when invalid, each field's errors in both languages (400)."""
    by_language = {}
    for language in LANGUAGES:
        with translation.override(language):
            serializer = serializer_class(data=data, **kwargs)
            if serializer.is_valid():
                return serializer.validated_data
            by_language[language] = _flatten(serializer.errors)
    fields: dict[str, dict[str, list[str]]] = {}
    for language, errors in by_language.items():
        for field, texts in errors.items():
            fields.setdefault(field, {})[language] = texts
    raise ApiRuleError(
        "validation_error",
        message=both(MESSAGES["validation_error"]),
        fields=fields,
        status_code=status.HTTP_400_BAD_REQUEST,
    )


def _flatten(errors, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors as "lots.0.title": [...], so every message names its field."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = "non_field_errors" if key == "non_field_errors" and not prefix else f"{prefix}{key}"
            flat.update(_flatten(value, f"{name}."))
    elif isinstance(errors, list):
        if all(not isinstance(item, dict | list) for item in errors):
            flat[prefix.rstrip(".") or "non_field_errors"] = [str(item) for item in errors]
        else:
            for index, item in enumerate(errors):
                if item:
                    flat.update(_flatten(item, f"{prefix}{index}."))
    else:
        flat[prefix.rstrip(".") or "non_field_errors"] = [str(errors)]
    return flat


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's exception handler for the API: the JSON above for every error DRF or a view raises."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DomainError):
        exc = _rule_error({"sv": exc, "en": exc})
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    if isinstance(exc, ApiRuleError):
        body = error_body(exc.code, message=exc.message, fields=exc.fields)
    elif isinstance(exc, exceptions.ValidationError):
        fields = {field: dict.fromkeys(LANGUAGES, texts) for field, texts in _flatten(exc.detail).items()}
        body = error_body("validation_error", fields=fields)
    else:
        body = error_body(next((c for k, c in CODES.items() if isinstance(exc, k)), "error"))
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return Response(body, status=exc.status_code, headers=headers)


class MessageSerializer(serializers.Serializer):
    sv = serializers.CharField()
    en = serializers.CharField()


class FieldMessagesSerializer(serializers.Serializer):
    sv = serializers.ListField(child=serializers.CharField())
    en = serializers.ListField(child=serializers.CharField())


class ErrorSerializer(serializers.Serializer):
    """The shape of every error answer (for the schema)."""

    code = serializers.ChoiceField(choices=sorted(MESSAGES))
    message = MessageSerializer()
    fields = serializers.DictField(child=FieldMessagesSerializer(), required=False)
