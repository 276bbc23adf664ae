"""Services' errors on HTML forms: one helper for every page (school pages and the console).

Services raise `ValidationError({field: [message]})` or `ApplicationError(message)` with
Russian messages; a page puts them next to the fields that were typed and answers 400.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError

from core.errors import ApplicationError

# A service's error key -> (the form's field or None for the form, the messages as shown).
Locate = Callable[[forms.Form, str, list[str]], tuple[str | None, list[str]]]

SERVICE_ERRORS = (ValidationError, ApplicationError)


def field_or_form(form: forms.Form, key: str, messages: list[str]) -> tuple[str | None, list[str]]:
    """The default placing: on the field of that name, else on the form itself."""
    return (key if key in form.fields else None), messages


def apply_service_errors(
    form: forms.Form,
    exc: ValidationError | ApplicationError,
    *,
    locate: Locate = field_or_form,
) -> None:
    """Put a service's Russian errors on the form's fields (or on the form itself).

    `locate` decides where an error key goes (the console maps the catalogue's dotted paths).
    """
    if isinstance(exc, ApplicationError):
        form.add_error(None, exc.message)
        for name, messages in exc.field_errors.items():
            if name in form.fields and not form.has_error(name):
                form.add_error(name, messages)
        return
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, messages in exc.message_dict.items():
        field, shown = locate(form, key, messages)
        form.add_error(field, shown)


def error_messages(exc: ValidationError | ApplicationError) -> list[str]:
    """A service's errors as a flat list of messages (for a message banner)."""
    if isinstance(exc, ApplicationError):
        return [exc.message]
    return list(exc.messages)


def error_text(exc: ValidationError | ApplicationError) -> str:
    """A service's errors as one sentence (for `messages.error`)."""
    return " ".join(error_messages(exc))


def form_error_text(form: forms.Form) -> str:
    """Every error of a bound form as one sentence (for a form posted from a list page)."""
    return " ".join(str(e) for errors in form.errors.values() for e in errors)
