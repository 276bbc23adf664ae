"""OpenAPI generation shared by every API (kept apart from core.api: DRF settings import
that module, and drf-spectacular's AutoSchema imports DRF settings)."""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular.openapi import AutoSchema


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
