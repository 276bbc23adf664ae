"""The school's menu, from the same role constants the pages declare (`journal.web.pages`).

Each item's roles are the page's own roles or a part of them (a menu item never leads to a
403); tests/web/test_page_matrix.py checks it against every page's declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accounts import roles
from accounts.navigation import NavItem
from journal.access import scope_for
from journal.messaging.selectors import unread_total
from journal.web.pages import (
    CLASS_READERS,
    EVERY_SCHOOL_ROLE,
    LEARNERS,
    ROSTER_MANAGERS,
    STAFF_ROLES,
    STRUCTURE_MANAGERS,
    TEACHERS,
    WHOLE_SCHOOL,
)


def school(
    label: str,
    url_name: str,
    roles: frozenset[str],
    order: int,
    visible_to: Callable[[Any], bool] | None = None,
) -> NavItem:
    return NavItem(label, url_name, tuple(sorted(roles)), "school", order, visible_to)


def leads_a_class(user: Any) -> bool:
    """A class teacher: a teacher who leads a class (the menu's class items are theirs)."""
    return bool(scope_for(user).class_ids)


SCHOOL_NAVIGATION = [
    school("Мои уроки", "web:teacher-today", TEACHERS, 10),
    school("Моё расписание", "web:teacher-timetable", TEACHERS, 11),
    school("Дневник", "diary:index", LEARNERS, 10),
    school("Расписание уроков", "diary:timetable", LEARNERS, 11),
    # Every journal the user may read; for a class teacher, their class's journals too.
    school("Журналы", "web:teacher-journals", TEACHERS | WHOLE_SCHOOL, 12),
    # The heads open the class pages of any class; the menu item is the class teacher's.
    school("Классное руководство", "web:class-day", TEACHERS, 20, leads_a_class),
    school("Ученики и родители", "web:class-pupils", CLASS_READERS, 25),
    school("Контроль ведения", "web:control", WHOLE_SCHOOL, 30),
    # the deputy's pages of issue #10 (teachers read and mend their part)
    school("Замечания", "web:remarks", TEACHERS | WHOLE_SCHOOL, 31),
    school("Замещения", "web:substitutions", TEACHERS | WHOLE_SCHOOL, 32),
    school("График контрольных", "web:control-works", TEACHERS | WHOLE_SCHOOL, 33),
    school("Сроки отметок", "web:deadlines", STAFF_ROLES, 34),
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
    # Bringing the school's lists in from the secretary's files (issue #15, SET-6).
    school("Загрузка списков", "web:manage-import", ROSTER_MANAGERS, 59),
    # The whole school year (issue #10): the class teacher's duties, closing the year.
    school("Сводка, сверка данных", "web:class-summary", TEACHERS, 26, leads_a_class),
    school("Закрытие учебного года", "web:yearend", WHOLE_SCHOOL, 60),
    NavItem("Положение об ЭЖ", "web:regulation", (), "school", order=90),
    # Reports and paper copies (issue #12): the heads and teachers (their classes, subjects).
    school("Отчёты", "web:reports", WHOLE_SCHOOL | TEACHERS, 35),
    # The archive (issue #14): the heads see the school's packages and their state.
    school("Архив журналов", "web:archive", WHOLE_SCHOOL, 62),
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
