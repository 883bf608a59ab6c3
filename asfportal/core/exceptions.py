"""The one error type a service raises when a domain rule is broken."""


class DomainError(Exception):
    """A broken domain rule, with a translated message that a view can show as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
