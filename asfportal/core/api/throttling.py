"""Rate limits: per token when one is sent, else per client IP address, counted in the Django cache.

The rates are read from settings.API_RATE_LIMITS at each request (DRF's own classes bind them at import), so
an operator's environment variable and a test's settings override both take effect.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class ApiRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self) -> str:
        return settings.API_RATE_LIMITS["anonymous"]

    def allow_request(self, request, view) -> bool:
        # The rate depends on who asks, so it is chosen per request rather than once per class.
        token = getattr(request, "auth", None)
        self.rate = settings.API_RATE_LIMITS["token" if token is not None else "anonymous"]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str:
        token = getattr(request, "auth", None)
        ident = f"token-{token.pk}" if token is not None else f"ip-{self.get_ident(request)}"
        return f"api-throttle-{ident}"
