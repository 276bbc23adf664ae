"""COM-2 Web Push with VAPID (free, no third-party account): a parent's browser subscription
is stored; the day's digest is encrypted for it (RFC 8291) and POSTed, signed with the
platform's VAPID key (RFC 8292), to a push-service peer started by the test, which checks
the signature and decrypts the payload; a rerun sends nothing twice; a push service off
the outbound allow-list is refused (FREE-1)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from journal.messaging import services
from journal.messaging.models import Delivery, Digest, PushEndpoint
from journal.messaging.tasks import digest_deliver, digests_send
from journal.register import services as reg
from outbox.models import OutboxMessage
from tests.messaging.push_peer import PushPeer, school_push, verify_vapid
from tests.world import World

SCHOOL1 = {"_schema_name": "school1"}


@pytest.fixture
def peer(settings: Any) -> Iterator[PushPeer]:
    with school_push(settings, subject="mailto:admin@school1.example") as running:
        yield running


@pytest.mark.usefixtures("school_day")  # the failing forecast needs a running period
def test_a_subscribed_browser_gets_the_digest_encrypted_and_signed_com2(
    world: World, peer: PushPeer
) -> None:
    with schema_context("school1"):
        parent = world.users["parent"]
        services.push_subscription_save(
            endpoint=peer.endpoint, p256dh=peer.browser.p256dh, auth=peer.browser.auth, by=parent
        )
        assert PushEndpoint.objects.get().user == parent
        reg.marks_save(
            lesson=world.lesson_today,
            marks=[reg.MarkInput(world.pupils[0].pk, 2, "test")],
            by=world.users["teacher"],
        )
        today = timezone.localdate().isoformat()
        assert digests_send.apply(kwargs={"day": today}, headers=SCHOOL1).get() == 1
        asked = OutboxMessage.objects.get(task="messaging.digest_deliver")
        assert asked.kwargs["channel"] == "push"
        for _ in range(2):  # a redelivered task sends nothing twice
            digest_deliver.apply(kwargs=asked.kwargs, headers=SCHOOL1).get()
        # The «2» and, recorded by the evening task, the failing forecast it makes.
        assert Delivery.objects.filter(channel="push", recipient=parent).count() == 2
    assert peer.refused == []
    assert len(peer.received) == 1
    message = peer.received[0]
    assert message["title"].startswith("Электронный дневник")
    assert "Отметка «2» по предмету «Математика»" in message["body"]


def test_the_peer_refuses_a_forged_signature(peer: PushPeer) -> None:
    import time

    from journal.messaging.webpush import vapid, vapid_claims

    claims = {**vapid_claims(), "aud": peer.origin, "exp": int(time.time()) + 3600}
    header = vapid().sign(claims)["Authorization"]
    assert verify_vapid(header, peer.origin) is None
    assert verify_vapid(header, "http://127.0.0.1:1") == "audience"
    token = header.split("t=", 1)[1].split(",", 1)[0]
    forged = header.replace(token, token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB"))
    assert verify_vapid(forged, peer.origin) == "signature"


@pytest.mark.usefixtures("school_day")
def test_a_browser_the_push_service_forgot_is_removed_and_the_others_still_get_it(
    world: World, peer: PushPeer
) -> None:
    """RFC 8030 §7.3: 410 Gone means the browser unsubscribed. Its endpoint is deleted, the
    digest still reaches the parent's other browser and counts as sent; nothing retries."""
    with schema_context("school1"):
        parent = world.users["parent"]
        keys = {"p256dh": peer.browser.p256dh, "auth": peer.browser.auth}
        old = services.push_subscription_save(
            endpoint=peer.endpoint_for("old-phone"), by=parent, **keys
        )
        services.push_subscription_save(endpoint=peer.endpoint, by=parent, **keys)
        peer.gone.add("/push/old-phone")
        reg.marks_save(
            lesson=world.lesson_today,
            marks=[reg.MarkInput(world.pupils[0].pk, 2, "test")],
            by=world.users["teacher"],
        )
        today = timezone.localdate().isoformat()
        digests_send.apply(kwargs={"day": today}, headers=SCHOOL1).get()
        asked = OutboxMessage.objects.get(task="messaging.digest_deliver")
        digest_deliver.apply(kwargs=asked.kwargs, headers=SCHOOL1).get()
        remaining = list(PushEndpoint.objects.values_list("endpoint", flat=True))
        assert remaining == [peer.endpoint]
        assert not PushEndpoint.objects.filter(pk=old.pk).exists()
        assert Digest.objects.get(channel="push", recipient=parent).state == Digest.State.SENT
    assert len(peer.received) == 1
    assert peer.refused == []


def test_subscriptions_only_to_allowed_push_services_and_by_parents(
    world: World, peer: PushPeer, settings: Any
) -> None:
    from core.errors import PermissionDeniedError

    settings.OUTBOUND_HOST_ALLOWLIST = [".push.services.mozilla.com"]
    with schema_context("school1"):
        parent = world.users["parent"]
        keys = {"p256dh": peer.browser.p256dh, "auth": peer.browser.auth}
        with pytest.raises(ValidationError) as refused:
            services.push_subscription_save(
                endpoint="https://push.paid-service.example/abc", by=parent, **keys
            )
        assert "endpoint" in refused.value.message_dict
        ok = services.push_subscription_save(
            endpoint="https://updates.push.services.mozilla.com/wpush/v2/abc", by=parent, **keys
        )
        assert ok.pk
        with pytest.raises(ValidationError):
            services.push_subscription_save(
                endpoint=peer.endpoint, p256dh="short", auth="x", by=parent
            )
        with pytest.raises(PermissionDeniedError):
            services.push_subscription_save(
                endpoint=peer.endpoint, by=world.users["teacher"], **keys
            )


def test_a_parent_unsubscribes_only_their_own_browser_through_the_api(
    world: World, peer: PushPeer
) -> None:
    """COM-2: «Отключить» forgets the browser; another parent's endpoint, an unknown one and
    a teacher's request are 404 and remove nothing; bad input is 400 with the field."""
    with schema_context("school1"):
        keys = {"p256dh": peer.browser.p256dh, "auth": peer.browser.auth}
        mine = services.push_subscription_save(
            endpoint=peer.endpoint_for("mine"), by=world.users["parent"], **keys
        )
        theirs = services.push_subscription_save(
            endpoint=peer.endpoint_for("theirs"), by=world.users["other_parent"], **keys
        )
    url = "/api/v1/notifications/push/unsubscribe/"
    parent = world.client("parent")
    assert parent.post(url, {"endpoint": theirs.endpoint}).status_code == 404
    assert parent.post(url, {"endpoint": peer.endpoint_for("none")}).status_code == 404
    bad = parent.post(url, {"endpoint": "not a url"})
    assert bad.status_code == 400 and "endpoint" in bad.json()["errors"]
    assert world.client("teacher").post(url, {"endpoint": mine.endpoint}).status_code == 404
    with schema_context("school1"):
        assert PushEndpoint.objects.count() == 2
    removed = parent.post(url, {"endpoint": mine.endpoint})
    assert (removed.status_code, removed.json()) == (200, {"removed": True})
    with schema_context("school1"):
        assert list(PushEndpoint.objects.values_list("endpoint", flat=True)) == [theirs.endpoint]


def test_the_service_worker_is_served_from_the_schools_root(world: World) -> None:
    from django.test import Client

    response = Client(HTTP_HOST="school1.localhost").get("/push-worker.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert b'addEventListener("push"' in response.content
