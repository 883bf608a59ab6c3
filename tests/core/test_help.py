"""The help pages (one per role, Swedish and English) and the dashboard's first-login introduction."""

import pytest
from django.urls import reverse

from asfportal.accounts import services
from asfportal.core.models import AuditEntry

pytestmark = pytest.mark.django_db

HELP = {
    "coordinator": ("Hjälp för samordnare", "Registrera ett företag", "Help for coordinators"),
    "procurement": ("Hjälp för upphandlare", "Publicera", "Help for procurement officers"),
    "company": ("Hjälp för företag", "Lämna anbudet", "Help for enterprises"),
    "administrator": ("Hjälp för administratörer", "granskningsloggen", "Help for administrators"),
}
DASHBOARDS = {
    "coordinator": ("coordinator", "accounts:dashboard-coordinator"),
    "officer": ("procurement", "accounts:dashboard-procurement"),
    "company_rep": ("company", "accounts:dashboard-company"),
    "admin_user": ("administrator", "accounts:dashboard-administrator"),
}


@pytest.mark.parametrize("role", HELP)
def test_each_roles_help_page_explains_its_tasks_step_by_step_in_swedish_and_in_english(client, role):
    swedish_title, a_task, english_title = HELP[role]
    html = client.get(reverse(f"core:help-{role}")).content.decode()
    assert swedish_title in html and a_task in html and "<ol>" in html
    client.cookies["django_language"] = "en"
    html = client.get(reverse(f"core:help-{role}")).content.decode()
    assert english_title in html and 'lang="en"' in html
    assert swedish_title not in html and a_task not in html


def test_the_help_index_lists_every_roles_page(client):
    html = client.get(reverse("core:help")).content.decode()
    for role in HELP:
        assert reverse(f"core:help-{role}") in html


@pytest.mark.parametrize("fixture", DASHBOARDS)
def test_every_dashboard_links_to_its_roles_help(request, client, fixture):
    help_role, dashboard = DASHBOARDS[fixture]
    client.force_login(request.getfixturevalue(fixture))
    html = client.get(reverse(dashboard)).content.decode()
    assert f'href="{reverse(f"core:help-{help_role}")}"' in html


def test_the_introduction_shows_until_the_person_dismisses_it_and_then_never_again(client, coordinator):
    client.force_login(coordinator)
    dashboard = reverse("accounts:dashboard-coordinator")
    assert "Välkommen till ASF-portalen" in client.get(dashboard).content.decode()
    assert (
        "Välkommen till ASF-portalen" in client.get(dashboard).content.decode()
    )  # not read yet: still there
    response = client.post(reverse("accounts:introduction-dismiss"))
    assert response.status_code == 302
    assert "Välkommen till ASF-portalen" not in client.get(dashboard).content.decode()
    coordinator.refresh_from_db()
    assert coordinator.introduction_dismissed_at is not None
    # Stored on the person, not the session: a new sign-in (another device) does not bring it back.
    client.logout()
    client.force_login(coordinator)
    assert "Välkommen till ASF-portalen" not in client.get(dashboard).content.decode()


def test_dismissing_twice_records_one_entry(coordinator):
    services.introduction_dismiss(user=coordinator)
    first = coordinator.__class__.objects.get(pk=coordinator.pk).introduction_dismissed_at
    services.introduction_dismiss(user=coordinator)
    assert coordinator.__class__.objects.get(pk=coordinator.pk).introduction_dismissed_at == first
    assert AuditEntry.objects.filter(action="accounts.introduction.dismissed").count() == 1


def test_a_signed_in_person_who_switches_to_english_gets_notifications_in_english(client, coordinator):
    from asfportal.core import notifications

    client.force_login(coordinator)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    coordinator.refresh_from_db()
    assert coordinator.language == "en"
    note = notifications.notify(recipient=coordinator, kind="policies.review_due",
                                context={"policy": _Policy()}, key="language-test")  # fmt: skip
    assert note.subject == "Review the policy Policy för arbetsintegrerande sociala företag"
    assert AuditEntry.objects.filter(action="accounts.user.language_changed", actor=coordinator).count() == 1
    client.post(
        reverse("set_language"), {"language": "en", "next": "/"}
    )  # the same choice again: no new entry
    assert AuditEntry.objects.filter(action="accounts.user.language_changed").count() == 1


class _Policy:
    title = "Policy för arbetsintegrerande sociala företag"
    review_on = None
