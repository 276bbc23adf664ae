"""The school's menu, from the same role constants the pages declare (`journal.web.pages`).

Each item's roles are the page's own roles or a part of them (a menu item never leads to a
403); tests/web/test_page_matrix.py checks it against every page's declaration.
"""

from __future__ import annotations

from accounts import roles
from accounts.navigation import NavItem
from journal.messaging.selectors import unread_total
from journal.web.pages import (
    CLASS_READERS,
    EVERY_SCHOOL_ROLE,
    LEARNERS,
    ROSTER_MANAGERS,
    STRUCTURE_MANAGERS,
    TEACHERS,
    WHOLE_SCHOOL,
)


def school(label: str, url_name: str, roles: frozenset[str], order: int) -> NavItem:
    return NavItem(label, url_name, tuple(sorted(roles)), "school", order=order)


SCHOOL_NAVIGATION = [
    school("Мои уроки", "web:teacher-today", TEACHERS, 10),
    school("Дневник", "diary:index", LEARNERS, 10),
    # The heads open the class pages of any class; the menu item is the class teacher's.
    school("Классное руководство", "web:class-day", TEACHERS, 20),
    school("Ученики и родители", "web:class-pupils", CLASS_READERS, 25),
    school("Контроль ведения", "web:control", WHOLE_SCHOOL, 30),
    school("Загрузка КТП", "web:plan-import", STRUCTURE_MANAGERS, 40),
    school("Классы", "web:manage-classes", ROSTER_MANAGERS, 50),
    school("Сотрудники", "web:manage-staff", ROSTER_MANAGERS, 51),
    school("Ученики", "web:manage-pupils", ROSTER_MANAGERS, 52),
    school("Родители", "web:manage-parents", ROSTER_MANAGERS, 53),
    school("Нагрузка", "web:manage-assignments", STRUCTURE_MANAGERS, 54),
    school("Расписание", "web:manage-timetable", STRUCTURE_MANAGERS, 55),
    school("Учебный год", "web:manage-years", ROSTER_MANAGERS, 56),
    school("Звонки", "web:manage-bells", ROSTER_MANAGERS, 57),
    school("Каникулы, карантин", "web:manage-breaks", ROSTER_MANAGERS, 58),
    school("Движение, согласия", "web:manage-movement", ROSTER_MANAGERS, 59),
    NavItem("Положение об ЭЖ", "regulation", (), "school", order=90),
    # messages, announcements, notifications (issue #16, COM-1, COM-2)
    NavItem(
        "Сообщения",
        "web:messages",
        tuple(sorted(EVERY_SCHOOL_ROLE)),
        "school",
        order=15,
        badge=lambda user: unread_total(for_user=user),
    ),
    school("Объявления", "web:messages-announcements", WHOLE_SCHOOL, 31),
    school("Жалобы на сообщения", "web:messages-reports", WHOLE_SCHOOL, 32),
    school("Уведомления", "web:messages-notifications", frozenset({roles.PARENT}), 16),
]
