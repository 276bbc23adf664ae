/* Period, year and exam marks (MRK-3): keyboard entry on a plain form that also works
   without this script. Type a digit of the scale or a letter for a special value
   (Н — «н/а», З — «зач», НЗ — «незач», О — «осв»); Enter or an arrow key moves on;
   Ctrl+S or «Сохранить» posts the form. The server checks everything again. */
(function () {
  "use strict";
  var table = document.querySelector("table[data-marks]");
  if (!table) return;
  var allowed = (table.dataset.allowed || "2,3,4,5,н/а,зач,незач,осв").split(",");
  var ALIAS = {
    "н": "н/а", "n": "н/а", "на": "н/а", "н/": "н/а", "н/а": "н/а",
    "з": "зач", "z": "зач", "за": "зач", "зач": "зач",
    "нз": "незач", "не": "незач", "нез": "незач", "незач": "незач",
    "о": "осв", "o": "осв", "ос": "осв", "осв": "осв"
  };
  var status = document.querySelector("[data-status]");
  var button = document.querySelector("[data-save-btn]");
  var inputs = Array.prototype.slice.call(table.querySelectorAll("input.pm-in:not([disabled])"));
  if (!inputs.length) return;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var at = {};
  inputs.forEach(function (input) {
    input._r = rows.indexOf(input.closest("tr"));
    input._c = input.closest("td").cellIndex;
    at[input._r + ":" + input._c] = input;
  });
  var submitting = false;

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
    if (button) button.textContent = (button.dataset.label || (button.dataset.label = button.textContent)) + (n ? " (" + n + ")" : "");
  }

  function mark(input) {
    input.closest("td").classList.toggle("dirty", input.value !== input.defaultValue);
    refresh();
  }

  // While typing: a digit of the scale replaces what was there (another digit is refused);
  // letters build a special value, refused as soon as they lead to none.
  function typed(input) {
    var raw = input.value.trim().toLowerCase();
    var last = raw.slice(-1);
    var prefix = function (key) { return key.indexOf(raw) === 0; };
    if (/\d/.test(last)) {
      input.value = allowed.indexOf(last) >= 0 ? last : "";
      if (input.value) say("");
      else say("Допустимо: " + allowed.join(", ") + ".", true);
    } else if (raw && !Object.keys(ALIAS).some(prefix)) {
      say("Допустимо: " + allowed.join(", ") + ".", true);
    } else say("");
    mark(input);
  }

  // On leaving the input: the letters become the value they stand for, or are refused.
  function settle(input) {
    var raw = input.value.trim().toLowerCase();
    if (!raw) { input.value = ""; mark(input); return true; }
    var value = allowed.indexOf(raw) >= 0 ? raw : ALIAS[raw];
    if (!value || allowed.indexOf(value) < 0) {
      input.closest("td").classList.add("err");
      say("«" + input.value + "»: допустимо " + allowed.join(", ") + ".", true);
      return false;
    }
    input.value = value;
    input.closest("td").classList.remove("err");
    mark(input);
    return true;
  }

  function move(input, dr, dc) {
    var r = input._r + dr, c = input._c + dc;
    while (r >= 0 && r < rows.length && c >= 0 && c < 64) {
      var next = at[r + ":" + c];
      if (next) { next.focus(); next.select(); return true; }
      if (dc === 0) r += dr; else c += dc;
    }
    return false;
  }

  table.addEventListener("input", function (e) {
    if (e.target.classList && e.target.classList.contains("pm-in")) typed(e.target);
  });
  table.addEventListener("focusin", function (e) {
    if (e.target.classList && e.target.classList.contains("pm-in")) e.target.select();
  });
  table.addEventListener("focusout", function (e) {
    if (e.target.classList && e.target.classList.contains("pm-in")) settle(e.target);
  });
  table.addEventListener("keydown", function (e) {
    var input = e.target;
    if (!input.classList || !input.classList.contains("pm-in")) return;
    var step = { Enter: [1, 0], ArrowDown: [1, 0], ArrowUp: [-1, 0], ArrowRight: [0, 1], ArrowLeft: [0, -1] }[e.key];
    if (step) {
      e.preventDefault();  // Enter moves on instead of posting the form
      if (settle(input)) move(input, step[0], step[1]);
    } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
      e.preventDefault();
      if (settle(input) && input.form) { submitting = true; input.form.requestSubmit(); }
    }
  });
  var forms = [];
  inputs.forEach(function (input) {
    if (input.form && forms.indexOf(input.form) < 0) forms.push(input.form);
  });
  forms.forEach(function (form) {
    form.addEventListener("submit", function (e) {
      var bad = inputs.filter(function (i) { return i.form === form && !settle(i); });
      if (bad.length) { e.preventDefault(); bad[0].focus(); return; }
      submitting = true;
      say("Сохраняем…");
    });
  });
  window.addEventListener("beforeunload", function (e) {
    if (!submitting && dirty().length) { e.preventDefault(); e.returnValue = ""; }
  });
  refresh();
})();
