"""Who is who in `make demo` and how each of them signs in: one data structure.

`demo_seed` makes the people (staff logins, the Госуслуги people linked to pupils and
parents), `infra/demo.py` prints :func:`render_guide` and hands :data:`ESIA_PEOPLE` to the
Госуслуги stand-in (infra/esia_stub), and tests/browser/test_demo_sign_in.py follows
:func:`sign_in_guide` step by step to each role's start page. Plain data, no Django
imports: infra/demo.py reads it before Django starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEMO_PASSWORD = "demo-2026"  # noqa: S105 - a published demo credential, not a secret


@dataclass(frozen=True)
class DemoSchool:
    slug: str
    name: str
    short_name: str
    inn: str


DEMO_SCHOOLS = (
    DemoSchool("school1", "МБОУ «Средняя общеобразовательная школа № 1»", "СОШ № 1", "7707083893"),
    DemoSchool("school2", "МБОУ «Гимназия № 2»", "Гимназия № 2", "7728168971"),
    DemoSchool("school3", "МБОУ «Лицей № 3»", "Лицей № 3", "7830002293"),
)


@dataclass(frozen=True)
class Name:
    last: str
    first: str
    middle: str = ""

    @property
    def full(self) -> str:
        return " ".join(p for p in (self.last, self.first, self.middle) if p)

    @property
    def diary(self) -> str:
        """As the diary's heading names a pupil: «Смирнов Артём»."""
        return f"{self.last} {self.first}"


@dataclass(frozen=True)
class EsiaRecord:
    """A school record that a Госуслуги person stands for.

    The seed takes the `position`-th pupil (by id) of the school's `grade`А class and
    gives them `child`'s name; for a parent, the pupil's parent becomes the person.
    `linked`: the record is linked to the person's Госуслуги account by the seed (with
    the СНИЛС recorded); otherwise the parent links it with an invitation code.
    """

    school: int  # index into the schools
    grade: int
    position: int
    child: Name | None = None  # None: the record is the pupil themself
    linked: bool = True

    @property
    def class_title(self) -> str:
        return f"{self.grade}А"


@dataclass(frozen=True)
class EsiaPerson:
    oid: str  # ЕСИА's subject id (the ID token's `sub`)
    name: Name
    snils: str
    phone: str
    email: str
    records: tuple[EsiaRecord, ...]
    about: str
    password: str = DEMO_PASSWORD

    @property
    def is_parent(self) -> bool:
        return any(r.child is not None for r in self.records)


ESIA_PEOPLE = (
    EsiaPerson(
        oid="1000300001",
        name=Name("Смирнова", "Ольга", "Викторовна"),
        snils="145-302-871 40",
        phone="+7 913 555-01-02",
        email="o.smirnova@example.ru",
        records=(
            EsiaRecord(school=0, grade=5, position=0, child=Name("Смирнов", "Артём", "Игоревич")),
            EsiaRecord(school=1, grade=2, position=0, child=Name("Смирнова", "Дарья", "Игоревна")),
        ),
        about="мама Артёма (5А, СОШ № 1) и Дарьи (2А, Гимназия № 2)",
    ),
    EsiaPerson(
        oid="1000300002",
        name=Name("Ковалёв", "Никита", "Андреевич"),
        snils="160-418-253 36",
        phone="+7 913 555-02-03",
        email="nikita.kovalev@example.ru",
        records=(EsiaRecord(school=0, grade=9, position=0),),
        about="ученик 9А, СОШ № 1",
    ),
    EsiaPerson(
        oid="1000300003",
        name=Name("Новикова", "Екатерина", "Сергеевна"),
        snils="171-529-364 72",
        phone="+7 913 555-03-04",
        email="e.novikova@example.ru",
        records=(
            EsiaRecord(
                school=0,
                grade=5,
                position=1,
                child=Name("Новиков", "Михаил", "Олегович"),
                linked=False,
            ),
        ),
        about="мама Михаила (5А, СОШ № 1); школа ещё не связана: нужен код приглашения",
    ),
)

# The public host's people (public schema) and the school staff of the seeded journal.
PUBLIC_STAFF = (
    # username, role group, name, position
    ("operator", "operator", Name("Белова", "Ирина", "Павловна"), "муниципальный оператор"),
    (
        "department",
        "department",
        Name("Кравцова", "Елена", "Николаевна"),
        "Управление образования администрации города, главный специалист",
    ),
)
DIRECTOR_NAME = Name("Соколова", "Татьяна", "Михайловна")
ESIA_CLIENT_ID = "edujournal-demo"
ESIA_CLIENT_NAME = "Электронный журнал и дневник"


# --- the guide ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One thing a newcomer does. `kind` is what the browser test does with it:

    open(url) · password(username, password) · code(argv: demo_code's arguments) ·
    esia(login, password: «Войти через Госуслуги», then the stand-in's form) ·
    pick(school: a school's button on the portal) · link(name: a menu link) ·
    see(text: the start of the page's main heading).
    """

    kind: str
    url: str = ""
    username: str = ""
    password: str = ""
    argv: tuple[str, ...] = ()
    login: str = ""
    school: str = ""
    name: str = ""
    text: str = ""

    def render(self) -> str:
        if self.kind == "open":
            return f"откройте {self.url}"
        if self.kind == "password":
            return f"имя пользователя {self.username}, пароль {self.password} → «Войти»"
        if self.kind == "code":
            return (
                "код подтверждения: .venv/bin/python platform/manage.py "
                + " ".join(self.argv)
                + " → «Подтвердить»"
            )
        if self.kind == "esia":
            return (
                f"«Войти через Госуслуги» → на стенде Госуслуг: СНИЛС {self.login}, "
                f"пароль {self.password} → «Войти» → при первом входе разрешите "
                "доступ к данным: «Предоставить»"
            )
        if self.kind == "pick":
            return f"выберите школу «{self.school}»"
        if self.kind == "link":
            return f"в меню «{self.name}»"
        if self.kind == "see":
            return f"открылась страница «{self.text}…»"
        raise ValueError(self.kind)


@dataclass(frozen=True)
class RoleGuide:
    role: str
    who: str
    steps: tuple[Step, ...]
    host: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)


def sign_in_guide(
    *, site: str, schools: tuple[DemoSchool, ...] = DEMO_SCHOOLS
) -> tuple[RoleGuide, ...]:
    """Every role's way in. `site`: the public host's origin, e.g. http://localhost:8000."""
    scheme, _, hostport = site.partition("://")
    first = schools[0]
    school_site = f"{scheme}://{first.slug}.{hostport}"
    public_host, school_host = hostport, f"{first.slug}.{hostport}"

    def staff(
        role: str,
        who: str,
        username: str,
        path: str,
        heading: str,
        *,
        public: bool = False,
        totp: bool = False,
        link: str = "",
    ) -> RoleGuide:
        steps = [
            Step("open", url=f"{site if public else school_site}{path}"),
            Step("password", username=username, password=DEMO_PASSWORD),
        ]
        if totp:
            argv = ("demo_code", username) if public else ("demo_code", username, "--school")
            steps.append(Step("code", argv=argv if public else (*argv, first.slug)))
        if link:
            steps.append(Step("link", name=link))
        steps.append(Step("see", text=heading))
        return RoleGuide(role, who, tuple(steps), host=public_host if public else school_host)

    def esia(person: EsiaPerson) -> list[Step]:
        steps = [
            Step("open", url=f"{site}/sso/"),
            Step("esia", login=person.snils, password=person.password),
        ]
        for index, record in enumerate(r for r in person.records if r.linked):
            if index:
                steps.append(Step("open", url=f"{site}/sso/"))
            name = record.child or person.name
            steps.append(Step("pick", school=schools[record.school].short_name))
            steps.append(Step("see", text=f"Дневник: {name.diary}, {record.class_title}"))
        return steps

    parent = next(p for p in ESIA_PEOPLE if p.is_parent and all(r.linked for r in p.records))
    pupil = next(p for p in ESIA_PEOPLE if not p.is_parent)
    return (
        staff(
            "Оператор",
            PUBLIC_STAFF[0][2].full,
            "operator",
            "/console/schools/",
            "Школы муниципалитета",
            public=True,
            totp=True,
        ),
        staff(
            "Управление образования",
            PUBLIC_STAFF[1][2].full,
            "department",
            "/department/",
            "Сводка по муниципалитету",
            public=True,
        ),
        staff(
            "Директор",
            DIRECTOR_NAME.full,
            "admin",
            "/accounts/login/",
            "Контроль ведения журнала",
            totp=True,
        ),
        staff(
            "Заместитель директора",
            "",
            "zavuch",
            "/accounts/login/",
            "Контроль ведения журнала",
            totp=True,
        ),
        staff("Администратор ЭЖ", "", "admin_ej", "/accounts/login/", "Загрузка КТП", totp=True),
        staff("Секретарь", "", "secretar", "/manage/import/", "Загрузка списков школы"),
        staff("Учитель", "", "teacher000", "/accounts/login/", "Мои уроки"),
        staff("Классный руководитель 5А", "", "teacher021", "/class/day/", "5А: посещаемость"),
        RoleGuide("Обучающийся", pupil.name.full, tuple(esia(pupil)), host=public_host),
        RoleGuide(
            "Родитель (дети в двух школах)",
            parent.name.full,
            tuple(esia(parent)),
            host=public_host,
        ),
    )


def render_guide(guides: tuple[RoleGuide, ...]) -> str:
    lines = []
    for guide in guides:
        lines.append(f"  {guide.role}" + (f" — {guide.who}" if guide.who else ""))
        for number, step in enumerate(guide.steps, start=1):
            lines.append(f"     {number}. {step.render()}")
    return "\n".join(lines)


def stub_people() -> list[dict[str, str]]:
    """The stand-in's people (its config file's "people")."""
    return [
        {
            "oid": p.oid,
            "last_name": p.name.last,
            "first_name": p.name.first,
            "middle_name": p.name.middle,
            "snils": p.snils,
            "phone": p.phone,
            "email": p.email,
            "password": p.password,
            "about": p.about,
        }
        for p in ESIA_PEOPLE
    ]
