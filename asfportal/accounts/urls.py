from django.urls import path

from . import views, views_api_tokens
from . import views_administration as admin_views

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
    path("konto/roll/", views.membership_switch, name="membership-switch"),
    path("oversikt/samordnare/", views.dashboard_coordinator, name="dashboard-coordinator"),
    path("oversikt/upphandlare/", views.dashboard_procurement, name="dashboard-procurement"),
    path("oversikt/foretag/", views.dashboard_company, name="dashboard-company"),
    path("oversikt/introduktion/dolj/", views.introduction_dismiss, name="introduction-dismiss"),
    path("oversikt/administrator/", views.dashboard_administrator, name="dashboard-administrator"),
    path(
        "oversikt/huvudanvandare/",
        admin_views.dashboard_organisation_administrator,
        name="dashboard-organisation-administrator",
    ),
    # Organisation administration (issue 16): the administrator's own organisation only.
    path("konto/organisation/", admin_views.organisation_people, name="organisation-people"),
    path("konto/organisation/bjud-in/", admin_views.organisation_invite, name="organisation-invite"),
    path(
        "konto/organisation/inbjudan/<int:pk>/aterkalla/",
        admin_views.invitation_withdraw,
        name="invitation-withdraw",
    ),
    path("konto/organisation/person/<int:pk>/", admin_views.organisation_person, name="organisation-person"),
    path(
        "konto/organisation/person/<int:pk>/avsluta/", admin_views.person_deactivate, name="person-deactivate"
    ),
    path(
        "konto/organisation/roll/<int:pk>/ta-bort/", admin_views.membership_revoke, name="membership-revoke"
    ),
    path("konto/organisation/granskning/", admin_views.access_review, name="access-review"),
    path("konto/inbjudan/<str:token>/", admin_views.invitation_accept, name="invitation-accept"),
    path("anslut/", admin_views.join_apply, name="join-apply"),
    path("anslut/skickad/", admin_views.join_apply_done, name="join-apply-done"),
    path("konto/anslutningar/<int:pk>/", admin_views.join_application_decide, name="join-application-decide"),
    path("konto/organisation/api-nycklar/", views_api_tokens.api_token_list, name="api-token-list"),
    path(
        "konto/organisation/api-nycklar/<int:pk>/aterkalla/",
        views_api_tokens.api_token_revoke,
        name="api-token-revoke",
    ),
]
