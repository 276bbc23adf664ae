"""ROLE-4/SEC-4: a staff read of a pupil's card is logged with who, what, when and from
where; the director finds it."""

from __future__ import annotations

from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from journal.audit.models import AccessLog
from tests.identity.conftest import Family


def test_card_read_is_logged_with_its_origin_and_found_by_the_director(family1: Family) -> None:
    teacher = APIClient(HTTP_HOST="school1.localhost", REMOTE_ADDR="10.20.30.40")
    teacher.force_authenticate(family1.class_teacher)
    response = teacher.get(f"/api/v1/roster/pupils/{family1.pupil.pk}/")
    assert response.status_code == 200
    with schema_context("school1"):
        entry = AccessLog.objects.filter(what="roster.pupil", action="read").latest("id")
        assert entry.user_id == family1.class_teacher.pk
        assert entry.pupil_ids == [family1.pupil.pk]
        assert entry.details["from"] == "10.20.30.40"
    director = APIClient(HTTP_HOST="school1.localhost")
    director.force_authenticate(family1.director)
    found = director.get(f"/api/v1/audit/log/?pupil_id={family1.pupil.pk}").json()["results"]
    assert any(row["details"].get("from") == "10.20.30.40" for row in found)
