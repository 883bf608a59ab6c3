from django.urls import path

from . import views, views_api_tokens

app_name = "accounts"

urlpatterns = [
    path("konto/logga-in/", views.login, name="login"),
    path("konto/logga-ut/", views.logout, name="logout"),
    path("konto/losenord/", views.password_change, name="password-change"),
    path("konto/losenord/klart/", views.password_change_done, name="password-change-done"),
    path("konto/aterstall-losenord/", views.password_reset, name="password-reset"),
    path("konto/aterstall-losenord/skickat/", views.password_reset_done, name="password-reset-done"),
    path("konto/aterstall/<uidb64>/<token>/", views.password_reset_confirm, name="password-reset-confirm"),
    path("konto/aterstall/klart/", views.password_reset_complete, name="password-reset-complete"),
    path("konto/tvafaktor/", views.two_factor_verify, name="two-factor"),
    path("konto/tvafaktor/aktivera/", views.two_factor_setup, name="two-factor-setup"),
    path("konto/tvafaktor/reservkoder/", views.two_factor_codes, name="two-factor-codes"),
    path("oversikt/", views.dashboard, name="dashboard"),
    path("oversikt/samordnare/", views.dashboard_coordinator, name="dashboard-coordinator"),
    path("oversikt/upphandlare/", views.dashboard_procurement, name="dashboard-procurement"),
    path("oversikt/foretag/", views.dashboard_company, name="dashboard-company"),
    path("oversikt/introduktion/dolj/", views.introduction_dismiss, name="introduction-dismiss"),
    path("oversikt/administrator/", views.dashboard_administrator, name="dashboard-administrator"),
    path("konto/organisation/api-nycklar/", views_api_tokens.api_token_list, name="api-token-list"),
    path(
        "konto/organisation/api-nycklar/<int:pk>/aterkalla/",
        views_api_tokens.api_token_revoke,
        name="api-token-revoke",
    ),
]
