"""Applies `Idempotency-Key` to every write (POST, PATCH) that carries one, on both hosts.

Placed last in MIDDLEWARE, so what it wraps is the view alone: the key's row, the write and
the stored answer commit together (see idempotency/services.py for the rules).

The key is scoped to the user who sends it. Sessions are checked for CSRF here exactly as
DRF does, before anything is replayed; tokens are authenticated with DRF's
TokenAuthentication. A request with no valid user passes through untouched (the view
refuses it).

Multipart uploads (message files, homework files, plan imports) take a key like any write:
they are parsed here, before the key is claimed (Django streams the files to its upload
handlers; DRF then uses the parsed request.POST and request.FILES), and fingerprinted by
their fields and files, not by the raw body, whose boundary a client picks afresh on every
retry. The view runs inside `atomic_with_files`, so files it stored are deleted again if
the key's transaction does not commit; a replay or a refusal never reaches the view and
stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError

from core.storage_tx import atomic_with_files
from idempotency import services

HEADER = "Idempotency-Key"
METHODS = frozenset({"POST", "PATCH"})
MAX_KEY_LENGTH = 255


def _error(status: int, detail: str, retry_after: int | None = None) -> JsonResponse:
    response = JsonResponse({"detail": detail, "errors": {HEADER: [detail]}}, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def parse_key(raw: str) -> str | None:
    """The key as sent: a Structured Field string ("...") per the draft, or bare."""
    key = raw.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        return None
    return key


def request_user_id(request: HttpRequest) -> int | None:
    """The user the view will see, or None (then the view answers 401/403 itself)."""
    from rest_framework.authentication import CSRFCheck, TokenAuthentication
    from rest_framework.exceptions import APIException

    user: Any = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        check = CSRFCheck(lambda _request: HttpResponse())
        check.process_request(request)
        if check.process_view(request, lambda _request: HttpResponse(), (), {}) is not None:
            return None
        return int(user.pk)
    try:
        found = TokenAuthentication().authenticate(request)  # type: ignore[arg-type]
    except APIException:
        return None
    if found is None or not found[0].is_active:
        return None
    return int(found[0].pk)


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.headers.get(HEADER)
        if raw is None or request.method not in METHODS:
            return self.get_response(request)
        key = parse_key(raw)
        if key is None:
            return _error(400, "Неверный заголовок Idempotency-Key: 1–255 печатных символов ASCII.")
        if services.is_multipart(request) and request.method != "POST":
            # Django parses multipart bodies of POST only; a PATCH upload's fields would be
            # invisible to the fingerprint, so two different ones would look the same.
            return _error(400, "Загрузка файлов с Idempotency-Key принимается только в POST.")
        try:  # a session's CSRF check or the fingerprint parse a multipart body
            user_id = request_user_id(request)
            request_fingerprint = services.fingerprint(request) if user_id is not None else ""
        except MultiPartParserError:
            return _error(400, "Не удалось разобрать запрос multipart/form-data.")
        if user_id is None:
            return self.get_response(request)
        with atomic_with_files():
            outcome = services.idempotency_claim(
                user_id=user_id,
                key=key,
                request_fingerprint=request_fingerprint,
                method=request.method or "",
                path=request.get_full_path(),
            )
            if isinstance(outcome, services.Replay):
                return services.replay_response(outcome.record)
            if isinstance(outcome, services.Mismatch):
                return _error(
                    422,
                    "Этот ключ Idempotency-Key уже использован для другого запроса.",
                )
            if isinstance(outcome, services.InFlight):
                return _error(409, "Запрос с этим ключом ещё выполняется.", retry_after=1)
            response = self.get_response(request)
            if transaction.get_rollback():
                return response  # the whole transaction is being undone, key included
            if 200 <= response.status_code < 300 and not response.streaming:
                services.idempotency_complete(record=outcome.record, response=response)
            else:
                services.idempotency_release(record=outcome.record)
            return response
