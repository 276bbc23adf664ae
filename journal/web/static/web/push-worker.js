/* The school's service worker (Web Push, COM-2): shows what the school pushed and opens
   the notifications page when the parent taps it. It keeps nothing and caches nothing. */
"use strict";

self.addEventListener("push", function (event) {
  var message = { title: "Электронный дневник", body: "", url: "/messages/notifications/" };
  if (event.data) {
    try { message = Object.assign(message, event.data.json()); } catch (e) { message.body = event.data.text(); }
  }
  event.waitUntil(self.registration.showNotification(message.title, {
    body: message.body,
    lang: "ru",
    tag: "edujournal-digest",
    data: { url: message.url }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  if (target.origin !== self.location.origin) target = new URL("/", self.location.origin);
  event.waitUntil(self.clients.openWindow(target.href));
});
