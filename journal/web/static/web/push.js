/* Browser notifications (Web Push, COM-2): a parent turns them on for this browser.
   The browser asks for permission, registers the school's service worker, subscribes with
   the school's VAPID key (no third-party account) and hands the endpoint and keys to the
   school; «Отключить» unsubscribes and tells the school to forget the endpoint. */
(function () {
  "use strict";
  var box = document.querySelector("[data-push]");
  if (!box) return;
  var status = box.querySelector("[data-push-status]");
  var on = box.querySelector("[data-push-on]");
  var off = box.querySelector("[data-push-off]");
  var csrf = "";
  try { csrf = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { /* none */ }

  function say(text, bad) {
    status.textContent = text;
    status.className = bad ? "error-text" : "muted";
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response;
    });
  }

  function show(subscribed) {
    on.hidden = subscribed;
    off.hidden = !subscribed;
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !box.dataset.key) {
    say(box.dataset.key ? "Этот браузер не поддерживает push-уведомления." :
      "Push-уведомления в школе не настроены.", true);
    on.hidden = off.hidden = true;
    return;
  }

  var ready = navigator.serviceWorker.register(box.dataset.worker, { scope: "/" })
    .then(function () { return navigator.serviceWorker.ready; });

  ready.then(function (registration) { return registration.pushManager.getSubscription(); })
    .then(function (existing) {
      show(Boolean(existing));
      say(existing ? "Уведомления в этом браузере включены." : "Уведомления в этом браузере выключены.");
    })
    .catch(function () { say("Не удалось проверить уведомления в этом браузере.", true); });

  on.addEventListener("click", function () {
    on.disabled = true;
    say("Подключаем…");
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error("denied");
      return ready;
    }).then(function (registration) {
      return registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(box.dataset.key)
      });
    }).then(function (pushed) {
      var json = pushed.toJSON();
      return post(box.dataset.subscribe, {
        endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth
      });
    }).then(function () {
      show(true);
      say("Уведомления в этом браузере включены.");
    }).catch(function (error) {
      say(error && error.message === "denied" ?
        "Браузер запретил уведомления: разрешите их в настройках сайта." :
        "Не удалось включить уведомления. Попробуйте позже.", true);
    }).then(function () { on.disabled = false; });
  });

  off.addEventListener("click", function () {
    off.disabled = true;
    ready.then(function (registration) { return registration.pushManager.getSubscription(); })
      .then(function (existing) {
        if (!existing) return null;
        var endpoint = existing.endpoint;
        return existing.unsubscribe().then(function () {
          return post(box.dataset.unsubscribe, { endpoint: endpoint });
        });
      }).then(function () {
        show(false);
        say("Уведомления в этом браузере выключены.");
      }).catch(function () { say("Не удалось выключить уведомления. Попробуйте позже.", true); })
      .then(function () { off.disabled = false; });
  });
})();
