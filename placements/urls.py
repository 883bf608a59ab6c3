from django.urls import path

from . import views

app_name = "placements"

urlpatterns = [
    path("arbetstraning/platser/", views.offer_list, name="offer-list"),
    path("arbetstraning/platser/ny/", views.offer_edit, name="offer-create"),
    path("arbetstraning/platser/<int:pk>/", views.offer_edit, name="offer-edit"),
    path("arbetstraning/lediga-platser/", views.capacity_search, name="capacity-search"),
    path("arbetstraning/lediga-platser/<int:pk>/", views.offer_detail, name="offer-detail"),
    path("arbetstraning/statistik/", views.figures, name="figures"),
    path("deltagare/", views.participant_list, name="participant-list"),
    path("deltagare/ny/", views.participant_create, name="participant-create"),
    path("deltagare/atkomstlogg/", views.access_log, name="access-log"),
    path("deltagare/<int:pk>/", views.participant_detail, name="participant-detail"),
    path("deltagare/<int:pk>/registerutdrag.json", views.participant_export, name="participant-export"),
    path("deltagare/<int:pk>/radera/", views.participant_erase, name="participant-erase"),
    path("deltagare/<int:pk>/aterkalla-samtycke/", views.consent_withdraw, name="consent-withdraw"),
    path("deltagare/<int:pk>/nytt-samtycke/", views.consent_renew, name="consent-renew"),
    path("deltagare/<int:pk>/placera/", views.placement_create, name="placement-create"),
    path("placeringar/", views.placement_list, name="placement-list"),
    path("placeringar/<int:pk>/starta/", views.placement_start, name="placement-start"),
    path("placeringar/<int:pk>/avsluta/", views.placement_end, name="placement-end"),
    path("placeringar/<int:pk>/sus/", views.placement_sus, name="placement-sus"),
    path("uppfoljningar/<int:pk>/", views.follow_up_record, name="follow-up-record"),
    path("uppfoljningar/<int:pk>/kalender.ics", views.follow_up_ics, name="follow-up-ics"),
]
