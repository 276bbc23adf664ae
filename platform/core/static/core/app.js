// Small behaviours every page may use, kept out of the markup (the Content-Security-Policy
// forbids inline scripts and event-handler attributes).
// <select data-autosubmit>: choosing an option submits its form.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.submit();
  }
});
