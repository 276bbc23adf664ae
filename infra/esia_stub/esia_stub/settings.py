"""Settings of the Госуслуги stand-in (a separate Django project; see manage.py).

Everything comes from the environment, so `make demo` and the tests start it alike:

- ``ESIA_STUB_CONFIG``: the JSON file with the clients and the demo people
  (``stub_load`` reads it; see people.py for its shape);
- ``ESIA_STUB_DATA``: a folder for its own SQLite database and its ID-token signing key
  (default ``.data/esia_stub`` in the repository);
- ``ESIA_STUB_ISSUER``: the issuer URL (default: from the request's host, which is what a
  single-host stub on 127.0.0.1 wants).
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

BASE_DIR = Path(__file__).resolve().parent
REPO_ROOT = BASE_DIR.parents[2]
DATA_DIR = Path(os.environ.get("ESIA_STUB_DATA") or REPO_ROOT / ".data" / "esia_stub")
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _signing_key() -> str:
    """The provider's RSA key for ID tokens, made once and kept in the data folder."""
    path = DATA_DIR / "oidc-signing-key.pem"
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.write_bytes(pem)
        path.chmod(0o600)
    return path.read_text()


SECRET_KEY = os.environ.get("ESIA_STUB_SECRET_KEY") or "esia-stub-demo-only-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "oauth2_provider",
    "esia_stub",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "esia_stub.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ]
        },
    }
]
WSGI_APPLICATION = "esia_stub.wsgi.application"
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "esia_stub.sqlite3")}
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTHENTICATION_BACKENDS = ["esia_stub.backends.EsiaLoginBackend"]
LOGIN_URL = "esia_stub:login"
LANGUAGE_CODE = "ru"
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Its own cookie names: on 127.0.0.1 cookies are shared between ports.
SESSION_COOKIE_NAME = "esia_stub_sessionid"
CSRF_COOKIE_NAME = "esia_stub_csrftoken"
SESSION_COOKIE_AGE = 30 * 60

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _signing_key(),
    "OIDC_ISS_ENDPOINT": (os.environ.get("ESIA_STUB_ISSUER") or "").rstrip("/"),
    "PKCE_REQUIRED": True,
    "OAUTH2_VALIDATOR_CLASS": "esia_stub.validators.EsiaValidator",
    # ЕСИА's scopes: openid, fullname, snils, email, mobile.
    "SCOPES": {
        "openid": "Идентификатор пользователя",
        "fullname": "Фамилия, имя, отчество",
        "snils": "СНИЛС",
        "email": "Адрес электронной почты",
        "mobile": "Номер мобильного телефона",
    },
    "DEFAULT_SCOPES": ["openid"],
    # The consent screen: asked once per person and client, then remembered while a token
    # granted to that client for the same scopes is valid (ЕСИА remembers consents too).
    "REQUEST_APPROVAL_PROMPT": "auto",
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "ID_TOKEN_EXPIRE_SECONDS": 300,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
