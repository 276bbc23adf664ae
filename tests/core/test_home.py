"""The public home page leads parents to Госуслуги and staff to their sign-in."""

from __future__ import annotations

from rest_framework.test import APIClient


def test_public_home_offers_gosuslugi_and_staff_sign_in(db: None) -> None:
    html = APIClient(HTTP_HOST="localhost").get("/").content.decode()
    assert "войти через Госуслуги" in html
    assert 'href="/sso/"' in html
    assert "Вход для сотрудников" in html
