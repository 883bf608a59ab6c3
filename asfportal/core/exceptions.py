"""The one error type a service raises when a domain rule is broken, and the helpers that carry it to a form."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class DomainError(Exception):
    """A broken domain rule with translated reasons that a view can show as they are.

    `reasons` are whole Swedish (or English) sentences, the same list a model's lifecycle method returns
    (`Tender.publish_blockers(at=...)`); `field_errors` maps a form field to its own sentences, so a view puts each
    one beside the field it concerns instead of at the top of the form.
    """

    def __init__(
        self, message: str | Iterable[str] = "", *, field_errors: dict[str, list[str]] | None = None
    ):
        reasons = [message] if isinstance(message, str) else [str(reason) for reason in message]
        self.reasons: list[str] = [str(reason) for reason in reasons if reason]
        self.field_errors: dict[str, list[str]] = {
            field: [str(text) for text in texts] for field, texts in (field_errors or {}).items()
        }
        self.message = " ".join(
            self.reasons + [text for texts in self.field_errors.values() for text in texts]
        )
        super().__init__(self.message)


def raise_if(reasons: Iterable[str]) -> None:
    """Raise a DomainError with the reasons a lifecycle method gave, when there are any (empty = allowed)."""
    reasons = list(reasons)
    if reasons:
        raise DomainError(reasons)


def clean_or_raise(instance, **kwargs) -> None:
    """Run the model's full_clean(); its validation errors become one DomainError that keeps each error on its
    field, so the form shows it there."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        raise domain_error_from(error) from error


def domain_error_from(error: ValidationError) -> DomainError:
    if hasattr(error, "error_dict"):
        fields = {
            field: [text for e in errors for text in e.messages] for field, errors in error.error_dict.items()
        }
        general = fields.pop(NON_FIELD_ERRORS, [])
        return DomainError(general, field_errors=fields)
    return DomainError(error.messages)


def add_to_form(form, error: DomainError) -> None:
    """Show a DomainError on a bound form: each field's sentences beside the field when the form has it, the rest
    at the top (the error summary announces both)."""
    for field, texts in error.field_errors.items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)
    for reason in error.reasons:
        form.add_error(None, reason)
