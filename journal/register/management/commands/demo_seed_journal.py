"""Seed a realistic school year into one school (make demo).

    python platform/manage.py tenant_command demo_seed_journal --schema=school1

Idempotent: a school that already has classes in the current year is left as it is.
Structure, people and plans go through the services (so rights and rules are as in real
use); the history of marks and attendance of the past weeks is bulk-inserted.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.models import User
from accounts.services import school_account_create
from core.errors import ApplicationError
from journal.planning.models import CurriculumLine
from journal.planning.services import PlanRow, thematic_plan_import
from journal.register.models import Attendance, Lesson, Mark, MarkCorrection
from journal.register.services import lessons_generate, work_kinds_ensure
from journal.roster import services as roster
from journal.roster.models import Pupil
from journal.structure import services as structure
from journal.structure.models import AcademicYear, ClassGroup, ReportingPeriod, StaffMember

LAST = [
    "Иванов",
    "Петров",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Соколов",
    "Лебедев",
    "Козлов",
    "Новиков",
    "Морозов",
    "Волков",
    "Алексеев",
    "Павлов",
    "Семёнов",
    "Егоров",
    "Орлов",
]
FIRST_M = ["Александр", "Дмитрий", "Максим", "Иван", "Артём", "Никита", "Михаил", "Егор"]
FIRST_F = ["Анна", "Мария", "София", "Алиса", "Виктория", "Полина", "Елизавета", "Дарья"]
PATR_M = ["Александрович", "Дмитриевич", "Сергеевич", "Андреевич"]
PATR_F = ["Александровна", "Дмитриевна", "Сергеевна", "Андреевна"]
# subject -> (grades, weekly hours)
SUBJECTS: dict[str, tuple[range, int]] = {
    "Русский язык": (range(1, 12), 4),
    "Литературное чтение": (range(1, 5), 3),
    "Литература": (range(5, 12), 3),
    "Математика": (range(1, 12), 5),
    "Окружающий мир": (range(1, 5), 2),
    "Английский язык": (range(2, 12), 3),
    "История": (range(5, 12), 2),
    "Биология": (range(5, 12), 2),
    "Физика": (range(7, 12), 2),
    "Физическая культура": (range(1, 12), 2),
}


def person(rng: random.Random) -> tuple[str, str, str]:
    last = rng.choice(LAST)
    if rng.random() < 0.5:
        return last, rng.choice(FIRST_M), rng.choice(PATR_M)
    return last + "а", rng.choice(FIRST_F), rng.choice(PATR_F)


FATHERS = {
    "Александрович": "Александр",
    "Дмитриевич": "Дмитрий",
    "Сергеевич": "Сергей",
    "Андреевич": "Андрей",
    "Александровна": "Александр",
    "Дмитриевна": "Дмитрий",
    "Сергеевна": "Сергей",
    "Андреевна": "Андрей",
}
MAIDEN = ["Васильева", "Зайцева", "Григорьева", "Фёдорова", "Никитина", "Медведева"]
LATIN = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh sch  y  e yu ya".split(" "),
        strict=True,
    )
)


@dataclass(frozen=True)
class Parent:
    last_name: str
    first_name: str
    patronymic: str
    email: str
    phone: str
    relation: str


def latin(text: str) -> str:
    return "".join(LATIN.get(ch, ch) for ch in text.lower())


def parent_of(*, child: tuple[str, str, str], drawn: tuple[str, str, str], key: str) -> Parent:
    """A believable parent of the child: a father is named as the child's patronymic says
    and shares the surname; a mother mostly shares it too (its feminine form), never the
    child's first name; each has an e-mail and a mobile number (demo data, issue #15)."""
    last, first, patr = child
    rng = random.Random(f"parent:{key}:{last}:{first}")  # noqa: S311 - demo data
    stem = last[:-1] if last.endswith("а") else last
    mother = drawn[1] in FIRST_F
    if mother:
        names = [n for n in FIRST_F if n != first]
        given = drawn[1] if drawn[1] != first else rng.choice(names)
        surname = stem + "а" if rng.random() < 0.85 else rng.choice(MAIDEN)
        middle = rng.choice(PATR_F)
    else:
        given = FATHERS.get(patr, drawn[1])
        surname = stem
        middle = rng.choice(PATR_M)
    number = rng.randint(1000000, 9999999)
    return Parent(
        last_name=surname,
        first_name=given,
        patronymic=middle,
        email=f"{latin(given)[0]}.{latin(surname)}{rng.randint(1, 99)}@example.ru",
        phone=f"+7 9{rng.randint(10, 99)} {number // 10000:03d}-{number // 100 % 100:02d}-"
        f"{number % 100:02d}",
        relation="mother" if mother else "father",
    )


class Command(BaseCommand):
    help = "Seed a realistic school year (classes 1–11, pupils, parents, timetable, КТП, marks)"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--pupils", type=int, default=25, help="pupils per class")
        parser.add_argument("--weeks", type=int, default=3, help="weeks of marks and attendance")
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        start_year = today.year if today.month >= 9 else today.year - 1
        title = f"{start_year}/{start_year + 1}"
        year = AcademicYear.objects.filter(title=title).first()
        if year and ClassGroup.objects.filter(year=year).exists():
            self.stdout.write(f"{title}: уже заполнен, пропускаю")
            return
        rng = random.Random(options["seed"])  # noqa: S311 - demo data, reproducible
        with transaction.atomic():
            self._seed(rng, start_year, title, today, options["pupils"], options["weeks"])
        self.stdout.write(self.style.SUCCESS(f"{title}: школа заполнена"))

    def _boss(self) -> User:
        boss = User.objects.filter(groups__name=roles.DIRECTOR, is_active=True).first()
        if boss is None:
            boss = school_account_create(
                username="demo_director",
                last_name="Директорова",
                first_name="",
                role_names=[roles.DIRECTOR, roles.JOURNAL_ADMIN],
            )
        if not StaffMember.objects.filter(user=boss).exists():
            StaffMember.objects.create(user=boss, position="Директор")
        return boss

    def _seed(
        self, rng: random.Random, start_year: int, title: str, today: dt.date, n: int, weeks: int
    ) -> None:
        boss = self._boss()
        year = structure.academic_year_create(
            title=title,
            starts_on=dt.date(start_year, 9, 1),
            ends_on=dt.date(start_year + 1, 8, 31),
            by=boss,
        )
        structure.bell_schedule_set(
            year=year,
            slots=[
                (i + 1, dt.time(8 + i, 0 if i < 3 else 10), dt.time(8 + i, 45 if i < 3 else 55))
                for i in range(7)
            ],
            by=boss,
        )
        structure.schedule_break_create(
            year=year,
            kind="holiday",
            title="Осенние каникулы",
            starts_on=dt.date(start_year, 10, 26),
            ends_on=dt.date(start_year, 11, 4),
            by=boss,
        )
        staff_users = {}
        for username, role, position in (
            ("zavuch", roles.DEPUTY, "Заместитель директора по УВР"),
            ("secretar", roles.SECRETARY, "Секретарь"),
            ("admin_ej", roles.JOURNAL_ADMIN, "Администратор ЭЖ"),
        ):
            last, first, patr = person(rng)
            staff_users[role] = structure.staff_member_create(
                username=username,
                last_name=last,
                first_name=first,
                patronymic=patr,
                role_names=[role],
                position=position,
                by=boss,
            ).user
        teachers_by_subject: dict[str, list[StaffMember]] = {}
        subjects = {}
        for idx, (name, (_grades, _h)) in enumerate(SUBJECTS.items()):
            subjects[name] = structure.subject_create(
                title=name, is_physical_education=name == "Физическая культура", by=boss
            )
            teachers_by_subject[name] = []
            for k in range(2):
                last, first, patr = person(rng)
                teachers_by_subject[name].append(
                    structure.staff_member_create(
                        username=f"teacher{idx:02d}{k}",
                        last_name=last,
                        first_name=first,
                        patronymic=patr,
                        position=f"Учитель ({name.lower()})",
                        by=boss,
                    )
                )
        all_teachers = [t for ts in teachers_by_subject.values() for t in ts]
        for name, (grades, hours) in SUBJECTS.items():
            for grade in grades:
                CurriculumLine.objects.create(
                    year=year, grade=grade, subject=subjects[name], hours_per_year=hours * 34
                )
        enrolled = dt.date(start_year, 9, 1)
        secretary = staff_users[roles.SECRETARY]
        classes = []
        for grade in range(1, 12):
            group = structure.class_group_create(
                year=year, grade=grade, letter="А", class_teacher=all_teachers[grade], by=boss
            )
            classes.append(group)
            for i in range(n):
                last, first, patr = person(rng)
                pupil = roster.pupil_create(
                    last_name=last,
                    first_name=first,
                    patronymic=patr,
                    birth_date=dt.date(
                        start_year - 7 - grade, rng.randint(1, 12), rng.randint(1, 28)
                    ),
                    class_group=group,
                    enrolled_on=enrolled,
                    order_number=f"{grade}-у/{i + 1}",
                    by=secretary,
                )
                family = parent_of(
                    child=(last, first, patr), drawn=person(rng), key=f"{grade}-{i}-{start_year}"
                )
                parent = roster.guardian_create(
                    last_name=family.last_name,
                    first_name=family.first_name,
                    patronymic=family.patronymic,
                    email=family.email,
                    phone=family.phone,
                    by=secretary,
                )
                roster.guardian_link_create(
                    guardian=parent, pupil=pupil, relation=family.relation, by=secretary
                )
                if rng.random() < 0.92:
                    roster.consent_record(
                        pupil=pupil,
                        guardian=parent,
                        signed_on=enrolled,
                        scan_reference=f"Согласия/{grade}А/{i + 1:02d}.pdf",
                        by=secretary,
                    )
        # assignments, КТП, timetable
        for group in classes:
            slot_cursor = 0
            for name, (grades, hours) in SUBJECTS.items():
                if group.grade not in grades:
                    continue
                teacher = teachers_by_subject[name][group.grade % 2]
                assignment = structure.teaching_assignment_create(
                    teacher=teacher,
                    subject=subjects[name],
                    class_group=group,
                    weekly_hours=Decimal(hours),
                    by=boss,
                )
                thematic_plan_import(
                    assignment=assignment,
                    rows=[
                        PlanRow(k + 1, f"{name}, {group.grade} класс: тема {k + 1}", 1, None)
                        for k in range(hours * 34)
                    ],
                    by=boss,
                )
                placed = 0
                attempts = 0
                while placed < hours and attempts < 35:
                    weekday = slot_cursor % 5 + 1
                    slot = slot_cursor // 5 % 7 + 1
                    slot_cursor += 1
                    attempts += 1
                    try:
                        with transaction.atomic():
                            structure.timetable_entry_create(
                                assignment=assignment,
                                weekday=weekday,
                                slot=slot,
                                room=f"{100 + group.grade}",
                                by=boss,
                            )
                        placed += 1
                    except ApplicationError:
                        continue
        periods = ReportingPeriod.objects.filter(
            year=year, starts_on__lte=max(today, year.starts_on)
        ).order_by("-starts_on")
        for period in {(p.grade_from, p.grade_to): p for p in reversed(list(periods))}.values():
            lessons_generate(period=period, by=staff_users[roles.DEPUTY])
        self._history(rng, year, today, weeks, staff_users[roles.DEPUTY])

    def _history(
        self, rng: random.Random, year: AcademicYear, today: dt.date, weeks: int, deputy: User
    ) -> None:
        kinds = work_kinds_ensure()
        weighted = (
            [kinds["oral"]] * 5 + [kinds["homework"]] * 2 + [kinds["independent"], kinds["test"]]
        )
        # The last `weeks` weeks of lessons up to today: in the holidays or the summer that is
        # the weeks before the last lesson day, so a demo started then still has a history.
        held = Lesson.objects.filter(assignment__year=year, date__lte=today)
        last_day = held.order_by("-date").values_list("date", flat=True).first() or today
        since = last_day - dt.timedelta(weeks=weeks)
        lessons = list(
            held.filter(date__gte=since).select_related(
                "assignment__class_group", "assignment__teacher"
            )
        )
        pupils_by_class: dict[int, list[int]] = {}
        for pid, cid in Pupil.objects.filter(class_group__year=year).values_list(
            "id", "class_group_id"
        ):
            pupils_by_class.setdefault(cid, []).append(pid)
        teacher_user = dict(StaffMember.objects.values_list("id", "user_id"))
        class_teacher_user = {
            c.pk: teacher_user.get(c.class_teacher_id or 0)
            for c in ClassGroup.objects.filter(year=year)
        }
        marks: list[Mark] = []
        absences: list[Attendance] = []
        for lesson in lessons:
            lesson.homework = "Параграф, упражнения по теме урока"
            group = lesson.assignment.class_group
            by = teacher_user[lesson.assignment.teacher_id]
            for pid in pupils_by_class.get(group.pk, []):
                r = rng.random()
                if r < 0.06:
                    codes = Attendance.Code
                    code = rng.choice(
                        [codes.ILL, codes.ILL, codes.EXCUSED, codes.UNEXCUSED, codes.LATE]
                    )
                    absences.append(
                        Attendance(
                            lesson=lesson,
                            pupil_id=pid,
                            code=code,
                            marked_by_id=by,
                            reason_by_id=class_teacher_user[group.pk] if code in "БУ" else None,
                        )
                    )
                    continue
                if group.grade > 1 and r < 0.3:
                    kind = rng.choice(weighted)
                    marks.append(
                        Mark(
                            lesson=lesson,
                            pupil_id=pid,
                            work_kind=kind,
                            weight=kind.weight,
                            value=rng.choices([2, 3, 4, 5], weights=[1, 4, 6, 4])[0],
                            entered_by_id=by,
                        )
                    )
        Lesson.objects.bulk_update(lessons, ["homework"], batch_size=2000)
        created = Mark.objects.bulk_create(marks, batch_size=5000)
        Attendance.objects.bulk_create(absences, batch_size=5000, ignore_conflicts=True)
        MarkCorrection.objects.bulk_create(
            MarkCorrection(
                mark=m,
                old_value=m.value,
                new_value=min(5, m.value + 1),
                reason="Техническая ошибка при вводе (служебная записка учителя)",
                corrected_by=deputy,
            )
            for m in rng.sample(created, k=min(12, len(created)))
        )
        self.stdout.write(
            f"уроков за {weeks} нед.: {len(lessons)}, отметок: {len(created)}, "
            f"пропусков: {len(absences)}"
        )
