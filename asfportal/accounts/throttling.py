"""Login throttling helpers for django-axes (settings AXES_*)."""


def login_username(request, credentials) -> str | None:
    """The e-mail address a login attempt is counted against, in lower case: logins ignore case, so attempts with
    "Anna@Kommun.se" and "anna@kommun.se" must count towards one lock-out."""
    value = (credentials or {}).get("username") or request.POST.get("username")
    return value.strip().lower() if value else None
