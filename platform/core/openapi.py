"""OpenAPI generation shared by every API (kept apart from core.api: DRF settings import
that module, and drf-spectacular's AutoSchema imports DRF settings)."""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class QualifiedNameAutoSchema(AutoSchema):
    """OpenAPI component names from the serializer's qualified name (every API's default).

    Views nest their serializers (`ClassCreateApi.Input`); the default name would be
    `Input` for all of them and the components would collide. `ClassCreateApi.Input`
    becomes `ClassCreateInput`, `MarksSaveApi.Input.Item` becomes `MarksSaveInputItem`.
    """

    def get_serializer_name(
        self, serializer: Any, direction: Literal["request", "response"]
    ) -> str:
        qualname = type(serializer).__qualname__
        if "." not in qualname:
            return str(super().get_serializer_name(serializer, direction))
        return "".join(part.removesuffix("Api") for part in qualname.split("."))

    def get_operation(
        self, path: str, path_regex: str, path_prefix: str, method: str, registry: Any
    ) -> Any:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code in self._error_codes(operation):
            if code not in responses:
                documented = self._get_response_for_code(ApiError, code)
                documented["description"] = ERROR_DESCRIPTIONS[code]
                responses[code] = documented
        return operation

    def _error_codes(self, operation: dict[str, Any]) -> list[str]:
        """The error answers this operation can give, each in the API's one error shape
        (core.api.exception_handler): {"detail": "...", "errors": {...}}."""
        parameters = operation.get("parameters", [])
        in_path = any(p.get("in") == "path" for p in parameters)
        by_id = any(p.get("in") == "query" and p["name"].endswith("_id") for p in parameters)
        writes = self.method in ("POST", "PUT", "PATCH", "DELETE")
        creates = self.method == "POST" and "201" in operation.get("responses", {})
        takes_json = "application/json" in operation.get("requestBody", {}).get("content", {})
        codes = []
        if writes or parameters:
            codes.append("400")
        if not self._admits_anyone():
            codes += ["401", "403"]
        if in_path or by_id or writes:  # ids in a body are looked up within the user's rights
            codes.append("404")
        if creates:
            codes += ["409", "422"]  # a repeated Idempotency-Key: in flight / other body
        if takes_json:
            codes.append("413")
        return codes

    def _admits_anyone(self) -> bool:
        from rest_framework.permissions import AllowAny

        classes = [type(p) for p in self.view.get_permissions()]
        return bool(classes) and all(issubclass(c, AllowAny) for c in classes)


class ApiError(serializers.Serializer[dict[str, Any]]):
    """Every error answer of the API (core.api.exception_handler). Documentation only: the
    declared field `errors` is taken out of the class by DRF's metaclass, so it does not
    hide Serializer.errors; mypy cannot know that."""

    detail = serializers.CharField(help_text="Что случилось, по-русски")
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(),
        help_text="Ошибки по полям: {поле: [сообщения]} (вложенные — для списков); {} — нет",
    )


ERROR_DESCRIPTIONS = {
    "400": "Неверные данные: ошибки по полям в errors",
    "401": "Не выполнен вход",
    "403": "Нет прав на это действие (или не выполнен вход)",
    "404": "Не найдено или недоступно этому пользователю",
    "409": "Запрос с этим Idempotency-Key ещё выполняется",
    "422": "Idempotency-Key уже использован с другим телом запроса",
    "413": "Тело запроса больше допустимого",
}


@extend_schema_field(
    {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d$", "example": "08:30"}
)
class HourMinuteField(serializers.TimeField):
    """A clock time shown as HH:MM. OpenAPI's `format: time` is RFC 3339's full time
    (seconds and offset), which this is not: documented by its pattern instead."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%H:%M")
        super().__init__(**kwargs)
