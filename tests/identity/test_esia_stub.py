"""The demo's Госуслуги stand-in (infra/esia_stub, django-oauth-toolkit) speaks what our
SSO adapter uses: discovery, ЕСИА's signed client_secret at the authorization and the
token endpoints, PKCE, nonce, `sub` = the person's oid, the СНИЛС claim with the `snils`
scope only, the sign-in page by СНИЛС/phone/e-mail, the consent screen before the code,
remembered per person and client, and a refusal our callback explains in Russian (issue #15,
SEC-1)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from identity import esia, services
from identity.hashing import snils_hash, subject_hash
from tests.identity.conftest import REDIRECT_URI
from tests.identity.esia_stub import ClientKey, client_key, run_stub

CLIENT_ID = "edujournal-stub-test"
SNILS = "145-302-871 40"
PERSON = {
    "oid": "1000399001",
    "last_name": "Смирнова",
    "first_name": "Ольга",
    "middle_name": "Викторовна",
    "snils": SNILS,
    "phone": "+7 913 555-01-02",
    "email": "o.smirnova@example.ru",
    "password": "stub-pass-1",
}
# Someone who has never granted the journal anything (the consent story's person).
NEWCOMER = {
    "oid": "1000399002",
    "last_name": "Новикова",
    "first_name": "Дарья",
    "middle_name": "Павловна",
    "snils": "112-233-445 95",
    "phone": "+7 913 555-01-03",
    "email": "d.novikova@example.ru",
    "password": "stub-pass-2",
}


@pytest.fixture(scope="module")
def key() -> ClientKey:
    return client_key()


@pytest.fixture(scope="module")
def stub(tmp_path_factory: Any, key: ClientKey) -> Iterator[str]:
    clients = [
        {
            "client_id": CLIENT_ID,
            "name": "Электронный журнал",
            "redirect_uris": [REDIRECT_URI],
            "auth": "esia",
            "public_key": key.public_pem,
        }
    ]
    folder: Path = tmp_path_factory.mktemp("esia-stub")
    with run_stub(folder, clients=clients, people=[PERSON, NEWCOMER]) as url:
        yield url


@pytest.fixture
def adapter(stub: str, key: ClientKey, settings: Any) -> Iterator[str]:
    settings.SSO_ISSUER = stub
    settings.SSO_CLIENT_ID = CLIENT_ID
    settings.SSO_CLIENT_AUTH = "esia"
    settings.ESIA_SIGNER = "key"
    settings.ESIA_SIGNING_KEY = key.private_pem
    esia.configured_signer.cache_clear()
    yield stub
    esia.configured_signer.cache_clear()


def sign_in_page(http: httpx.Client, authorize_url: str) -> httpx.Response:
    """The authorization request sends an anonymous browser to the sign-in page."""
    response = http.get(authorize_url)
    assert response.status_code == 302, response.text
    login = http.get(response.headers["Location"])
    assert login.status_code == 200
    return login


def submit(http: httpx.Client, page: httpx.Response, login: str, password: str) -> httpx.Response:
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    next_url = re.search(r'name="next" value="([^"]*)"', page.text)
    assert token is not None and next_url is not None
    return http.post(
        str(page.url).split("?")[0],
        data={
            "csrfmiddlewaretoken": token.group(1),
            "next": next_url.group(1).replace("&amp;", "&"),
            "login": login,
            "password": password,
        },
    )


def hidden_fields(page: httpx.Response) -> dict[str, str]:
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page.text):
        name = re.search(r'name="([^"]*)"', tag)
        if 'type="hidden"' in tag and name is not None:
            value = re.search(r'value="([^"]*)"', tag)
            fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return fields


def answer_consent(http: httpx.Client, page: httpx.Response, *, allow: bool) -> httpx.Response:
    """Press «Предоставить» (allow) or «Отказать» on the consent screen."""
    data = hidden_fields(page)
    if allow:
        data["allow"] = "1"
    return http.post(str(page.url), data=data)


def is_consent(page: httpx.Response) -> bool:
    return page.status_code == 200 and "Предоставление прав доступа" in page.text


def callback_query(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    parts = urlsplit(response.headers["Location"])
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == REDIRECT_URI
    return {k: v[0] for k, v in parse_qs(parts.query).items()}


def walk(stub: str, authorize_url: str, login: str = SNILS) -> dict[str, str]:
    """Sign in on the stand-in, granting access if it asks (the person's first sign-in to
    these scopes); the callback's query (code, state)."""
    with httpx.Client(base_url=stub, timeout=10) as http:
        page = sign_in_page(http, authorize_url)
        assert "Телефон / Email / СНИЛС" in page.text
        done = submit(http, page, login, PERSON["password"])
        assert done.status_code == 302, done.text
        back = http.get(done.headers["Location"])
        if is_consent(back):
            back = answer_consent(http, back, allow=True)
        return callback_query(back)


def test_discovery_names_the_stand_in_as_issuer(adapter: str) -> None:
    document = httpx.get(f"{adapter}/.well-known/openid-configuration").json()
    assert document["issuer"] == adapter
    assert document["authorization_endpoint"] == f"{adapter}/authorize/"
    assert "snils" in document["scopes_supported"]
    assert "S256" in document["code_challenge_methods_supported"]
    keys = httpx.get(document["jwks_uri"]).json()["keys"]
    assert keys and keys[0]["kty"] == "RSA"
    css = httpx.get(f"{adapter}/static/esia_stub/esia.css")
    assert css.status_code == 200 and "#0d4cd3" in css.text


@pytest.mark.django_db
@pytest.mark.parametrize("login", [SNILS, "8 (913) 555-01-02", "O.Smirnova@example.ru"])
def test_a_person_signs_in_by_snils_phone_or_email_and_is_found_by_snils(
    adapter: str, login: str
) -> None:
    url, pending = services.sso_start(redirect_uri=REDIRECT_URI, purpose=services.PURPOSE_LINK)
    query = parse_qs(urlsplit(url).query)
    assert query["scope"] == ["openid snils"] and query["access_type"] == ["online"]
    assert query["timestamp"] and query["client_secret"]  # ЕСИА's signed request
    result = services.sso_complete(
        params=walk(adapter, url, login), pending=pending, redirect_uri=REDIRECT_URI
    )
    assert result.subject_hash == subject_hash(issuer=adapter, subject=PERSON["oid"])
    assert result.snils_hash == snils_hash(SNILS)


@pytest.mark.django_db
def test_plain_sign_in_gets_no_snils_and_asks_for_the_password_every_time(adapter: str) -> None:
    with httpx.Client(base_url=adapter, timeout=10) as http:
        for _ in range(2):
            url, pending = services.sso_start(
                redirect_uri=REDIRECT_URI, purpose=services.PURPOSE_SIGN_IN
            )
            # The same browser: its stand-in session does not sign the next person in.
            page = sign_in_page(http, url)
            done = submit(http, page, SNILS, PERSON["password"])
            back = http.get(done.headers["Location"])
            if is_consent(back):
                back = answer_consent(http, back, allow=True)
            params = callback_query(back)
            result = services.sso_complete(
                params=params, pending=pending, redirect_uri=REDIRECT_URI
            )
            assert result.snils_hash == ""
            assert result.subject_hash == subject_hash(issuer=adapter, subject=PERSON["oid"])


def test_a_wrong_password_stays_on_the_sign_in_page(adapter: str) -> None:
    url, _pending = services.sso_start(redirect_uri=REDIRECT_URI, purpose=services.PURPOSE_SIGN_IN)
    with httpx.Client(base_url=adapter, timeout=10) as http:
        page = sign_in_page(http, url)
        refused = submit(http, page, SNILS, "not-the-password")
    assert refused.status_code == 401
    assert "Неверный логин или пароль" in refused.text


def test_an_unsigned_or_tampered_authorization_request_is_refused(adapter: str) -> None:
    url, _pending = services.sso_start(redirect_uri=REDIRECT_URI, purpose=services.PURPOSE_SIGN_IN)
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    for change in ({"state": "another-state"}, {"client_secret": ""}, {"scope": "openid snils"}):
        tampered = f"{adapter}{parts.path}?{urlencode({**query, **change})}"
        response = httpx.get(tampered)
        assert response.status_code == 400, change
        assert "Запрос не прошёл проверку" in response.text  # no sign-in page for it


@pytest.mark.django_db
def test_the_token_endpoint_checks_the_signature_and_pkce(adapter: str, key: ClientKey) -> None:
    url, pending = services.sso_start(redirect_uri=REDIRECT_URI, purpose=services.PURPOSE_SIGN_IN)
    params = walk(adapter, url)
    form = {
        "grant_type": "authorization_code",
        "code": params["code"],
        "redirect_uri": REDIRECT_URI,
        "code_verifier": pending.code_verifier,
        "client_id": CLIENT_ID,
        "scope": pending.scope,
        "state": "token-state",
        "timestamp": esia.esia_timestamp(),
        "token_type": "Bearer",
    }
    signer = esia.KeySigner(key.private_pem.encode())

    def secret(**overrides: str) -> str:
        fields = {**form, **overrides}
        return esia.client_secret(
            signer=signer,
            scope=fields["scope"],
            timestamp=fields["timestamp"],
            client_id=CLIENT_ID,
            state=fields["state"],
        )

    forged = httpx.post(f"{adapter}/token/", data={**form, "client_secret": secret(state="x")})
    assert forged.status_code == 401 and forged.json()["error"] == "invalid_client"
    wrong_pkce = httpx.post(
        f"{adapter}/token/",
        data={**form, "client_secret": secret(), "code_verifier": "x" * 64},
    )
    assert wrong_pkce.status_code == 400 and wrong_pkce.json()["error"] == "invalid_grant"
    # The refused attempts did not use the code up: the adapter's own exchange works,
    # and the code is then spent (a replay is refused).
    result = services.sso_complete(params=params, pending=pending, redirect_uri=REDIRECT_URI)
    assert result.subject_hash == subject_hash(issuer=adapter, subject=PERSON["oid"])
    replay = httpx.post(f"{adapter}/token/", data={**form, "client_secret": secret()})
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"


@pytest.mark.django_db
def test_the_consent_screen_asks_once_and_a_refusal_comes_back_as_access_denied(
    adapter: str,
) -> None:
    """A person new to the journal is asked which data it gets; «Отказать» returns
    `error=access_denied`, which our callback explains in Russian; «Предоставить» issues
    the code; the next sign-in asks for the password only."""
    with httpx.Client(base_url=adapter, timeout=10) as http:
        url, pending = services.sso_start(redirect_uri=REDIRECT_URI, purpose=services.PURPOSE_LINK)
        page = sign_in_page(http, url)
        done = submit(http, page, NEWCOMER["snils"], NEWCOMER["password"])
        consent = http.get(done.headers["Location"])
        assert is_consent(consent)
        assert "Система «Электронный журнал» запрашивает доступ" in consent.text
        assert "<li>Идентификатор пользователя</li>" in consent.text
        assert "<li>СНИЛС</li>" in consent.text
        assert "Предоставить" in consent.text and "Отказать" in consent.text
        refused = callback_query(answer_consent(http, consent, allow=False))
        assert refused["error"] == "access_denied" and "code" not in refused
        assert refused["state"] == pending.state
        with pytest.raises(services.SsoError) as error:
            services.sso_complete(params=refused, pending=pending, redirect_uri=REDIRECT_URI)
        assert error.value.reason == "access_denied"
        assert "отказались предоставить" in error.value.message

        # Asked again (a refusal is not remembered); granted, the code comes.
        url, pending = services.sso_start(redirect_uri=REDIRECT_URI, purpose=services.PURPOSE_LINK)
        page = sign_in_page(http, url)
        done = submit(http, page, NEWCOMER["snils"], NEWCOMER["password"])
        consent = http.get(done.headers["Location"])
        assert is_consent(consent)
        granted = callback_query(answer_consent(http, consent, allow=True))
        result = services.sso_complete(params=granted, pending=pending, redirect_uri=REDIRECT_URI)
        assert result.snils_hash == snils_hash(NEWCOMER["snils"])

        # The next sign-in: the password, then straight back with a code, no question.
        url, pending = services.sso_start(redirect_uri=REDIRECT_URI, purpose=services.PURPOSE_LINK)
        page = sign_in_page(http, url)
        done = submit(http, page, NEWCOMER["snils"], NEWCOMER["password"])
        again = http.get(done.headers["Location"])
        assert not is_consent(again)
        assert "code" in callback_query(again)
