from django.conf import settings
from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("hjalp/", views.help_index, name="help"),
    path("hjalp/samordnare/", views.help_page, {"role": "coordinator"}, name="help-coordinator"),
    path("hjalp/upphandlare/", views.help_page, {"role": "procurement"}, name="help-procurement"),
    path("hjalp/foretag/", views.help_page, {"role": "company"}, name="help-company"),
    path("hjalp/administrator/", views.help_page, {"role": "administrator"}, name="help-administrator"),
    path("open-data/", views.open_data_index, name="open-data"),
    path("open-data/publiceringspolicy/", views.publication_policy, name="publication-policy"),
    path("healthz", views.healthz, name="healthz"),
    path("aviseringar/", views.notification_list, name="notification-list"),
    path("aviseringar/<int:pk>/", views.notification_open, name="notification-open"),
    path("aviseringar/markera-lasta/", views.notification_mark_all_read, name="notification-mark-all-read"),
    path("aviseringar/installningar/", views.notification_preferences, name="notification-preferences"),
    path("aviseringar/installningar/kalender/ny/", views.calendar_feed_renew, name="calendar-feed-renew"),
    path(
        "aviseringar/installningar/kalender/stang/", views.calendar_feed_revoke, name="calendar-feed-revoke"
    ),
    path("kalender/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
]

if settings.BENCHMARK_FLOOR:
    urlpatterns.append(path("bench/floor/", views.bench_floor, name="bench-floor"))
