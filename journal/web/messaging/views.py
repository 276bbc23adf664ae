"""Messages (COM-1): the inbox with unread counts and search, writing to someone the school's
rules allow, a conversation with its answers and read receipts, reporting a message.

Parents and pupils use these pages too: their sessions reach exactly these names
(settings.LEARNER_READ_URL_NAMES / LEARNER_WRITE_URL_NAMES, the session guard of ROLE-2).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.forms import SERVICE_ERRORS, error_text
from journal.messaging import selectors, services
from journal.messaging.models import Thread
from journal.web.messaging.forms import ComposeForm, ReplyForm, ReportForm
from journal.web.pages import EVERY_SCHOOL_ROLE, int_param, school_page, submit
from journal.web.selectors import led_classes


@school_page(roles=EVERY_SCHOOL_ROLE)
def inbox(request: HttpRequest) -> HttpResponse:
    """The user's conversations, newest first, unread ones marked; search by text."""
    search = str(request.GET.get("q", ""))[:100]
    return render(
        request,
        "web/messaging/inbox.html",
        {
            "rows": selectors.inbox(for_user=request.user, search=search),
            "q": search,
            "announcements": selectors.announcements_for(for_user=request.user),
            # A class teacher's classes, when the school turned class chats on.
            "chat_classes": led_classes(for_user=request.user)
            if selectors.class_chats_enabled()
            else [],
        },
    )


@school_page(roles=EVERY_SCHOOL_ROLE, methods=("GET", "POST"))
def compose(request: HttpRequest) -> HttpResponse:
    """A new message to one person or a small group the school's rules let the user reach."""
    contacts = selectors.contact_list(for_user=request.user)
    initial = int_param(request.GET, "to")
    if request.method != "POST":
        form = ComposeForm(contacts=contacts, initial={"recipients": [initial] if initial else []})
        return render(request, "web/messaging/compose.html", {"form": form, "contacts": contacts})
    form = ComposeForm(request.POST, request.FILES, contacts=contacts)
    started = submit(
        form,
        lambda v: services.thread_start(
            recipient_ids=v["recipients"],
            subject=v["subject"],
            body=v["body"],
            files=files_of(v),
            by=request.user,
        ),
    )
    if started:
        messages.success(request, "Сообщение отправлено.")
        return redirect("web:messages-thread", thread_id=started[0].pk)
    context = {"form": form, "contacts": contacts}
    return render(request, "web/messaging/compose.html", context, status=400)


def files_of(values: dict[str, Any]) -> list[Any]:
    return [values["file"]] if values.get("file") else []


def thread_response(
    request: HttpRequest, thread: Thread, form: ReplyForm, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "web/messaging/thread.html",
        {
            "thread": thread,
            "rows": selectors.thread_messages(thread=thread, for_user=request.user),
            "participants": selectors.thread_participants(thread=thread),
            "form": form,
            "report_form": ReportForm(),
            "me": request.user.pk,
        },
        status=status,
    )


@school_page(roles=EVERY_SCHOOL_ROLE, deny=404)
def thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    """A conversation; opening it is reading it (the read receipt moves to its last message)."""
    found = selectors.thread_get(thread_id=thread_id, for_user=request.user)
    services.thread_mark_read(thread=found, by=request.user)
    return thread_response(request, found, ReplyForm())


@school_page(roles=EVERY_SCHOOL_ROLE, methods=("POST",), deny=404)
def thread_reply(request: HttpRequest, thread_id: int) -> HttpResponse:
    found = selectors.thread_get(thread_id=thread_id, for_user=request.user)
    form = ReplyForm(request.POST, request.FILES)
    sent = submit(
        form,
        lambda v: services.message_send(
            thread=found, body=v["body"], files=files_of(v), by=request.user
        ),
    )
    if sent:
        return redirect("web:messages-thread", thread_id=found.pk)
    return thread_response(request, found, form, status=400)


@school_page(roles=EVERY_SCHOOL_ROLE, methods=("POST",), deny=404)
def message_report(request: HttpRequest, message_id: int) -> HttpResponse:
    """The report button: the administration will see the message and the reason."""
    message = selectors.message_for_participant(message_id=message_id, for_user=request.user)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите причину жалобы.")
    else:
        try:
            services.message_report(
                message=message, reason=form.cleaned_data["reason"], by=request.user
            )
            messages.success(request, "Жалоба отправлена администрации школы.")
        except SERVICE_ERRORS as exc:
            messages.error(request, error_text(exc))
    return redirect("web:messages-thread", thread_id=message.thread_id)


@school_page(roles=EVERY_SCHOOL_ROLE, deny=404)
def message_file(request: HttpRequest, message_id: int, attachment_id: int) -> HttpResponse:
    """A file of a message, for the thread's participants only (404 otherwise), always as
    a download: never rendered by the browser in the school's origin."""
    attachment = selectors.message_attachment_for_reading(
        message_id=message_id, attachment_id=attachment_id, for_user=request.user
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return cast(HttpResponse, response)
