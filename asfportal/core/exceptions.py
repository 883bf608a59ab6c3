"""The one error type a service raises when a domain rule is broken."""


class DomainError(Exception):
    """A broken domain rule, with a translated message that a view can show as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def clean_or_raise(instance) -> None:
    """Run the model's full_clean(); its validation errors become one DomainError a view can show."""
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean()
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from error
