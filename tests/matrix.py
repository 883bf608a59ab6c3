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
