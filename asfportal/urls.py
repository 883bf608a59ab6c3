"""Root URL configuration: the public core pages, accounts, the admin and language switching."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from asfportal.accounts import views as account_views

admin.site.site_header = _("ASF-portalen administration")
admin.site.site_title = _("ASF-portalen")
admin.site.index_title = _("Administration")

handler400 = "asfportal.core.views.bad_request"

urlpatterns = [
    path("", include("asfportal.core.urls")),
    path("", include("asfportal.accounts.urls")),
    path("", include("companies.urls")),
    path("", include("procurement.urls")),
    path("", include("placements.urls")),
    path("", include("policies.urls")),
    path("api/v1/", include("asfportal.api_urls")),
    path("i18n/setlang/", account_views.language_set, name="set_language"),
    path("admin/", admin.site.urls),
]

if settings.OIDC_ENABLED:
    from asfportal.accounts import oidc

    urlpatterns += oidc.urlpatterns
