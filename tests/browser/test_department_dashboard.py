"""Browser: the education department signs in, sees the overview and a chart (Chart.js served
from this host under the CSP), filters the table by grade and downloads the XLSX (STAT-1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook

from accounts.models import User
from core.tenancy import db
from tests.otp import totp_code

PASSWORD = "x-department-browser-1"
Q1 = ("2025/2026:quarter:1", "1-я четверть", dt.date(2025, 9, 1), dt.date(2025, 10, 26))
Q2 = ("2025/2026:quarter:2", "2-я четверть", dt.date(2025, 11, 5), dt.date(2025, 12, 28))
# school, period, grade, pupils, «5», «4», «3», «2», н/а
ROWS = [
    ("school1", Q1, 7, 20, 5, 10, 5, 0, 0),
    ("school1", Q2, 7, 20, 6, 10, 3, 1, 0),
    ("school1", Q2, 8, 12, 2, 6, 4, 0, 0),
    ("school2", Q1, 7, 10, 2, 4, 4, 0, 0),
    ("school2", Q2, 7, 10, 3, 4, 2, 1, 0),
    ("school2", Q2, 8, 9, 1, 4, 4, 0, 0),
]


def setup() -> User:
    from department.models import PeriodRollup

    from tenants.models import School

    db.set_schema_to_public()
    user = User.objects.create_user(
        "browser_department", password=PASSWORD, first_name="Дарья", last_name="Управленцева"
    )
    user.groups.add(Group.objects.get(name="department"))
    TOTPDevice.objects.create(user=user, name="Телефон", confirmed=True)
    now = timezone.now()
    for schema, (key, title, start, end), grade, pupils, n5, n4, n3, n2, na in ROWS:
        PeriodRollup.objects.create(
            school=School.objects.get(schema_name=schema), period_key=key, period_title=title,
            period_starts_on=start, period_ends_on=end, grade=grade, subject="Математика",
            rules_version=1, pupils=pupils, n5=n5, n4=n4, n3=n3, n2=n2, not_attested=na,
            exempt=0, passed=0, not_passed=0, computed_at=now,
        )  # fmt: skip
    return user


def drop() -> None:
    from department.models import PeriodRollup

    db.set_schema_to_public()
    PeriodRollup.objects.filter(period_key__startswith="2025/2026:quarter:").delete()
    User.objects.filter(username="browser_department").delete()


def code(user: User) -> str:
    db.set_schema_to_public()
    return totp_code(user)


def test_department_sees_overview_chart_filters_and_downloads_xlsx(
    page: Any, url: Any, screenshot: Any, committed: Any, tmp_path: Any
) -> None:
    user = committed(setup, drop)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(url("localhost", "/department/"))
    assert "/accounts/login/" in page.url
    page.get_by_label("Имя пользователя").fill("browser_department")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    if page.locator("#id_token").count():
        page.locator("#id_token").fill(committed(lambda: code(user)))
        page.get_by_role("button", name="Подтвердить").click()
    page.get_by_role("heading", name="Сводка по муниципалитету").wait_for()
    # 2nd quarter: 20 + 12 + 10 + 9 = 51 marks, «2» 2, н/а 0: 49/51 = 96,1 %; the 1st
    # quarter (30 marks, no «2») 100,0 %: −3,9
    figure = page.locator('[data-figure="Успеваемость"]').inner_text()
    assert "96,1 %" in figure and "было 100,0 (-3,9)" in figure
    page.locator('#chart-schools[data-chart-ready="1"]').wait_for()
    page.locator('#chart-trend[data-chart-ready="1"]').wait_for()
    screenshot(page, "department-overview")

    page.get_by_role("link", name="Таблицы").click()
    page.get_by_label("Параллель", exact=True).select_option("8")
    page.get_by_role("button", name="Показать").click()
    page.wait_for_url("**grade=8**")
    rows = page.locator("#department-table tbody tr")
    assert rows.count() == 2
    screenshot(page, "department-table-grade8")
    with page.expect_download() as download:
        page.locator("#export-xlsx").click()
    path = tmp_path / "department.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).active
    lines = [r[:3] for r in sheet.iter_rows(values_only=True)]
    assert lines == [
        ("Школа", "Обучающихся (по предметам)", "Успеваемость, %"),
        ("Гимназия № 2", 9, 100.0),
        ("СОШ № 1", 12, 100.0),
        ("Итого", 21, 100.0),
    ]

    # The cross-school report (a central form, REP-1): its page and its XLSX.
    page.get_by_role("link", name="Отчёты").click()
    page.get_by_role("link", name="Итоги успеваемости по школам муниципалитета").click()
    page.get_by_label("Параллель", exact=True).select_option("7")
    page.get_by_role("button", name="Показать").click()
    page.wait_for_url("**grade=7**")
    table = page.locator("#report-table").inner_text()
    assert "СОШ № 1" in table and "Гимназия № 2" in table
    screenshot(page, "department-report-class-results")
    with page.expect_download() as report_download:
        page.locator("#report-xlsx").click()
    report_path = tmp_path / "report.xlsx"
    report_download.value.save_as(report_path)
    report = load_workbook(report_path).active
    assert report["A1"].value == "Итоги успеваемости по школам муниципалитета"
    by_school = {r[0]: r[1:8] for r in report.iter_rows(values_only=True) if r[0]}
    # 2nd quarter, grade 7: school1 20 (6/10/3/1), school2 10 (3/4/2/1)
    assert by_school["СОШ № 1"] == (20, 6, 10, 3, 1, 0, 95.0)
    assert by_school["Гимназия № 2"] == (10, 3, 4, 2, 1, 0, 90.0)
    assert not [e for e in errors if "Content Security Policy" in e], errors
