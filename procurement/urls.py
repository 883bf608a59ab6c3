from django.urls import path

from . import views
from .eforms import urls as eforms_urls

app_name = "procurement"

urlpatterns = [
    path("upphandlingar/", views.tender_list, name="tender-list"),
    path("upphandlingar/<int:pk>/", views.tender_detail, name="tender-detail"),
    path("upphandlingar/<int:pk>/fraga/", views.question_ask, name="question-ask"),
    path("upphandlingar/<int:pk>/svara/", views.submission_submit, name="submission-submit"),
    path("upphandlingar/<int:pk>/avsta/", views.submission_decline, name="submission-decline"),
    path("upphandlingar/<int:pk>/kalender.ics", views.tender_ics, name="tender-ics"),
    path("upphandlingar/cpv/", views.cpv_search, name="cpv-search"),
    path("upphandlingar/dokument/<int:pk>/", views.document_download, name="document-download"),
    path("upphandlingar/bevakningar/", views.saved_search_list, name="saved-search-list"),
    path(
        "upphandlingar/bevakningar/<int:pk>/ta-bort/", views.saved_search_delete, name="saved-search-delete"
    ),
    path("inkop/", views.officer_tender_list, name="officer-tender-list"),
    path("inkop/ny/", views.tender_edit, name="tender-create"),
    path("inkop/<int:pk>/", views.tender_manage, name="tender-manage"),
    path("inkop/<int:pk>/redigera/", views.tender_edit, name="tender-edit"),
    path("inkop/<int:pk>/publicera/", views.tender_publish, name="tender-publish"),
    path("inkop/<int:pk>/dokument/", views.document_add, name="document-add"),
    path("inkop/<int:pk>/andra/", views.tender_amend, name="tender-amend"),
    path("inkop/<int:pk>/tilldela/", views.tender_award, name="tender-award"),
    path("tilldelning/<int:pk>/signera/", views.award_sign, name="award-sign"),
    path("inkop/<int:pk>/folj/", views.tender_follow, name="tender-follow"),
    path("inkop/<int:pk>/sluta-folja/", views.tender_unfollow, name="tender-unfollow"),
    path("inkop/<int:pk>/avbryt/", views.tender_cancel, name="tender-cancel"),
    path("inkop/fragor/<int:pk>/svar/", views.question_answer, name="question-answer"),
    path("inkop/anbud/<int:pk>/", views.submission_detail, name="submission-detail"),
    path("open-data/ocds/releases.json", views.ocds_releases, name="ocds-releases"),
    path("open-data/ocds/<int:pk>.json", views.ocds_release, name="ocds-release"),
    path("open-data/ocds/records/<str:ocid>.json", views.ocds_record, name="ocds-record"),
    path("open-data/tenders.ics", views.tenders_ics, name="tenders-ics"),
    # The eForms import: a published legal notice becomes a draft, an amendment or awards (issue 17 §1).
    *eforms_urls.urlpatterns,
]
