"""Organisation administration's pages: the permission matrix (another organisation's ids answer 404), the access
list's queries, the invitation link's pages, joining and the decision."""

import pytest
from django.urls import reverse

from asfportal.accounts import administration
from asfportal.accounts.models import JoinApplication, Membership, Role, User
from asfportal.core.models import Notification
from tests.accounts.factories import OrganisationFactory
from tests.conftest import _member
from tests.matrix import assert_post, assert_visit

pytestmark = pytest.mark.django_db

VISITORS = [
    "anonymous",
    "coordinator",
    "outsider",
    "officer",
    "company_rep",
    "admin_user",
    "org_admin",
    "other_org_admin",
]
# name: (arguments, expected answer per visitor). The objects belong to org_admin's organisation: the other
# organisation's administrator gets 404 for every id, everyone else without the role 403.
MATRIX = {
    "accounts:dashboard-organisation-administrator": ([], ["login", 403, 403, 403, 403, 200, 200, 200]),
    "accounts:organisation-people": ([], ["login", 403, 403, 403, 403, 403, 200, 200]),
    "accounts:organisation-invite": ([], ["login", 403, 403, 403, 403, 403, 200, 200]),
    "accounts:invitation-withdraw": (["invitation"], ["login", 405, 405, 405, 405, 405, 405, 405]),
    "accounts:organisation-person": (["person"], ["login", 403, 403, 403, 403, 403, 200, 404]),
    "accounts:person-deactivate": (["person"], ["login", 403, 403, 403, 403, 403, 200, 404]),
    "accounts:membership-revoke": (["membership"], ["login", 403, 403, 403, 403, 403, 200, 404]),
    "accounts:access-review": ([], ["login", 403, 403, 403, 403, 403, 200, 200]),
    # The link is the key (a new person's: the password form for whoever holds it).
    "accounts:invitation-accept": (["token"], [200, 200, 200, 200, 200, 200, 200, 200]),
    "accounts:join-apply": ([], [200, 200, 200, 200, 200, 200, 200, 200]),
    "accounts:join-apply-done": ([], [200, 200, 200, 200, 200, 200, 200, 200]),
    "accounts:join-application-decide": (["application"], ["login", 403, 403, 403, 403, 200, 403, 403]),
}
POST_ONLY = {
    "accounts:invitation-withdraw": (["invitation"], ["login", 403, 403, 403, 403, 403, 302, 404]),
}


@pytest.fixture
def values(org_admin):
    colleague = _member(Role.COORDINATOR, org_admin.organisation)
    invitation = administration.invitation_send(
        organisation=org_admin.organisation,
        email="ny@kommun.se",
        full_name="Ny",
        role=Role.COORDINATOR,
        actor=org_admin,
    )
    url = Notification.objects.get(kind="accounts.organisation_invitation").url
    application = JoinApplication.objects.create(
        organisation=OrganisationFactory(kommun=True), administrator_name="A", administrator_email="a@b.se"
    )
    return {
        "person": colleague.pk,
        "membership": Membership.objects.get(user=colleague).pk,
        "invitation": invitation.pk,
        "token": url.rstrip("/").rsplit("/", 1)[1],
        "application": application.pk,
    }


@pytest.mark.parametrize("name", list(MATRIX))
@pytest.mark.parametrize("visitor_index", range(len(VISITORS)))
def test_organisation_administration_pages_answer_each_visitor_as_expected(
    client, request, values, name, visitor_index
):
    args, expected = MATRIX[name]
    url = reverse(name, args=[values[a] for a in args])
    assert_visit(client, request, url, VISITORS[visitor_index], expected[visitor_index])


@pytest.mark.parametrize("name", list(POST_ONLY))
@pytest.mark.parametrize("visitor_index", range(len(VISITORS)))
def test_organisation_administration_post_only_urls_answer_each_visitor(
    client, request, values, name, visitor_index
):
    args, expected = POST_ONLY[name]
    url = reverse(name, args=[values[a] for a in args])
    assert_post(client, request, url, VISITORS[visitor_index], expected[visitor_index])


def test_the_organisation_administrator_lands_on_their_dashboard(client, org_admin):
    client.force_login(org_admin)
    response = client.get(reverse("accounts:dashboard"))
    assert response.url == reverse("accounts:dashboard-organisation-administrator")


@pytest.mark.parametrize("rows", [1, 25])
def test_the_access_list_uses_a_fixed_number_of_queries(client, org_admin, django_assert_num_queries, rows):
    for _i in range(rows):
        _member(Role.COORDINATOR, org_admin.organisation)
    client.force_login(org_admin)
    client.get(reverse("accounts:organisation-people"))  # the session and caches warm
    with django_assert_num_queries(7):
        response = client.get(reverse("accounts:organisation-people") + "?role=coordinator")
    assert response.status_code == 200


def test_the_access_list_filters_by_name(client, org_admin):
    wanted = _member(Role.COORDINATOR, org_admin.organisation, full_name="Greta Sökbar")
    other = _member(Role.COORDINATOR, org_admin.organisation, full_name="Olle Annan")
    client.force_login(org_admin)
    page = client.get(reverse("accounts:organisation-people") + "?text=Sökbar").content.decode()
    assert wanted.full_name in page and other.full_name not in page


def test_inviting_through_the_page_sends_the_invitation(client, org_admin):
    client.force_login(org_admin)
    response = client.post(
        reverse("accounts:organisation-invite"),
        {"full_name": "Nora Ny", "email": "nora@kommun.se", "role": Role.COORDINATOR},
    )
    assert response.status_code == 302
    assert Notification.objects.filter(
        kind="accounts.organisation_invitation", recipient__email="nora@kommun.se"
    )


def test_a_used_link_shows_a_clear_page(client, org_admin, values):
    url = reverse("accounts:invitation-accept", args=[values["token"]])
    response = client.post(url, {"password1": "Ett-Långt-Lösenord-9", "password2": "Ett-Långt-Lösenord-9"})
    assert response.status_code == 302
    client.logout()
    response = client.get(url)
    assert response.status_code == 410
    assert "Länken fungerar inte" in response.content.decode()


def test_an_unknown_link_shows_the_same_page(client):
    response = client.get(reverse("accounts:invitation-accept", args=["inte-en-riktig-nyckel"]))
    assert response.status_code == 410


def test_deactivation_asks_for_confirmation_before_ending_access(client, org_admin, values):
    client.force_login(org_admin)
    url = reverse("accounts:person-deactivate", args=[values["person"]])
    assert client.get(url).status_code == 200
    assert User.objects.get(pk=values["person"]).is_active
    response = client.post(url, {"successor": org_admin.pk})
    assert response.status_code == 302
    assert not User.objects.get(pk=values["person"]).is_active


def test_joining_through_the_public_form(client, admin_user):
    kommun = OrganisationFactory(kommun=True, name="Formby kommun", email="info@formby.se")
    response = client.post(
        reverse("accounts:join-apply"),
        {"organisation": kommun.pk, "administrator_name": "Anna", "administrator_email": "anna@formby.se"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    application = JoinApplication.objects.get(organisation=kommun)
    client.force_login(admin_user)
    assert "Formby kommun" in client.get(reverse("accounts:dashboard-administrator")).content.decode()
    decide = reverse("accounts:join-application-decide", args=[application.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 302
    application.refresh_from_db()
    assert application.status == JoinApplication.Status.APPROVED
    assert Notification.objects.filter(
        kind="accounts.organisation_invitation", recipient__email="anna@formby.se"
    )


def test_joining_with_an_address_elsewhere_is_refused_beside_the_field(client):
    kommun = OrganisationFactory(kommun=True, name="Formby kommun", email="info@formby.se")
    response = client.post(
        reverse("accounts:join-apply"),
        {"organisation": kommun.pk, "administrator_name": "Anna", "administrator_email": "anna@annat.se"},
    )
    assert response.status_code == 200
    assert "formby.se" in response.content.decode()
    assert not JoinApplication.objects.exists()


def test_the_organisation_administration_pages_are_valid_html(client, request, values, admin_user, tmp_path):
    """Every page of the matrix, as each visitor who gets a 200, through the Nu HTML Checker (tests/test_html_valid
    covers the role fixtures' main pages; the organisation administrator is a visitor of this matrix only)."""
    from tests.test_html_valid import vnu_errors

    folder = tmp_path / "html"
    folder.mkdir()
    written = 0
    for name, (args, expected) in MATRIX.items():
        for visitor, answer in zip(VISITORS, expected, strict=True):
            if answer != 200 or visitor not in ("anonymous", "org_admin", "admin_user"):
                continue
            client.logout()
            if visitor != "anonymous":
                client.force_login(request.getfixturevalue(visitor))
            response = client.get(reverse(name, args=[values[a] for a in args]))
            assert response.status_code == 200
            (folder / f"{visitor}-{name.replace(':', '_')}.html").write_bytes(response.content)
            written += 1
    assert written >= 12
    assert vnu_errors(folder) == {}
