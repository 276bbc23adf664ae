"""The API's JSON parser: bounded in size and nesting depth (issue #11).

DRF's stock parser hands the body to `json.load`, whose C scanner recurses once per
nesting level: a body nested a few thousand levels deep raises RecursionError, a 500.
DRF also reads the stream itself, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE never applies.
Here the body is read up to a limit (413 above it) and its nesting depth is measured
without recursion before anything is decoded (400 above the limit).
"""

from __future__ import annotations

import codecs
import re
from itertools import accumulate
from typing import Any

from django.conf import settings
from rest_framework import parsers as drf_parsers
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.utils import json
from rest_framework.utils.mediatypes import media_type_matches

DEFAULT_MAX_BYTES = 1024 * 1024
DEFAULT_MAX_DEPTH = 64

# A JSON string literal (escapes included): brackets inside strings do not nest.
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Слишком большой запрос."
    default_code = "payload_too_large"


def json_depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text (iteratively).

    For text that is not valid JSON the figure is an estimate; the decoder rejects it
    afterwards anyway.
    """
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", raw))
    if not brackets:
        return 0
    return max(accumulate(_STEP[b] for b in brackets))


def max_json_bytes() -> int:
    return int(getattr(settings, "API_JSON_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_json_depth() -> int:
    return int(getattr(settings, "API_JSON_MAX_DEPTH", DEFAULT_MAX_DEPTH))


class BoundedJSONParser(drf_parsers.JSONParser):
    """JSONParser with a size limit (413) and a nesting-depth limit (400)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = drf_parsers.get_encoding(parser_context)  # type: ignore[attr-defined]
        limit = max_json_bytes()
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge(f"Тело запроса больше {limit // 1024} КиБ.")
        if isinstance(raw, str):  # a test client may hand over text
            raw = raw.encode(encoding)
        if json_depth(raw) > max_json_depth():
            raise ParseError(f"Слишком глубокая вложенность JSON (больше {max_json_depth()}).")
        try:
            text = codecs.decode(raw, encoding)
            parse_constant = json.strict_constant if self.strict else None
            return json.loads(text, parse_constant=parse_constant)
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"Некорректный JSON: {exc}") from exc


class BodyCheckingNegotiation(DefaultContentNegotiation):
    """The default negotiation, and a JSON body parsed before any view runs.

    DRF parses a body lazily, the first time a view reads `request.data`: a write that takes
    no body (publish, suspend, export...) would accept any bytes, malformed or not. The
    negotiation step runs for every DRF request, so a JSON body is parsed here, through the
    bounded parser: a malformed, too deep or too large body is refused with 400/413 on every
    route, whatever the view reads. Multipart bodies, and JSON sent to a view that takes
    none, stay lazy: the view's own checks (authentication, permissions) come first.
    """

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        chosen = super().select_renderer(request, renderers, format_suffix)
        content_type = getattr(request, "content_type", "") or ""
        if (
            request.method not in ("GET", "HEAD", "OPTIONS")
            and media_type_matches("application/json", content_type)
            and self.select_parser(request, request.parsers) is not None
        ):
            request.data  # noqa: B018 - parse now; errors surface as 400/413
        return chosen
