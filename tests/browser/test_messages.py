"""Browser (issue #16, COM-1, DIA-1): a parent writes to the class teacher; the class teacher
sees the unread badge and answers; the parent sees the answer; a class announcement appears
in the pupil's diary on a phone-sized viewport."""

from __future__ import annotations

from typing import Any

SLUG = "brs-messages"
HOST = f"{SLUG}.localhost"


def test_parent_and_class_teacher_talk_and_the_pupil_sees_the_announcement(
    page: Any,
    browser: Any,
    url: Any,
    screenshot: Any,
    journal_school: Any,
    sign_in: Any,
    learner_session: Any,
) -> None:
    world = journal_school(SLUG)

    # The parent writes to the class teacher (the one the school's rules let her reach).
    learner_session(page, HOST, world.users["parent"])
    page.goto(url(HOST, "/messages/"))
    page.get_by_role("link", name="Написать").click()
    page.get_by_label("Классная Тест — Классный руководитель").check()
    page.get_by_label("Тема", exact=True).fill("Пропуск в пятницу")
    page.get_by_label("Сообщение", exact=True).fill("Дочь будет у врача, отпустите, пожалуйста.")
    page.get_by_role("button", name="Отправить").click()
    page.get_by_role("heading", name="Пропуск в пятницу").wait_for()
    screenshot(page, "messages-parent-sent")

    # The class teacher sees the badge, opens the conversation and answers.
    teacher = browser.new_context(locale="ru-RU").new_page()
    sign_in(teacher, HOST, world.users["class_teacher"])
    teacher.goto(url(HOST, "/messages/"))
    menu = teacher.get_by_role("navigation", name="Основное меню")
    assert menu.get_by_role("link", name="Сообщения").locator(".badge").inner_text() == "1"
    screenshot(teacher, "messages-teacher-badge")
    teacher.get_by_role("link", name="Пропуск в пятницу").click()
    teacher.get_by_text("Дочь будет у врача").wait_for()
    teacher.get_by_label("Ответ").fill("Хорошо, отметим «У».")
    teacher.get_by_role("button", name="Ответить").click()
    teacher.get_by_text("Хорошо, отметим «У».").wait_for()
    assert teacher.get_by_role("navigation", name="Основное меню").locator(".badge").count() == 0

    # The class teacher announces an event to 5А's pupils and parents.
    teacher.goto(url(HOST, "/messages/announcements/"))
    teacher.get_by_label("Заголовок").fill("Экскурсия в музей")
    teacher.get_by_label("Текст").fill("В четверг, сбор у школы в 9:00.")
    teacher.get_by_label("Для кого").select_option(label="5А класс")
    teacher.get_by_role("button", name="Опубликовать").click()
    teacher.get_by_text("Объявление опубликовано.").wait_for()
    teacher.context.close()

    # The parent sees the answer.
    page.goto(url(HOST, "/messages/"))
    page.get_by_role("link", name="Пропуск в пятницу").click()
    page.get_by_text("Хорошо, отметим «У».").wait_for()
    screenshot(page, "messages-parent-answer")

    # The pupil, on a phone: the announcement in the diary.
    phone = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 800})
    pupil = phone.new_page()
    learner_session(pupil, HOST, world.users["pupil"])
    pupil.goto(url(HOST, "/diary/"))
    announcements = pupil.get_by_role("region", name="Объявления")
    announcements.get_by_text("Экскурсия в музей").wait_for()
    box = announcements.bounding_box()
    assert box is not None and box["width"] <= 390
    screenshot(pupil, "messages-pupil-diary-phone")
    phone.close()
