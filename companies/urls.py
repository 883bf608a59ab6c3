from django.urls import path

from . import views

app_name = "companies"

urlpatterns = [
    path("foretag/", views.company_directory, name="company-directory"),
    path("foretag/ansok/", views.company_apply, name="company-apply"),
    path("foretag/inbjudan/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("foretag/<int:pk>/", views.company_detail, name="company-detail"),
    path("foretag/<int:pk>/redigera/", views.company_edit, name="company-edit"),
    path("foretag/<int:pk>/kriterieuppgifter/", views.company_facts, name="company-facts"),
    path("foretag/<int:pk>/kollegor/", views.company_people, name="company-people"),
    path(
        "foretag/<int:pk>/kollegor/<int:membership_pk>/ta-bort/",
        views.colleague_remove,
        name="colleague-remove",
    ),
    path("mitt-foretag/", views.my_company, name="my-company"),
    path("open-data/companies.json", views.open_data_json, name="open-data-json"),
    path("open-data/companies.csv", views.open_data_csv, name="open-data-csv"),
    path("register/", views.registry_list, name="registry-list"),
    path("register/nytt/", views.company_create, name="company-create"),
    path("register/<int:pk>/", views.company_manage, name="company-manage"),
    path("register/<int:pk>/bedom/", views.company_assess, name="company-assess"),
    path("register/<int:pk>/bjud-in/", views.company_invite, name="company-invite"),
    path("register/<int:pk>/stang/", views.company_close, name="company-close"),
    path("register/importera/", views.company_import, name="company-import"),
    path("register/importera/bekrafta/", views.company_import_confirm, name="company-import-confirm"),
    path("register/importera/mall.csv", views.company_import_template, name="company-import-template"),
    path("register/andringar/", views.change_request_list, name="change-request-list"),
    path("register/andringar/<int:pk>/", views.change_request_decide, name="change-request-decide"),
    path("register/bedomning/<int:pk>/<str:field>/", views.evidence_download, name="evidence-download"),
]
