"""The import's URLs, to be included in procurement/urls.py (app_name "procurement")."""

from django.urls import path

from . import views

urlpatterns = [
    path("inkop/importera/", views.tender_import, name="tender-import"),
    path("inkop/<int:pk>/importerad/", views.tender_import_review, name="tender-import-review"),
]
