"""Forms of the period and year marks pages: one text input per pupil (the keyboard entry
posts the same form), Russian errors; the journal's services decide the rest."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from core.errors import ApplicationError
from journal.register.models import PeriodMarkValue
from journal.register.services import PeriodMarkInput

# What a teacher may type for a special value (the page's script turns the same keys into
# the value; without the script the server does).
ALIASES = {
    "н": PeriodMarkValue.NOT_ATTESTED,
    "на": PeriodMarkValue.NOT_ATTESTED,
    "н/а": PeriodMarkValue.NOT_ATTESTED,
    "n": PeriodMarkValue.NOT_ATTESTED,
    "з": PeriodMarkValue.PASSED,
    "зач": PeriodMarkValue.PASSED,
    "нз": PeriodMarkValue.NOT_PASSED,
    "незач": PeriodMarkValue.NOT_PASSED,
    "о": PeriodMarkValue.EXEMPT,
    "осв": PeriodMarkValue.EXEMPT,
}


ServiceError = ValidationError | ApplicationError


def error_dict(exc: ValidationError) -> dict[str, list[str]]:
    """A service's ValidationError by key (a list without keys under "")."""
    return exc.message_dict if hasattr(exc, "error_dict") else {"": list(exc.messages)}


def normalise(raw: str, allowed: Sequence[str]) -> str:
    """The value a teacher typed, as stored: a mark of the scale or a special value."""
    text = raw.strip().lower().replace(" ", "")
    text = ALIASES.get(text, text)
    return text if text in allowed else raw.strip()


class MarksForm(forms.Form):
    """Optional inputs per kind of mark and pupil, named `<kind>-<pupil id>`: a pupil who
    already has a mark of the kind gets none (a given mark is not typed again)."""

    def __init__(
        self, data: Any = None, *, columns: Mapping[str, Iterable[int]], allowed: Sequence[str]
    ) -> None:
        super().__init__(data)
        self.allowed = list(allowed)
        self.kinds = list(columns)
        for kind, pupil_ids in columns.items():
            for pid in pupil_ids:
                self.fields[self.name_of(kind, pid)] = forms.CharField(max_length=8, required=False)

    @staticmethod
    def name_of(kind: str, pupil_id: int) -> str:
        return f"{kind}-{pupil_id}"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in self.fields:
            raw = cleaned.get(name) or ""
            if not raw:
                continue
            value = normalise(raw, self.allowed)
            if value not in self.allowed:
                self.add_error(name, f"«{raw}»: допустимо {', '.join(self.allowed)}.")
            else:
                cleaned[name] = value
        return cleaned

    def entries(self) -> dict[str, list[PeriodMarkInput]]:
        """The typed marks by kind, in the order of the page (after `is_valid`)."""
        found: dict[str, list[PeriodMarkInput]] = {kind: [] for kind in self.kinds}
        for name, value in self.cleaned_data.items():
            if name in self.fields and value:
                kind, pid = name.rsplit("-", 1)
                found[kind].append(PeriodMarkInput(int(pid), value))
        return found

    def typed(self, kind: str, pupil_id: int) -> str:
        """What the input shows: the typed text after a refused save, else nothing."""
        return str(self.data.get(self.name_of(kind, pupil_id), "")) if self.is_bound else ""

    def error_of(self, kind: str, pupil_id: int) -> str:
        if not self.is_bound:
            return ""
        return " ".join(str(e) for e in self.errors.get(self.name_of(kind, pupil_id), []))

    def service_errors(
        self, exc: ServiceError, entries: Mapping[str, Sequence[PeriodMarkInput]]
    ) -> None:
        """A service's refusal on the inputs it names: `<kind>[i]` (or `marks[i]` of the one
        kind of the form) is the i-th entry of that kind."""
        if isinstance(exc, ApplicationError):
            self.add_error(None, exc.message)
            return
        errors = error_dict(exc)
        for key, texts in errors.items():
            kind, _, rest = key.partition("[")
            if kind == "marks" and len(self.kinds) == 1:
                kind = self.kinds[0]
            index = rest.rstrip("]")
            lines = entries.get(kind, [])
            if index.isdigit() and int(index) < len(lines):
                self.add_error(self.name_of(kind, lines[int(index)].pupil_id), texts)
            else:
                self.add_error(None, texts)


class ConfirmForm(forms.Form):
    """The final marks the teacher confirms: the pupils ticked on the year page."""

    def __init__(self, data: Any = None, *, pupil_ids: Iterable[int]) -> None:
        super().__init__(data)
        self.fields["pupil_ids"] = forms.TypedMultipleChoiceField(
            choices=[(str(p), str(p)) for p in pupil_ids],
            coerce=int,
            error_messages={
                "required": "Отметьте обучающихся, чьи итоговые отметки вы подтверждаете.",
                "invalid_choice": "Этот обучающийся не в списке класса.",
            },
        )
        self.chosen: list[int] = []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.chosen = list(cleaned.get("pupil_ids") or [])
        return cleaned

    def service_errors(self, exc: ServiceError, *, names: Mapping[int, str]) -> None:
        """The service's reasons, each with the pupil it concerns (`pupil_ids[i]`)."""
        if isinstance(exc, ApplicationError):
            self.add_error(None, exc.message)
            return
        errors = error_dict(exc)
        for key, texts in errors.items():
            index = key.partition("[")[2].rstrip("]")
            if index.isdigit() and int(index) < len(self.chosen):
                name = names.get(self.chosen[int(index)], "")
                self.add_error(None, [f"{name}: {t}" for t in texts])
            else:
                self.add_error(None, texts)
