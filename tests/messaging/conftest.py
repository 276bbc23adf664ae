"""The page fixtures of tests/web (signed-in clients of school1 and school2)."""

from tests.web.conftest import page_client, school2_user  # noqa: F401
