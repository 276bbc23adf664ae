"""The administration's side of messages: reported messages, the school's messaging
settings; announcements (the heads and class teachers); a parent's notification settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts import roles
from core.forms import SERVICE_ERRORS, error_text
from journal.access import scope_for
from journal.messaging import selectors, services
from journal.web.messaging.forms import (
    AnnouncementForm,
    MessagingSettingsForm,
    NotificationPreferencesForm,
    ResolveForm,
)
from journal.web.pages import (
    CLASS_READERS,
    TEACHERS,
    WHOLE_SCHOOL,
    choose,
    int_param,
    school_page,
    submit,
)
from journal.web.selectors import led_classes

ANNOUNCERS = WHOLE_SCHOOL | TEACHERS
PARENTS = frozenset({roles.PARENT})


@school_page(roles=WHOLE_SCHOOL)
def reports(request: HttpRequest) -> HttpResponse:
    """Reported messages, open ones first (the director and deputies)."""
    rows = list(selectors.report_list(for_user=request.user)[:200])
    return render(request, "web/messaging/reports.html", {"rows": rows, "form": ResolveForm()})


@school_page(roles=WHOLE_SCHOOL, methods=("POST",), deny=404)
def report_resolve(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_get(report_id=report_id, for_user=request.user)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Опишите решение.")
    else:
        try:
            services.message_report_resolve(report=report, by=request.user, **form.cleaned_data)
            messages.success(request, "Жалоба рассмотрена.")
        except SERVICE_ERRORS as exc:
            messages.error(request, error_text(exc))
    return redirect("web:messages-reports")


def _moment(day: dt.date | None, at: dt.time | None) -> dt.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, at or dt.time(0, 0)))


def _announce(request: HttpRequest, values: dict[str, Any], classes: list[Any]) -> Any:
    group = choose(classes, values["class_group"], first=False)
    return services.announcement_create(
        title=values["title"],
        body=values["body"],
        class_group=group,
        for_parents=values["for_parents"],
        for_pupils=values["for_pupils"],
        for_staff=values["for_staff"],
        publish_at=_moment(values["publish_on"], values["publish_time"]),
        ends_at=_moment(values["ends_on"], dt.time(23, 59)),
        by=request.user,
    )


@school_page(roles=ANNOUNCERS, methods=("GET", "POST"))
def announcements(request: HttpRequest) -> HttpResponse:
    """Announcements the user publishes: the school's or any class's (the heads), their own
    class's (a class teacher)."""
    classes = led_classes(for_user=request.user)
    whole = scope_for(request.user).whole_school
    form = AnnouncementForm(request.POST or None, classes=classes, whole_school=whole)
    status = 200
    if request.method == "POST":
        if submit(form, lambda v: _announce(request, v, classes)):
            messages.success(request, "Объявление опубликовано.")
            return redirect("web:messages-announcements")
        status = 400
    rows = list(selectors.announcements_managed(for_user=request.user)[:100])
    context = {"rows": rows, "form": form, "may_publish": bool(whole or classes)}
    return render(request, "web/messaging/announcements.html", context, status=status)


@school_page(roles=ANNOUNCERS, methods=("POST",), deny=404)
def announcement_withdraw(request: HttpRequest, announcement_id: int) -> HttpResponse:
    found = selectors.announcement_for_withdrawal(
        announcement_id=announcement_id, for_user=request.user
    )
    services.announcement_withdraw(announcement=found, by=request.user)
    messages.success(request, "Объявление снято с показа.")
    return redirect("web:messages-announcements")


@school_page(roles=WHOLE_SCHOOL, methods=("GET", "POST"))
def messaging_settings(request: HttpRequest) -> HttpResponse:
    """Parent-to-parent messages and class chats: off until the school turns them on."""
    current = services.messaging_settings()
    initial = {
        "parent_to_parent": current.parent_to_parent,
        "class_chats": current.class_chats,
        "urgent_kinds": current.urgent_kinds,
    }
    form = MessagingSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if submit(form, lambda v: services.messaging_settings_update(by=request.user, **v)):
            messages.success(request, "Настройки сообщений сохранены.")
            return redirect("web:messages-settings")
        return render(request, "web/messaging/settings.html", {"form": form}, status=400)
    return render(request, "web/messaging/settings.html", {"form": form})


@school_page(roles=PARENTS, methods=("GET", "POST"))
def notification_settings(request: HttpRequest) -> HttpResponse:
    """A parent's consent to e-mail notices and the channels they keep (COM-2, SEC-4)."""
    pref = selectors.notification_preferences(for_user=request.user)
    initial = {
        "email_consent": pref.email_consent_at is not None,
        "email_enabled": pref.email_enabled,
        "app_enabled": pref.app_enabled,
        "quiet_from": pref.quiet_from,
        "quiet_to": pref.quiet_to,
    }
    form = NotificationPreferencesForm(request.POST or None, initial=initial)
    context = {
        "form": form,
        "pref": pref,
        "email": getattr(request.user, "email", ""),
        "events": selectors.notifications_for(for_user=request.user),
        "push_key": selectors.push_public_key(),
    }
    if request.method == "POST":
        if submit(form, lambda v: services.notification_preferences_set(by=request.user, **v)):
            messages.success(request, "Настройки уведомлений сохранены.")
            return redirect("web:messages-notifications")
        return render(request, "web/messaging/notifications.html", context, status=400)
    return render(request, "web/messaging/notifications.html", context)


@school_page(roles=PARENTS, public=True)
def push_worker(request: HttpRequest) -> HttpResponse:
    """The service worker of browser notifications (COM-2), served from the school's root so
    that its scope covers the school's pages. Static and personless: public."""
    found = finders.find("web/push-worker.js")
    if not found:
        raise Http404
    with open(str(found), "rb") as script:
        response = HttpResponse(script.read(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@school_page(roles=CLASS_READERS)
def deliveries(request: HttpRequest) -> HttpResponse:
    """The class teacher sees, per parent, whether e-mail notices reach them and how the
    last digest went (DIA-4); the heads choose any class."""
    classes = led_classes(for_user=request.user)
    chosen = choose(classes, int_param(request.GET, "class"))
    rows: list[Any] = []
    if chosen is not None:
        chosen, rows = selectors.class_deliveries(class_group_id=chosen.pk, for_user=request.user)
    context = {"classes": classes, "chosen": chosen, "rows": rows}
    return render(request, "web/messaging/deliveries.html", context)


@school_page(roles=CLASS_READERS, methods=("POST",), deny=404)
def class_chat(request: HttpRequest, class_group_id: int) -> HttpResponse:
    """Open (or return to) a class's chat, if the school turned class chats on."""
    group = choose(led_classes(for_user=request.user), class_group_id)
    assert group is not None
    try:
        thread = services.class_chat_open(class_group=group, by=request.user)
    except SERVICE_ERRORS as exc:
        messages.error(request, error_text(exc))
        return redirect("web:messages")
    return redirect("web:messages-thread", thread_id=thread.pk)
