"""Messages, announcements and notification settings over the API (COM-1, COM-2), for a
future mobile app; every view is in the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.openapi import ApiError
from journal.access import CreatedOutput, JournalApiView, query_filters
from journal.messaging import selectors, services
from journal.messaging.files import FILES_PER_MESSAGE
from journal.messaging.models import Announcement, Message


class ThreadRowOutput(serializers.Serializer):
    id = serializers.IntegerField(source="thread.pk")
    kind = serializers.CharField(source="thread.kind")
    title = serializers.CharField()
    others = serializers.ListField(child=serializers.CharField())
    unread = serializers.IntegerField()
    last_body = serializers.CharField()
    last_message_at = serializers.DateTimeField(source="thread.last_message_at")


class AttachmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text="Скачать (только участникам)")

    def get_url(self, obj: Any) -> str:
        from django.urls import reverse

        return reverse("web:messages-file", args=[obj.message_id, obj.pk])


class MessageOutput(serializers.Serializer):
    id = serializers.IntegerField()
    author_id = serializers.IntegerField()
    author = serializers.CharField(source="author.full_name")
    body = serializers.SerializerMethodField(help_text="Пусто, если сообщение скрыто")
    sent_at = serializers.DateTimeField()
    hidden = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()

    def get_body(self, obj: Message) -> str:
        return "" if obj.hidden_at else obj.body

    @extend_schema_field(AttachmentOutput(many=True))
    def get_files(self, obj: Message) -> Any:
        return [] if obj.hidden_at else AttachmentOutput(obj.attachments.all(), many=True).data

    def get_hidden(self, obj: Message) -> bool:
        return obj.hidden_at is not None


class ThreadListApi(JournalApiView):
    class Filters(serializers.Serializer):
        q = serializers.CharField(required=False, max_length=100, help_text="Поиск по тексту")

    @extend_schema(
        parameters=[Filters],
        responses=ThreadRowOutput(many=True),
        summary="Мои переписки с числом непрочитанных (COM-1)",
    )
    def get(self, request: Request) -> Response:
        search = query_filters(request, self.Filters).get("q", "")
        rows = selectors.inbox(for_user=request.user, search=search)
        return Response(ThreadRowOutput(rows, many=True).data)


def _files_field() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=FILES_PER_MESSAGE,
        help_text="Файлы (multipart/form-data): PDF, изображения, офисные документы, текст",
    )


# JSON for text only; multipart/form-data when files go with the message.
MESSAGE_PARSERS = [JSONParser, MultiPartParser, FormParser]


class ThreadStartApi(JournalApiView):
    parser_classes = MESSAGE_PARSERS

    class Input(serializers.Serializer):
        recipient_ids = serializers.ListField(child=serializers.IntegerField(), max_length=20)
        subject = serializers.CharField(required=False, allow_blank=True, max_length=200)
        body = serializers.CharField(max_length=5000)
        files = _files_field()

    @extend_schema(
        request=Input,
        responses={201: CreatedOutput},
        summary="Написать: начать переписку с тем, кому разрешено правилами школы (COM-1)",
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        ids = selectors.recipients_or_404(user_ids=v.pop("recipient_ids"))
        thread, _ = services.thread_start(recipient_ids=ids, by=request.user, **v)
        return Response({"id": thread.pk}, status=status.HTTP_201_CREATED)


class ThreadDetailApi(JournalApiView):
    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        kind = serializers.CharField()
        subject = serializers.CharField()
        messages = MessageOutput(many=True)

    @extend_schema(responses=Output, summary="Переписка и её сообщения (только участникам)")
    def get(self, request: Request, thread_id: int) -> Response:
        thread = selectors.thread_get(thread_id=thread_id, for_user=request.user)
        rows = selectors.thread_messages(thread=thread, for_user=request.user)
        body: dict[str, Any] = {
            "id": thread.pk,
            "kind": thread.kind,
            "subject": thread.subject,
            "messages": rows,
        }
        return Response(self.Output(body).data)


class ThreadReplyApi(JournalApiView):
    parser_classes = MESSAGE_PARSERS

    class Input(serializers.Serializer):
        body = serializers.CharField(max_length=5000)
        files = _files_field()

    @extend_schema(request=Input, responses={201: CreatedOutput}, summary="Ответить в переписке")
    def post(self, request: Request, thread_id: int) -> Response:
        thread = selectors.thread_get(thread_id=thread_id, for_user=request.user)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.message_send(
            thread=thread,
            body=data.validated_data["body"],
            files=data.validated_data.get("files", []),
            by=request.user,
        )
        return Response({"id": message.pk}, status=status.HTTP_201_CREATED)


class ThreadReadApi(JournalApiView):
    class Output(serializers.Serializer):
        last_read_id = serializers.IntegerField()

    @extend_schema(request=None, responses=Output, summary="Отметить переписку прочитанной")
    def post(self, request: Request, thread_id: int) -> Response:
        thread = selectors.thread_get(thread_id=thread_id, for_user=request.user)
        me = services.thread_mark_read(thread=thread, by=request.user)
        return Response({"last_read_id": me.last_read_id})


class UnreadApi(JournalApiView):
    class Output(serializers.Serializer):
        unread = serializers.IntegerField()

    @extend_schema(responses=Output, summary="Непрочитанных сообщений всего")
    def get(self, request: Request) -> Response:
        return Response({"unread": selectors.unread_total(for_user=request.user)})


class ContactListApi(JournalApiView):
    class Output(serializers.Serializer):
        user_id = serializers.IntegerField()
        name = serializers.CharField()
        group = serializers.CharField()

    @extend_schema(responses=Output(many=True), summary="Кому я могу написать (правила школы)")
    def get(self, request: Request) -> Response:
        return Response(self.Output(selectors.contact_list(for_user=request.user), many=True).data)


class MessageReportApi(JournalApiView):
    class Input(serializers.Serializer):
        reason = serializers.CharField(max_length=500)

    @extend_schema(
        request=Input, responses={201: CreatedOutput}, summary="Пожаловаться на сообщение"
    )
    def post(self, request: Request, message_id: int) -> Response:
        message = selectors.message_for_participant(message_id=message_id, for_user=request.user)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.message_report(
            message=message, reason=data.validated_data["reason"], by=request.user
        )
        return Response({"id": report.pk}, status=status.HTTP_201_CREATED)


class ReportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    message_id = serializers.IntegerField()
    thread_id = serializers.IntegerField(source="message.thread_id")
    author = serializers.CharField(source="message.author.full_name")
    body = serializers.CharField(source="message.body")
    reported_by = serializers.CharField(source="reported_by.full_name")
    reason = serializers.CharField()
    reported_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolution = serializers.CharField()


class ReportListApi(JournalApiView):
    class Filters(serializers.Serializer):
        open = serializers.BooleanField(required=False, help_text="Только нерассмотренные")

    @extend_schema(
        parameters=[Filters],
        responses=ReportOutput(many=True),
        summary="Жалобы на сообщения (директор, заместители)",
    )
    def get(self, request: Request) -> Response:
        open_only = bool(query_filters(request, self.Filters).get("open"))
        rows = selectors.report_list(for_user=request.user, open_only=open_only)[:200]
        return Response(ReportOutput(rows, many=True).data)


class ReportResolveApi(JournalApiView):
    class Input(serializers.Serializer):
        resolution = serializers.CharField(max_length=500)
        hide = serializers.BooleanField(default=False)

    @extend_schema(request=Input, responses=ReportOutput, summary="Рассмотреть жалобу")
    def post(self, request: Request, report_id: int) -> Response:
        report = selectors.report_get(report_id=report_id, for_user=request.user)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        done = services.message_report_resolve(
            report=report, by=request.user, **data.validated_data
        )
        return Response(ReportOutput(done).data)


class AnnouncementOutput(serializers.ModelSerializer):
    class Meta:
        model = Announcement
        fields = [
            "id",
            "title",
            "body",
            "class_group_id",
            "for_parents",
            "for_pupils",
            "for_staff",
            "publish_at",
            "ends_at",
        ]


class AnnouncementListApi(JournalApiView):
    @extend_schema(
        responses=AnnouncementOutput(many=True),
        summary="Объявления для меня: школы и класса (COM-1, DIA-1)",
    )
    def get(self, request: Request) -> Response:
        rows = selectors.announcements_for(for_user=request.user)
        return Response(AnnouncementOutput(rows, many=True).data)


class AnnouncementCreateApi(JournalApiView):
    class Input(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        body = serializers.CharField()
        class_group_id = serializers.IntegerField(required=False, allow_null=True)
        for_parents = serializers.BooleanField(default=True)
        for_pupils = serializers.BooleanField(default=True)
        for_staff = serializers.BooleanField(default=False)
        publish_at = serializers.DateTimeField(required=False, allow_null=True)
        ends_at = serializers.DateTimeField(required=False, allow_null=True)

    @extend_schema(
        request=Input,
        responses={201: CreatedOutput},
        summary="Опубликовать объявление (администрация; классный руководитель — своему классу)",
    )
    def post(self, request: Request) -> Response:
        from journal.structure.selectors import class_group_get

        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        class_id = v.pop("class_group_id", None)
        group = (
            class_group_get(class_group_id=class_id, for_user=request.user) if class_id else None
        )
        announcement = services.announcement_create(
            class_group=group,
            publish_at=v.pop("publish_at", None),
            ends_at=v.pop("ends_at", None),
            by=request.user,
            **v,
        )
        return Response({"id": announcement.pk}, status=status.HTTP_201_CREATED)


class PreferencesOutput(serializers.Serializer):
    email_consent = serializers.BooleanField()
    email_consent_at = serializers.DateTimeField(allow_null=True)
    email_enabled = serializers.BooleanField()
    app_enabled = serializers.BooleanField()
    quiet_from = serializers.TimeField(allow_null=True)
    quiet_to = serializers.TimeField(allow_null=True)
    push_public_key = serializers.CharField(
        help_text="Ключ VAPID для подписки браузера (пусто: push не настроен)"
    )


def _preferences(pref: Any) -> dict[str, Any]:
    return {
        "email_consent": pref.email_consent_at is not None,
        "email_consent_at": pref.email_consent_at,
        "email_enabled": pref.email_enabled,
        "app_enabled": pref.app_enabled,
        "quiet_from": pref.quiet_from,
        "quiet_to": pref.quiet_to,
        "push_public_key": selectors.push_public_key(),
    }


class NotificationPreferencesApi(JournalApiView):
    @extend_schema(
        responses={
            200: PreferencesOutput,
            404: OpenApiResponse(ApiError, description="Не родитель: настроек нет"),
        },
        summary="Мои настройки уведомлений (родитель)",
    )
    def get(self, request: Request) -> Response:
        pref = selectors.notification_preferences(for_user=request.user)
        return Response(PreferencesOutput(_preferences(pref)).data)


class NotificationPreferencesSetApi(JournalApiView):
    class Input(serializers.Serializer):
        email_consent = serializers.BooleanField()
        email_enabled = serializers.BooleanField(default=True)
        app_enabled = serializers.BooleanField(default=True)
        quiet_from = serializers.TimeField(required=False, allow_null=True, default=None)
        quiet_to = serializers.TimeField(required=False, allow_null=True, default=None)

    @extend_schema(
        request=Input,
        responses=PreferencesOutput,
        summary="Согласие на уведомления по e-mail и отказ от каналов (COM-2)",
    )
    def post(self, request: Request) -> Response:
        selectors.notification_preferences(for_user=request.user)  # a parent's only (404)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        pref = services.notification_preferences_set(by=request.user, **data.validated_data)
        return Response(PreferencesOutput(_preferences(pref)).data)


class PushSubscribeApi(JournalApiView):
    class Input(serializers.Serializer):
        endpoint = serializers.URLField(max_length=1000)
        p256dh = serializers.CharField(max_length=200, help_text="keys.p256dh подписки")
        auth = serializers.CharField(max_length=100, help_text="keys.auth подписки")

    @extend_schema(
        request=Input,
        responses={201: CreatedOutput},
        summary="Подписать браузер на push-уведомления (родитель; Web Push, VAPID)",
    )
    def post(self, request: Request) -> Response:
        selectors.notification_preferences(for_user=request.user)  # a parent's only (404)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.push_subscription_save(by=request.user, **data.validated_data)
        return Response({"id": row.pk}, status=status.HTTP_201_CREATED)


class PushUnsubscribeApi(JournalApiView):
    class Input(serializers.Serializer):
        endpoint = serializers.URLField(max_length=1000)

    class Output(serializers.Serializer):
        removed = serializers.BooleanField()

    @extend_schema(
        request=Input,
        responses=Output,
        summary="Отписать браузер от push-уведомлений (родитель; свой браузер)",
    )
    def post(self, request: Request) -> Response:
        selectors.notification_preferences(for_user=request.user)  # a parent's only (404)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        services.push_subscription_remove(by=request.user, **data.validated_data)
        return Response(self.Output({"removed": True}).data)
