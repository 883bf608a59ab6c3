"""The project's URLs with the eForms import's included in the procurement namespace, as the lead will wire it
into procurement/urls.py at merge (until then the import's view tests use this urlconf)."""

from django.urls import include, path

from asfportal import urls as project
from procurement import urls as procurement_urls
from procurement.eforms import urls as eforms_urls

combined = [*eforms_urls.urlpatterns, *procurement_urls.urlpatterns]
urlpatterns = [
    path("", include((combined, "procurement")))
    if getattr(pattern, "urlconf_name", None) is procurement_urls
    else pattern
    for pattern in project.urlpatterns
]
