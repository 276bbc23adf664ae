"""Who may write to whom (COM-1, SEC-4): the one table, and the one function that reads it.

A sender may start a conversation only with the people their roles reach:

- a parent: the teachers and class teachers of their children's classes, and the
  administration (director, deputies); the parents of their children's classmates only if
  the school turns parent-to-parent messages on;
- a pupil: the teachers and the class teacher of their own class;
- a teacher: the pupils and parents of the classes they teach or lead, and all staff;
- the director and deputies: all staff, every pupil and parent of the school;
- the journal administrator and the secretary: all staff.

Pupils and parents count only while the pupil's written consent is in force (SET-5), and
only active staff are reachable. A reply inside a conversation needs no rule of its own:
whoever takes part may answer. Class chats are a school setting too (`class_chat_open`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from accounts import roles
from journal.access import Scope, scope_for
from journal.roster.models import Consent, GuardianLink, Pupil
from journal.structure.models import ClassGroup, StaffMember, TeachingAssignment

# What a role reaches: named groups of recipients, each resolved by one function below.
CHILDREN_TEACHERS = "children_teachers"
CHILDREN_CLASS_TEACHERS = "children_class_teachers"
ADMINISTRATION = "administration"
CLASSMATES_PARENTS = "classmates_parents"  # only with MessagingSettings.parent_to_parent
OWN_TEACHERS = "own_teachers"
OWN_CLASS_TEACHER = "own_class_teacher"
TAUGHT_PUPILS = "taught_pupils"
TAUGHT_PARENTS = "taught_parents"
STAFF = "staff"
ALL_PUPILS = "all_pupils"
ALL_PARENTS = "all_parents"

REACH: dict[str, tuple[str, ...]] = {
    roles.PARENT: (CHILDREN_TEACHERS, CHILDREN_CLASS_TEACHERS, ADMINISTRATION, CLASSMATES_PARENTS),
    roles.PUPIL: (OWN_TEACHERS, OWN_CLASS_TEACHER),
    roles.TEACHER: (TAUGHT_PUPILS, TAUGHT_PARENTS, STAFF),
    roles.DIRECTOR: (STAFF, ALL_PUPILS, ALL_PARENTS),
    roles.DEPUTY: (STAFF, ALL_PUPILS, ALL_PARENTS),
    roles.JOURNAL_ADMIN: (STAFF,),
    roles.SECRETARY: (STAFF,),
}

GROUP_LABELS = {
    CHILDREN_TEACHERS: "Учителя",
    CHILDREN_CLASS_TEACHERS: "Классный руководитель",
    ADMINISTRATION: "Администрация",
    CLASSMATES_PARENTS: "Родители одноклассников",
    OWN_TEACHERS: "Учителя",
    OWN_CLASS_TEACHER: "Классный руководитель",
    TAUGHT_PUPILS: "Обучающиеся",
    TAUGHT_PARENTS: "Родители",
    STAFF: "Сотрудники",
    ALL_PUPILS: "Обучающиеся",
    ALL_PARENTS: "Родители",
}


@dataclass(frozen=True)
class Options:
    """The school's switches the table depends on."""

    parent_to_parent: bool = False


def _consented(pupils: Any) -> Any:
    return pupils.filter(
        Exists(Consent.objects.filter(pupil_id=OuterRef("pk"), revoked_on__isnull=True))
    )


def _active_users(q: Q) -> set[int]:
    return set(get_user_model().objects.filter(q, is_active=True).values_list("id", flat=True))


def _staff_users(q: Q | None = None) -> set[int]:
    return set(
        StaffMember.objects.filter(q or Q(), is_active=True, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )


def _child_classes(scope: Scope) -> set[int]:
    ids = Pupil.objects.filter(id__in=scope.child_ids).values_list("class_group_id", flat=True)
    return {i for i in ids if i}


def _own_classes(scope: Scope) -> set[int]:
    ids = Pupil.objects.filter(id__in=scope.self_pupil_ids).values_list("class_group_id", flat=True)
    return {i for i in ids if i}


def _taught_classes(scope: Scope) -> set[int]:
    taught = TeachingAssignment.objects.filter(id__in=scope.assignment_ids).values_list(
        "class_group_id", flat=True
    )
    return set(taught) | set(scope.class_ids)


def _teachers_of(classes: set[int]) -> set[int]:
    return _staff_users(Q(assignments__class_group_id__in=classes))


def _class_teachers_of(classes: set[int]) -> set[int]:
    return _staff_users(
        Q(id__in=ClassGroup.objects.filter(id__in=classes).values("class_teacher_id"))
    )


def _pupils_of(classes: set[int] | None) -> set[int]:
    pupils = (
        Pupil.objects.all() if classes is None else Pupil.objects.filter(class_group_id__in=classes)
    )
    return _active_users(Q(id__in=_consented(pupils).values("user_id")))


def _parents_of(classes: set[int] | None) -> set[int]:
    pupils = (
        Pupil.objects.all() if classes is None else Pupil.objects.filter(class_group_id__in=classes)
    )
    links = GuardianLink.objects.filter(pupil__in=_consented(pupils))
    return _active_users(Q(id__in=links.values("guardian__user_id")))


Resolver = Callable[[Scope], set[int]]
RESOLVERS: dict[str, Resolver] = {
    CHILDREN_TEACHERS: lambda s: _teachers_of(_child_classes(s)),
    CHILDREN_CLASS_TEACHERS: lambda s: _class_teachers_of(_child_classes(s)),
    ADMINISTRATION: lambda s: _active_users(
        Q(groups__name__in=[roles.DIRECTOR, roles.DEPUTY], staff__is_active=True)
    ),
    CLASSMATES_PARENTS: lambda s: _parents_of(_child_classes(s)),
    OWN_TEACHERS: lambda s: _teachers_of(_own_classes(s)),
    OWN_CLASS_TEACHER: lambda s: _class_teachers_of(_own_classes(s)),
    TAUGHT_PUPILS: lambda s: _pupils_of(_taught_classes(s)),
    TAUGHT_PARENTS: lambda s: _parents_of(_taught_classes(s)),
    STAFF: lambda s: _staff_users(),
    ALL_PUPILS: lambda s: _pupils_of(None),
    ALL_PARENTS: lambda s: _parents_of(None),
}


def reach_groups(scope: Scope, options: Options) -> list[str]:
    """The recipient groups the scope's roles reach, in the table's order."""
    groups: list[str] = []
    for role in sorted(scope.roles):
        for group in REACH.get(role, ()):
            if group == CLASSMATES_PARENTS and not options.parent_to_parent:
                continue
            if group not in groups:
                groups.append(group)
    return groups


def reachable(user: Any, options: Options) -> dict[int, str]:
    """Everyone `user` may start a conversation with: user id → the group's label.

    A parent or pupil whose consent is not in force reaches nobody (their scope is empty).
    """
    scope = scope_for(user)
    found: dict[int, str] = {}
    for group in reach_groups(scope, options):
        for uid in RESOLVERS[group](scope):
            found.setdefault(uid, GROUP_LABELS[group])
    found.pop(int(user.pk), None)
    return found


def may_write_to(user: Any, recipient_ids: Iterable[int], options: Options) -> bool:
    """True when `user` may start a conversation with every one of `recipient_ids`."""
    allowed = reachable(user, options)
    return all(int(r) in allowed for r in recipient_ids)
