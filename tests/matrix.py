"""The permission-matrix check the app tests share: visit a URL as someone and compare with the expected answer."""

from django.urls import reverse


def assert_visit(client, request, url: str, visitor: str, want) -> None:
    """`visitor` is a fixture name or "anonymous"; `want` a status code or "login" (sent to the login page)."""
    if visitor != "anonymous":
        client.force_login(request.getfixturevalue(visitor))
    response = client.get(url)
    response.close()  # releases a file opened for download
    if want == "login":
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    else:
        assert response.status_code == want, f"{visitor} on {url}"


def assert_post(client, request, url: str, visitor: str, want) -> None:
    """tests.matrix.assert_visit with a POST (no data); a 302 must not be the login page's."""
    if visitor != "anonymous":
        client.force_login(request.getfixturevalue(visitor))
    response = client.post(url)
    to_login = response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert (response.status_code, to_login) == ((302, True) if want == "login" else (want, False)), visitor


# --- The visitors memberships add (issue 16) --------------------------------------------------------------------
# Each plays a column of an existing matrix and must answer exactly as it: a person holding two memberships sees
# what the active one allows, never the union; a deactivated person sees what an anonymous visitor sees.
# "pair" names the column whose person is the second membership's holder, so every person tested holds both.
MEMBERSHIP_VISITORS = {
    # column: (pair column, role of the extra membership)
    "coordinator": ("officer", "procurement_officer"),
    "officer": ("coordinator", "coordinator"),
    "rep": ("other_rep", "company_representative"),
    "other_rep": ("rep", "company_representative"),
}


def membership_visitor(request, column: str, *, mode: str):
    """The person to sign in as for `column` in `mode`: "two" (the column's person also holds the pair column's
    membership, has acted in it and switched back), or "deactivated" (the column's person, deactivated)."""
    from asfportal.accounts import services
    from asfportal.accounts.models import Membership

    person = request.getfixturevalue(column)
    if mode == "deactivated":
        person.is_active = False
        person.save(update_fields=["is_active"])
        return person
    pair_column, role = MEMBERSHIP_VISITORS[column]
    pair = request.getfixturevalue(pair_column)
    holder = (
        {"company": pair.representation.company}
        if role == "company_representative"
        else {"organisation": pair.organisation}
    )
    own = Membership.objects.get(user=person, revoked_at__isnull=True)
    extra = services.membership_grant(user=person, role=role, activate=True, **holder)
    services.membership_activate(user=person, membership=own)
    person.refresh_from_db()
    assert Membership.objects.filter(user=person, revoked_at__isnull=True).count() == 2 and extra.pk != own.pk
    return person


def assert_visit_as(client, request, url: str, column: str, want, *, mode: str) -> None:
    """assert_visit for a membership visitor playing `column` (a deactivated one answers as the anonymous)."""
    client.force_login(membership_visitor(request, column, mode=mode))
    response = client.get(url)
    response.close()
    if want == "login":
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login")), url
    else:
        assert response.status_code == want, f"{mode} {column} on {url}"
