from django.urls import path

from . import views

app_name = "policies"

urlpatterns = [
    path("vem-kontaktar-jag/", views.contact_index, name="contact-index"),
    path("vem-kontaktar-jag/<int:pk>/", views.organisation_page, name="organisation-page"),
    path("policyer/<int:pk>/", views.policy_public, name="policy-public"),
    path("handlingsplaner/<int:pk>/", views.plan_public, name="plan-public"),
    path("styrning/", views.steering, name="steering"),
    path("styrning/kontakter/<int:pk>/ta-bort/", views.contact_delete, name="contact-delete"),
    path("styrning/policyer/ny/", views.policy_edit, name="policy-create"),
    path("styrning/policyer/<int:pk>/", views.policy_edit, name="policy-edit"),
    path("styrning/handlingsplaner/ny/", views.plan_edit, name="plan-create"),
    path("styrning/handlingsplaner/<int:pk>/", views.plan_manage, name="plan-manage"),
    path("styrning/handlingsplaner/<int:pk>/redigera/", views.plan_edit, name="plan-edit"),
    path("styrning/handlingsplaner/<int:plan_pk>/mal/<int:pk>/", views.goal_edit, name="goal-edit"),
    path(
        "styrning/handlingsplaner/<int:plan_pk>/mal/<int:pk>/ta-bort/", views.goal_delete, name="goal-delete"
    ),
    path(
        "styrning/handlingsplaner/<int:plan_pk>/aktiviteter/ny/", views.activity_edit, name="activity-create"
    ),
    path(
        "styrning/handlingsplaner/<int:plan_pk>/aktiviteter/<int:pk>/",
        views.activity_edit,
        name="activity-edit",
    ),
    path(
        "styrning/handlingsplaner/<int:plan_pk>/aktiviteter/<int:pk>/ta-bort/",
        views.activity_delete,
        name="activity-delete",
    ),
    path("styrning/aktiviteter/<int:pk>/framsteg/", views.activity_progress, name="activity-progress"),
    path("styrning/aktiviteter/<int:pk>/uppfoljning/", views.activity_followup, name="activity-followup"),
    path("styrning/arsrapporter/", views.reports, name="reports"),
    path(
        "styrning/styrelserapporter/<str:kind>/<str:period_end>/",
        views.board_report_record,
        name="board-report-record",
    ),
    path("styrning/arsrapporter/<int:pk>/", views.report_detail, name="report-detail"),
    path("styrning/arsrapporter/<int:pk>/status/", views.report_status, name="report-status"),
    path("styrning/arsrapporter/<int:pk>/<str:fmt>/", views.report_download, name="report-download"),
]
