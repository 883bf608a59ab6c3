"""Login, dashboards and password reset through the test client."""

import re
from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from asfportal.accounts.models import AccessReview, JoinApplication, Role, User
from asfportal.accounts.permissions import DASHBOARD_URL_NAMES
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ALL_DASHBOARDS = ["accounts:dashboard", *DASHBOARD_URL_NAMES.values()]


@pytest.mark.parametrize("url_name", ALL_DASHBOARDS)
def test_anonymous_visitor_is_sent_to_login_from_every_dashboard(client, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"


def test_login_with_email_in_any_case_lands_on_the_role_dashboard(client, company_rep):
    response = client.post(
        reverse("accounts:login"), {"username": company_rep.email.upper(), "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("accounts:dashboard-company")


def test_login_of_an_officer_in_any_case_goes_on_to_the_second_factor(client, officer):
    # Officers must give a second factor (tests/accounts/test_two_factor.py follows the step to the dashboard).
    response = client.post(
        reverse("accounts:login"), {"username": officer.email.upper(), "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:two-factor-setup"))


def test_wrong_password_is_refused_in_swedish(client, officer):
    response = client.post(reverse("accounts:login"), {"username": officer.email, "password": "fel"})
    assert response.status_code == 200
    assert "Ange rätt e-postadress och lösenord" in response.content.decode()


@pytest.mark.parametrize(
    ("role_fixture", "own", "foreign"),
    [
        ("coordinator", "accounts:dashboard-coordinator", "accounts:dashboard-procurement"),
        ("officer", "accounts:dashboard-procurement", "accounts:dashboard-coordinator"),
        ("company_rep", "accounts:dashboard-company", "accounts:dashboard-administrator"),
    ],
)
def test_each_role_sees_its_own_dashboard_and_not_another(client, request, role_fixture, own, foreign):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse(own)).status_code == 200
    assert client.get(reverse(foreign)).status_code == 403


def test_dashboard_lists_colleagues_but_not_people_of_another_organisation(
    client, coordinator, officer, outsider
):
    client.force_login(coordinator)
    html = client.get(reverse("accounts:dashboard-coordinator")).content.decode()
    assert officer.email in html
    assert outsider.email not in html


def test_administrator_reaches_the_django_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("accounts:dashboard-administrator")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def test_coordinator_is_kept_out_of_the_django_admin(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url


@pytest.mark.parametrize("rows", [1, 25])
def test_administrator_dashboard_uses_constant_queries(client, admin_user, django_assert_num_queries, rows):
    UserFactory.create_batch(rows, role=Role.COORDINATOR)
    for user in User.objects.filter(role=Role.COORDINATOR)[:rows]:
        AccessReview.objects.create(organisation=user.organisation, year=2025, due_on=date(2025, 2, 1))
        JoinApplication.objects.create(
            organisation=user.organisation, administrator_name="A", administrator_email=f"a{user.pk}@b.se"
        )
    client.force_login(admin_user)
    # session, user, users by role, organisations by kind, last heartbeat, new accessibility reports, outbox
    # counts, latest audit entries, applications to join and overdue access reviews (issue 16), unread
    # notifications in the header; an administrator has no organisation, so no colleagues. No savepoint: a
    # dashboard only reads and opens no transaction (issue 18).
    with django_assert_num_queries(10):
        assert client.get(reverse("accounts:dashboard-administrator")).status_code == 200


def test_password_reset_mail_link_sets_a_new_password(client, coordinator, settings):
    settings.SITE_URL = "https://asf.example.se"
    client.post(reverse("accounts:password-reset"), {"email": coordinator.email})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [coordinator.email]
    assert "lösenord" in message.subject.lower()
    link = re.search(r"https://asf\.example\.se(/konto/aterstall/\S+/)", message.body)
    assert link, message.body
    assert link.group(0) in message.alternatives[0][0]

    form_page = client.get(link.group(1), follow=True)
    set_password_url = form_page.redirect_chain[-1][0]
    new_password = "Nytt-Långt-Lösen-42"
    done = client.post(
        set_password_url, {"new_password1": new_password, "new_password2": new_password}, follow=True
    )
    assert done.redirect_chain[-1][0] == reverse("accounts:password-reset-complete")
    coordinator.refresh_from_db()
    assert coordinator.check_password(new_password)
    assert client.get(link.group(1), follow=True).context["validlink"] is False


def test_password_reset_does_not_reveal_whether_an_address_exists(client):
    response = client.post(reverse("accounts:password-reset"), {"email": "okand@example.se"})
    assert response.url == reverse("accounts:password-reset-done")
    assert mail.outbox == []


def test_password_change_requires_the_old_password(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": "fel",
            "new_password1": "Nytt-Långt-Lösen-42",
            "new_password2": "Nytt-Långt-Lösen-42",
        },
    )
    assert response.status_code == 200
    coordinator.refresh_from_db()
    assert coordinator.check_password(PASSWORD)


def test_a_brute_force_login_is_locked_out_and_recorded(client, officer, settings):
    from axes.models import AccessAttempt, AccessFailureLog

    url = reverse("accounts:login")
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        # Changing the case of the address does not buy more attempts.
        email = officer.email.upper() if attempt % 2 else officer.email
        response = client.post(url, {"username": email, "password": "fel-lösenord"})
        assert response.status_code == 200  # the form again, with the error
    locked = client.post(url, {"username": officer.email, "password": "fel-lösenord"})
    assert locked.status_code == 429
    assert (
        "Inloggningen med den här e-postadressen har misslyckats för många gånger" in locked.content.decode()
    )
    # Locked: even the right password is refused now, from this address.
    assert client.post(url, {"username": officer.email, "password": PASSWORD}).status_code == 429
    assert AccessFailureLog.objects.filter(username=officer.email).count() >= settings.AXES_FAILURE_LIMIT
    assert (
        AccessAttempt.objects.get(username=officer.email).failures_since_start >= settings.AXES_FAILURE_LIMIT
    )
    # Another network is not locked out with it (lock-out is per e-mail address and IP address).
    other = client.post(url, {"username": officer.email, "password": PASSWORD}, REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("new_password", "swedish_reason"),
    [
        ("Kort-1", "för kort"),  # fewer than 12 characters
        ("password1234", "för vanligt"),  # on Django's list of 20,000 common passwords
        ("736154029381", "enbart numeriskt"),
        (None, "alltför likt"),  # the user's own e-mail address
    ],
)
def test_weak_passwords_are_refused_in_swedish_and_nothing_changes(
    client, company_rep, new_password, swedish_reason
):
    new_password = new_password or company_rep.email
    client.force_login(company_rep)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    assert swedish_reason in response.content.decode()
    company_rep.refresh_from_db()
    assert company_rep.check_password(PASSWORD)


def test_a_strong_password_is_accepted(client, company_rep):
    client.force_login(company_rep)
    strong = "Vinter-Bro-Kaffe-71"
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": strong, "new_password2": strong},
    )
    assert response.status_code == 302
    company_rep.refresh_from_db()
    assert company_rep.check_password(strong)
