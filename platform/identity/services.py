"""The SSO portal's flows: sign in with the provider, link a school, hand over to it.

The portal knows a person only as a keyed hash of the provider's subject id, kept in
the public session for the duration of the portal visit and in the subject index
(`identity.subject_index`).
Everything else (who the person is in a school, their children, consent) stays in the
school's schema and is read there, under `schema_context`, only at the moment of
linking or hand-over.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django_tenants.utils import schema_context

from core.errors import ApplicationError
from identity import oidc, tickets
from identity.hashing import snils_hash, subject_hash
from identity.oidc import PendingAuth, SsoError
from identity.school_side import school_side
from identity.subject_index import subject_index_has, subject_index_remove
from tenants.models import School

PENDING_MAX_AGE = 600
PURPOSE_SIGN_IN = "sign_in"
PURPOSE_LINK = "link"


@dataclass(frozen=True)
class SsoResult:
    subject_hash: str
    snils_hash: str  # '' unless the linking scope was requested and the provider sent it


def sso_start(*, redirect_uri: str, purpose: str) -> tuple[str, PendingAuth]:
    """Where to send the browser; the fewest scopes: `openid`, plus СНИЛС only to link."""
    scope = settings.SSO_LINK_SCOPES if purpose == PURPOSE_LINK else settings.SSO_SCOPES
    return oidc.authorization_request(redirect_uri=redirect_uri, scope=scope, purpose=purpose)


def sso_complete(
    *, params: Mapping[str, str], pending: PendingAuth | None, redirect_uri: str
) -> SsoResult:
    """Check the callback, redeem the code once, validate the ID token."""
    if pending is None:
        raise SsoError("no_pending", "Начните вход заново.")
    state = params.get("state", "")
    if not state or not secrets.compare_digest(state, pending.state):
        raise SsoError("bad_state")
    if time.time() - pending.started_at > PENDING_MAX_AGE:
        raise SsoError("pending_expired", "Вход занял слишком много времени. Начните заново.")
    if params.get("error") == "access_denied":
        # The person pressed «Отказать» on the provider's consent screen (RFC 6749 §4.1.2.1).
        raise SsoError(
            "access_denied",
            "Вход не выполнен: вы отказались предоставить электронному журналу доступ к "
            "данным на Госуслугах. Чтобы войти, начните вход заново и на странице Госуслуг "
            "нажмите «Предоставить».",
        )
    if params.get("error"):
        raise SsoError("provider_error", "Вход через Госуслуги отменён.")
    code = params.get("code", "")
    if not code:
        raise SsoError("no_code")
    # A code is redeemed once, whatever the provider does with a second attempt.
    code_key = f"identity:code-used:{hashlib.sha256(code.encode()).hexdigest()}"
    if not cache.add(code_key, 1, timeout=PENDING_MAX_AGE):
        raise SsoError("code_replayed")
    tokens = oidc.exchange_code(code=code, redirect_uri=redirect_uri, pending=pending)
    claims = oidc.validate_id_token(id_token=tokens["id_token"], nonce=pending.nonce)
    result_snils = ""
    if pending.purpose == PURPOSE_LINK:
        value = claims.get(settings.SSO_SNILS_CLAIM)
        result_snils = snils_hash(value) if isinstance(value, str) else ""
    return SsoResult(
        subject_hash=subject_hash(issuer=oidc.issuer(), subject=str(claims["sub"])),
        snils_hash=result_snils,
    )


def _active_school(school_id: int) -> School:
    school = School.objects.filter(id=school_id, status=School.Status.ACTIVE).first()
    if school is None or school.is_public:
        raise ApplicationError("Школа не найдена.")
    return school


def link_by_invitation(*, subject_hash: str, school_id: int, code: str) -> School:
    """Link the signed-in person to the school record the class teacher invited."""
    school = _active_school(school_id)
    with schema_context(school.schema_name):
        school_side().invitation_redeem(code=code, subject_hash=subject_hash)
    return school


def link_by_snils(*, subject_hash: str, snils_hash_value: str) -> list[School]:
    """Link to every school that holds this verified СНИЛС for a person it may link."""
    link_by_attribute = school_side().link_by_attribute
    if not snils_hash_value:
        raise ApplicationError("Госуслуги не передали СНИЛС: связать учётную запись не удалось.")
    linked: list[School] = []
    for school in School.objects.filter(status=School.Status.ACTIVE).exclude(schema_name="public"):
        with schema_context(school.schema_name):
            if link_by_attribute(subject_hash=subject_hash, snils_hash=snils_hash_value):
                linked.append(school)
    return linked


@transaction.atomic
def handover_ticket(*, subject_hash: str, school_id: int, binding: str) -> tuple[School, str]:
    """A single-use ticket for this person's account in the school, bound to the browser."""
    if not binding or len(binding) > 100:
        raise SsoError("no_binding", "Начните вход заново со страницы школы.")
    if not subject_index_has(subject_hash=subject_hash, school_id=school_id):
        raise SsoError("not_linked", "Ваша учётная запись не связана с этой школой.")
    school = _active_school(school_id)
    with schema_context(school.schema_name):
        user_id = school_side().linked_user_id(subject_hash=subject_hash)
    if user_id is None:
        # The school unlinked the person: the index row is stale.
        subject_index_remove(subject_hash=subject_hash, school_id=school.pk)
        raise SsoError("not_linked", "Ваша учётная запись не связана с этой школой.")
    ticket = tickets.ticket_issue(
        schema=school.schema_name, user_id=user_id, subject_hash=subject_hash, binding=binding
    )
    return school, ticket
