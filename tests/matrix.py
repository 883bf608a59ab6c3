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
