"""Browser (issue #16, COM-2): a parent turns on browser notifications on the notifications
page; the page's script registers the school's service worker, subscribes with the school's
VAPID key and stores the endpoint; the day's digest is encrypted and POSTed to a push-service
peer (tests/messaging/push_peer.py), which checks the VAPID signature and decrypts it; the
same message delivered to the real service worker is shown as a notification; turning
notifications off forgets the endpoint.

The one part replaced is the browser's own registration with its vendor's push service
(Chromium asks Google's servers, which a test cannot reach): `PushManager.subscribe` hands
back an endpoint at the peer and the keys the peer decrypts with, as a real push service's
registration would."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.messaging.push_peer import PushPeer, school_push

SLUG = "brs-push"
HOST = f"{SLUG}.localhost"

# The browser's side of the registration only (see the module's docstring).
REGISTRATION = """
(() => {
  const endpoint = %(endpoint)s, keys = %(keys)s;
  const made = () => ({
    endpoint,
    expirationTime: null,
    toJSON: () => ({ endpoint, expirationTime: null, keys }),
    unsubscribe: () => { localStorage.removeItem("test-push"); return Promise.resolve(true); },
  });
  PushManager.prototype.subscribe = function (options) {
    if (!options || !options.userVisibleOnly || !options.applicationServerKey) {
      return Promise.reject(new DOMException("bad options", "NotAllowedError"));
    }
    const key = new Uint8Array(options.applicationServerKey);
    localStorage.setItem("test-push", JSON.stringify(Array.from(key)));
    return Promise.resolve(made());
  };
  PushManager.prototype.getSubscription = function () {
    return Promise.resolve(localStorage.getItem("test-push") ? made() : null);
  };
})();
"""


@pytest.fixture
def peer(settings: Any) -> Iterator[PushPeer]:
    with school_push(settings, subject="mailto:admin@brs-push.example") as running:
        yield running


def test_a_parent_turns_on_browser_notifications_and_gets_the_digest(
    browser: Any,
    url: Any,
    screenshot: Any,
    journal_school: Any,
    learner_session: Any,
    committed: Any,
    peer: PushPeer,
) -> None:
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from journal.messaging.models import PushEndpoint
    from journal.messaging.selectors import push_public_key
    from journal.messaging.tasks import digest_deliver, digests_send
    from journal.register import services as reg
    from outbox.models import OutboxMessage

    world = journal_school(SLUG)
    schema = SLUG.replace("-", "_")
    origin = url(HOST, "").rstrip("/")
    context = browser.new_context(locale="ru-RU")
    context.grant_permissions(["notifications"], origin=origin)
    keys = {"p256dh": peer.browser.p256dh, "auth": peer.browser.auth}
    context.add_init_script(
        REGISTRATION % {"endpoint": json.dumps(peer.endpoint), "keys": json.dumps(keys)}
    )
    page = context.new_page()
    learner_session(page, HOST, world.users["parent"])
    page.goto(url(HOST, "/messages/notifications/"))
    box = page.get_by_role("region", name="Уведомления в браузере")
    box.get_by_text("Уведомления в этом браузере выключены.").wait_for()
    assert not box.get_by_role("button", name="Отключить уведомления в этом браузере").is_visible()
    box.get_by_role("button", name="Включить уведомления в этом браузере").click()
    box.get_by_text("Уведомления в этом браузере включены.").wait_for()
    screenshot(page, "push-parent-enabled")

    # The page subscribed with the school's own VAPID key and the school stored the browser.
    sent_key = page.evaluate("JSON.parse(localStorage.getItem('test-push'))")
    with schema_context(schema):
        import base64

        expected = base64.urlsafe_b64decode(push_public_key() + "==")
        assert bytes(sent_key) == expected
        stored = committed(lambda: list(PushEndpoint.objects.values_list("endpoint", "user_id")))
        assert stored == [(peer.endpoint, world.users["parent"].pk)]

    # The service worker is the school's, at the root scope.
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == f"{origin}/"

    # A «2» today: the day's digest goes to the push service, signed and encrypted.
    def deliver() -> None:
        with schema_context(schema):
            reg.marks_save(
                lesson=world.lesson_today,
                marks=[reg.MarkInput(world.pupils[0].pk, 2, "test")],
                by=world.users["teacher"],
            )
            headers = {"_schema_name": schema}
            today = timezone.localdate().isoformat()
            digests_send.apply(kwargs={"day": today}, headers=headers).get()
            asked = OutboxMessage.objects.get(task="messaging.digest_deliver")
            digest_deliver.apply(kwargs=asked.kwargs, headers=headers).get()

    committed(deliver)
    assert peer.refused == []
    assert len(peer.received) == 1
    message = peer.received[0]
    assert "Отметка «2» по предмету «Математика»" in message["body"]

    # The same message in the real service worker becomes a notification the parent sees.
    cdp = context.new_cdp_session(page)
    registrations: dict[str, dict[str, Any]] = {}
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.update(
            {r["registrationId"]: r for r in event["registrations"]}
        ),
    )
    cdp.send("ServiceWorker.enable")

    def ours() -> list[str]:
        return [
            rid
            for rid, r in registrations.items()
            if r["scopeURL"] == f"{origin}/" and not r.get("isDeleted")
        ]

    for _ in range(100):
        if ours():
            break
        page.wait_for_timeout(100)
    assert ours(), f"the service worker's registration is not reported: {registrations}"
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": origin, "registrationId": ours()[0], "data": json.dumps(message)},
    )
    shown = None
    for _ in range(300):  # up to 30 s on a loaded machine
        shown = page.evaluate(
            """navigator.serviceWorker.ready
                 .then(r => r.getNotifications())
                 .then(list => list.map(n => [n.title, n.body]))"""
        )
        if shown:
            break
        page.wait_for_timeout(100)
    assert shown == [[message["title"], message["body"]]]

    # Turning notifications off unsubscribes the browser and the school forgets it.
    box.get_by_role("button", name="Отключить уведомления в этом браузере").click()
    box.get_by_text("Уведомления в этом браузере выключены.").wait_for()
    with schema_context(schema):
        assert committed(lambda: PushEndpoint.objects.count()) == 0
    context.close()
