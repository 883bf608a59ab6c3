"""The API's authentication: an organisation token in `Authorization: Bearer asf_...`, and the scope a write
needs. A request without the header is anonymous (public reads); a header with an unknown or revoked token is
refused at once, whatever the endpoint."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from . import api_tokens
from .models import ApiToken


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header:
            return None
        if len(header) != 2 or header[0].lower() != self.keyword.lower():
            raise exceptions.AuthenticationFailed()
        token = api_tokens.api_token_for_secret(header[1])
        if token is None:
            raise exceptions.AuthenticationFailed()
        api_tokens.api_token_record_use(token=token, method=request.method, path=request.path)
        return token.actor, token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class TokenScope(permissions.BasePermission):
    """Writes need a token of the view's `required_scope` (tenders or steering); a read-only token is refused."""

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            raise exceptions.NotAuthenticated()
        return token.allows(view.required_scope)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "asfportal.accounts.api_auth.ApiTokenAuthentication"
    name = "ApiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An organisation's API key (asf_...), made by its organisation administrator.",
        }
