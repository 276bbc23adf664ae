"""From the pages (issue #15, SEC-1, SEC-3): the class teacher gives a parent an invitation
code with the sign-in instructions, shown once; the journal administrator gives a new staff
member a first password (or resets one), shown once and to be changed at the first sign-in.
Everyone else gets nothing."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_tenants.utils import schema_context

from journal.identity.models import InvitationCode, PasswordReset
from journal.structure import services as structure
from tests.world import World


def invite_url(world: World, user_id: int) -> str:
    return f"/class/pupils/{world.pupils[0].pk}/invitations/{user_id}/"


def test_class_teacher_prints_a_parents_invitation_code(world: World, page_client: Any) -> None:
    parent = world.users["parent"]
    client = page_client("class_teacher")
    card = client.get(f"/class/pupils/{world.pupils[0].pk}/").content.decode()
    assert invite_url(world, parent.pk) in card and "Выдать код приглашения" in card
    page = client.post(invite_url(world, parent.pk))
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert 'id="invitation-code"' in html and "Войти через Госуслуги" in html
    assert "http://localhost/sso/" in html  # where to start, on the portal
    with schema_context("school1"):
        [invitation] = InvitationCode.objects.filter(user=parent)
        assert invitation.issued_by == world.users["class_teacher"] and invitation.used_at is None
    # The code is shown once: the card does not show it again.
    assert (
        'id="invitation-code"'
        not in client.get(f"/class/pupils/{world.pupils[0].pk}/").content.decode()
    )


def test_nobody_else_issues_codes_or_for_someone_off_the_card(
    world: World, page_client: Any, school2_user: Any
) -> None:
    parent = world.users["parent"]
    assert (
        page_client("class_teacher")
        .post(invite_url(world, world.users["other_parent"].pk))
        .status_code
        == 404
    )
    assert page_client("other_teacher").post(invite_url(world, parent.pk)).status_code == 404
    assert page_client("parent").post(invite_url(world, parent.pk)).status_code == 403
    assert school2_user("director").post(invite_url(world, parent.pk)).status_code == 404
    with schema_context("school1"):
        assert not InvitationCode.objects.exists()


def staff_password_url(member_id: int) -> str:
    return f"/manage/staff/{member_id}/password/"


def test_journal_admin_gives_a_new_teacher_a_first_password_and_the_teacher_changes_it(
    world: World, page_client: Any
) -> None:
    with schema_context("school1"):
        member = structure.staff_member_create(
            username="novikova",
            last_name="Новикова",
            first_name="Анна",
            role_names=["teacher"],
            position="учитель",
            by=world.users["journal_admin"],
        )
        assert not member.user.has_usable_password()
    admin = page_client("journal_admin")
    listing = admin.get("/manage/staff/").content.decode()
    assert staff_password_url(member.pk) in listing and "Выдать пароль" in listing
    page = admin.post(staff_password_url(member.pk))
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert "Первый пароль" in html
    password = html.split('id="staff-password">')[1].split("<")[0]
    username = html.split('id="staff-username">')[1].split("<")[0]
    assert username == "novikova"
    with schema_context("school1"):
        assert (
            PasswordReset.objects.filter(
                user=member.user, reset_by=world.users["journal_admin"]
            ).count()
            == 1
        )
    teacher = Client(HTTP_HOST="school1.localhost")
    signed = teacher.post("/accounts/login/", {"username": username, "password": password})
    assert signed.status_code == 302 and signed["Location"] == "/accounts/password/first/"
    # The next press is a reset, named as such.
    assert "Сбросить пароль" in admin.get("/manage/staff/").content.decode()


def test_only_the_journal_admin_issues_staff_passwords(
    world: World, page_client: Any, school2_user: Any
) -> None:
    from journal.structure.models import StaffMember

    with schema_context("school1"):
        member = StaffMember.objects.get(user=world.users["teacher"])
    for persona, status in (
        ("director", 403),
        ("secretary", 403),
        ("teacher", 403),
        ("parent", 403),
    ):
        assert page_client(persona).post(staff_password_url(member.pk)).status_code == status, (
            persona
        )
    director_view = page_client("director").get("/manage/staff/").content.decode()
    assert staff_password_url(member.pk) not in director_view
    assert school2_user("journal_admin").post(staff_password_url(member.pk)).status_code == 404
    with schema_context("school1"):
        assert not PasswordReset.objects.filter(user=world.users["teacher"]).exists()
