"""Browser: the Госуслуги stand-in asks a person to grant the journal access to their data
before it signs them in (issue #15, SEC-1). «Отказать» brings them back to the portal with a
Russian explanation; «Предоставить» signs them in; the next sign-in does not ask again.
axe-core checks the stand-in's consent screen and our refusal page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from identity import esia
from tests.identity.esia_stub import client_key, run_stub

CLIENT_NAME = "Электронный журнал (браузерный тест)"
PERSON = {
    "oid": "1000499001",
    "last_name": "Согласьева",
    "first_name": "Вера",
    "middle_name": "Ильинична",
    "snils": "123-456-789 64",
    "phone": "+7 913 555-02-01",
    "email": "v.soglasyeva@example.ru",
    "password": "stub-consent-1",
}


@pytest.fixture(scope="module")
def stand_in(live_server_port: int, tmp_path_factory: Any) -> Iterator[str]:
    from django.test import override_settings

    key = client_key()
    site = f"http://localhost:{live_server_port}"
    clients = [
        {
            "client_id": "edujournal-consent-browser",
            "name": CLIENT_NAME,
            "redirect_uris": [f"{site}/sso/callback/"],
            "auth": "esia",
            "public_key": key.public_pem,
        }
    ]
    with run_stub(
        tmp_path_factory.mktemp("esia-consent"), clients=clients, people=[PERSON]
    ) as stub:
        with override_settings(
            SSO_ISSUER=stub,
            SSO_CLIENT_ID="edujournal-consent-browser",
            SSO_CLIENT_AUTH="esia",
            ESIA_SIGNER="key",
            ESIA_SIGNING_KEY=key.private_pem,
        ):
            esia.configured_signer.cache_clear()
            try:
                yield stub
            finally:
                esia.configured_signer.cache_clear()


def sign_in_on_the_stand_in(page: Any, url: Any) -> None:
    page.goto(url("localhost", "/sso/"))
    page.get_by_role("link", name="Войти через Госуслуги").click()
    page.get_by_role("heading", name="Вход").wait_for()
    page.get_by_label("Телефон / Email / СНИЛС").fill(PERSON["snils"])
    page.get_by_label("Пароль").fill(PERSON["password"])
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(lambda u: urlsplit(u).path in ("/sso/", "/sso/callback/", "/authorize/"))


def test_a_person_refuses_then_grants_access_and_is_not_asked_again(
    browser: Any, stand_in: str, url: Any, screenshot: Any
) -> None:
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        # First sign-in: the consent screen names the system and the data it asks for.
        sign_in_on_the_stand_in(page, url)
        page.get_by_role("heading", name="Предоставление прав доступа").wait_for()
        assert f"Система «{CLIENT_NAME}» запрашивает доступ" in page.content()
        assert page.locator("ul.scopes li").all_inner_texts() == ["Идентификатор пользователя"]
        screenshot(page, "esia-consent")
        page.get_by_role("button", name="Отказать").click()
        # Back on our portal: a Russian explanation, no English error code.
        page.get_by_role("heading", name="Вход не выполнен").wait_for()
        alert = page.get_by_role("alert").inner_text()
        assert "вы отказались предоставить электронному журналу доступ" in alert
        assert "access_denied" not in page.content()
        assert urlsplit(page.url).path == "/sso/callback/"

        # Asked again; granted, the person is signed in to the portal.
        sign_in_on_the_stand_in(page, url)
        page.get_by_role("heading", name="Предоставление прав доступа").wait_for()
        page.get_by_role("button", name="Предоставить").click()
        page.wait_for_url("**/sso/")
        page.get_by_text("пока не связана ни с одной школой").wait_for()

        # A new browser session, the next sign-in: the password only, no question.
        context.clear_cookies()
        sign_in_on_the_stand_in(page, url)
        page.wait_for_url("**/sso/")
        assert page.get_by_role("heading", name="Предоставление прав доступа").count() == 0
        page.get_by_text("пока не связана ни с одной школой").wait_for()
    finally:
        context.close()
