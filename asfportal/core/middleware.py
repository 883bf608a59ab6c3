"""Swedish first: the language is Swedish unless the visitor chose another with the language switcher."""

from django.conf import settings
from django.utils import translation


class SwedishFirstLocaleMiddleware:
    """Like Django's LocaleMiddleware, but ignores the browser's Accept-Language.

    A Swedish public-sector service speaks Swedish to everyone by default (språklagen 2009:600, 10 §); English is
    an explicit choice stored in the language cookie by the switcher in the page header.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
