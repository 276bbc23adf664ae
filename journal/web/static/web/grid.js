/* Journal grid: keyboard entry of marks and attendance, saved without reloading the page.
   Type a mark (e.g. 5) or Н / О (Б, У are set by the class teacher); Enter or an arrow key
   moves on; "Сохранить" sends each changed lesson column to the server in one request. */
(function () {
  "use strict";
  var table = document.querySelector("[data-grid]");
  if (!table) return;
  var scale = (table.dataset.scale || "2,3,4,5").split(",");
  var ATT = { "н": "Н", "h": "Н", "б": "Б", "у": "У", "о": "О", "o": "О" };
  var button = document.querySelector("[data-save-btn]");
  var status = document.querySelector("[data-status]");
  var inputs = Array.prototype.slice.call(table.querySelectorAll("input.g-in"));
  var csrf = "";
  try { csrf = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { /* none */ }

  // Position every input: row index and column index, for arrow-key moves.
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var at = {};
  inputs.forEach(function (input) {
    var td = input.parentNode, tr = td.parentNode;
    input._r = rows.indexOf(tr);
    input._c = td.cellIndex;
    at[input._r + ":" + input._c] = input;
  });

  function say(text, bad) {
    if (!status) return;
    status.textContent = text;
    status.className = bad ? "error-text" : "muted";
  }

  function dirty() {
    return inputs.filter(function (i) { return i.value !== i.defaultValue; });
  }

  function refresh() {
    var n = dirty().length;
    if (button) {
      button.disabled = n === 0;
      button.textContent = n ? "Сохранить (" + n + ")" : "Сохранить";
    }
  }

  function normalise(input) {
    var raw = input.value.trim();
    var ch = raw.slice(-1).toLowerCase();
    var value = "";
    if (!ch) value = "";
    else if (scale.indexOf(ch) >= 0 && input.dataset.m === "1") value = ch;
    else if (ATT[ch]) value = ATT[ch];
    else {
      value = input.defaultValue;
      say("Допустимо: " + (input.dataset.m === "1" ? scale.join(", ") + ", " : "") + "Н, О.", true);
    }
    input.value = value;
    input.parentNode.classList.toggle("dirty", input.value !== input.defaultValue);
    input.parentNode.classList.remove("err");
    refresh();
  }

  function move(input, dr, dc) {
    var r = input._r + dr, c = input._c + dc;
    while (r >= 0 && r < rows.length && c >= 0 && c < 400) {
      var next = at[r + ":" + c];
      if (next) { next.focus(); next.select(); return true; }
      if (dc === 0) r += dr; else c += dc;
    }
    return false;
  }

  table.addEventListener("input", function (e) {
    if (e.target.classList && e.target.classList.contains("g-in")) normalise(e.target);
  });
  table.addEventListener("focusin", function (e) {
    if (e.target.classList && e.target.classList.contains("g-in")) e.target.select();
  });
  table.addEventListener("keydown", function (e) {
    var input = e.target;
    if (!input.classList || !input.classList.contains("g-in")) return;
    if (e.key === "Enter" || e.key === "ArrowDown") { e.preventDefault(); move(input, 1, 0); }
    else if (e.key === "ArrowUp") { e.preventDefault(); move(input, -1, 0); }
    else if (e.key === "ArrowRight") { e.preventDefault(); move(input, 0, 1); }
    else if (e.key === "ArrowLeft") { e.preventDefault(); move(input, 0, -1); }
    else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") { e.preventDefault(); save(); }
  });

  function payloads() {
    var byLesson = {};
    dirty().forEach(function (input) {
      var lesson = input.dataset.l;
      var pupil = parseInt(input.closest("tr").dataset.p, 10);
      var p = byLesson[lesson] || (byLesson[lesson] = { lesson: lesson, marks: [], attendance: [], inputs: [] });
      var v = input.value, was = input.defaultValue;
      p.inputs.push(input);
      if (scale.indexOf(v) >= 0) {
        p.marks.push({ pupil_id: pupil, value: parseInt(v, 10) });
        if (was) p.attendance.push({ pupil_id: pupil, code: null });  // marked: present
      } else if (v) {
        p.attendance.push({ pupil_id: pupil, code: v });
      } else {
        p.attendance.push({ pupil_id: pupil, code: null });
      }
    });
    return Object.keys(byLesson).map(function (k) { return byLesson[k]; });
  }

  var attempts = {};  // lesson -> { payload, key } of its save not yet acknowledged
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }

  function send(p) {
    var kind = document.querySelector("select.g-kind[data-l='" + p.lesson + "']");
    var body = { marks: p.marks, attendance: p.attendance, work_kind: kind ? kind.value : "oral" };
    if (table.dataset.period) body.period_id = parseInt(table.dataset.period, 10);
    var url = table.dataset.save.replace("/0/", "/" + p.lesson + "/");
    // Idempotency-Key (issue #11): one key per save, kept while the same save is retried,
    // so a save whose answer was lost is not written twice when it is sent again.
    var payload = JSON.stringify(body), attempt = attempts[p.lesson];
    if (!attempt || attempt.payload !== payload) attempt = attempts[p.lesson] = { payload: payload, key: newKey() };
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json", "Idempotency-Key": attempt.key },
      body: payload
    }).then(function (response) {
      return response.json().catch(function () { return { detail: "Ошибка сервера." }; })
        .then(function (data) { return { ok: response.ok, data: data, p: p }; });
    });
  }

  function applied(result) {
    var p = result.p;
    delete attempts[p.lesson];  // acknowledged: the next save is a new one
    p.inputs.forEach(function (input) {
      var v = input.value;
      if (scale.indexOf(v) >= 0) {
        var span = document.createElement("span");
        span.className = "m";
        span.textContent = v;
        input.parentNode.insertBefore(span, input);
        input.value = "";
      }
      input.defaultValue = input.value;
      input.parentNode.classList.remove("dirty", "err");
    });
    var averages = result.data.averages || {};
    Object.keys(averages).forEach(function (pid) {
      var tr = table.querySelector("tr[data-p='" + pid + "']");
      if (!tr) return;
      var avg = tr.querySelector("[data-avg]"), fc = tr.querySelector("[data-fc]");
      if (avg) avg.textContent = averages[pid].average;
      if (fc) fc.textContent = averages[pid].forecast;
    });
  }

  function save() {
    var list = payloads();
    if (!list.length) return;
    if (button) button.disabled = true;
    say("Сохраняем…");
    var failures = [];
    var chain = Promise.resolve();
    list.forEach(function (p) {
      chain = chain.then(function () { return send(p); }).then(function (result) {
        if (result.ok) applied(result);
        else {
          failures.push(result.data.detail || "Не сохранено.");
          result.p.inputs.forEach(function (i) { i.parentNode.classList.add("err"); });
        }
      }, function () { failures.push("Нет связи с сервером: данные не сохранены."); });
    });
    chain.then(function () {
      refresh();
      if (failures.length) say(failures.join(" "), true);
      else say("Сохранено.");
    });
  }

  if (button) button.addEventListener("click", save);
  window.addEventListener("beforeunload", function (e) {
    if (dirty().length) { e.preventDefault(); e.returnValue = ""; }
  });
  refresh();
})();
