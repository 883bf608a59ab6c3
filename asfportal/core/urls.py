from django.conf import settings
from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("open-data/", views.open_data_index, name="open-data"),
    path("open-data/publiceringspolicy/", views.publication_policy, name="publication-policy"),
    path("healthz", views.healthz, name="healthz"),
    path("aviseringar/", views.notification_list, name="notification-list"),
    path("aviseringar/<int:pk>/", views.notification_open, name="notification-open"),
    path("aviseringar/markera-lasta/", views.notification_mark_all_read, name="notification-mark-all-read"),
    path("aviseringar/installningar/", views.notification_preferences, name="notification-preferences"),
]

if settings.BENCHMARK_FLOOR:
    urlpatterns.append(path("bench/floor/", views.bench_floor, name="bench-floor"))
