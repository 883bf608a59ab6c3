// Forms, as progressive enhancement (the server already refuses a repeated POST: core/form_tokens.py):
// - a POST form's submit buttons disable themselves after the first submit and say "Skickar…";
// - after a failed submit, focus moves to the error summary, and each of its links moves focus to its field.
(function () {
  "use strict";
  var sendingLabel = document.body.dataset.sendingLabel || "…";

  function submitButtons(form) {
    var inside = Array.prototype.slice.call(form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]"));
    var outside = form.id ? Array.prototype.slice.call(document.querySelectorAll("[form='" + form.id + "'][type=submit]")) : [];
    return inside.concat(outside);
  }

  function setBusy(button) {
    button.disabled = true;
    button.setAttribute("aria-disabled", "true");
    if (button.tagName === "INPUT") {
      button.dataset.label = button.value;
      button.value = sendingLabel;
    } else {
      button.dataset.label = button.innerHTML;
      button.textContent = sendingLabel;
    }
  }

  function release(form) {
    delete form.dataset.submitting;
    submitButtons(form).forEach(function (button) {
      if (button.dataset.label === undefined) { return; }
      button.disabled = false;
      button.removeAttribute("aria-disabled");
      if (button.tagName === "INPUT") { button.value = button.dataset.label; } else { button.innerHTML = button.dataset.label; }
      delete button.dataset.label;
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post" || form.hasAttribute("data-no-disable")) { return; }
    if (form.dataset.submitting) { event.preventDefault(); return; }
    form.dataset.submitting = "1";
    // After this turn: a button disabled now would leave its name and value out of what is sent.
    window.setTimeout(function () { submitButtons(form).forEach(setBusy); }, 0);
    // A form that answers with a download leaves the page as it is: give the buttons back after a while.
    window.setTimeout(function () { release(form); }, 15000);
  });

  // Back to a page kept in the browser's memory: its forms can be used again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-submitting]"), release);
  });

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) { return; }
      event.preventDefault();
      var target = field.matches("input, select, textarea, button") ? field : field.querySelector("input, select, textarea");
      (target || field).focus();
      (target || field).scrollIntoView({ block: "center" });
    });
  }
})();
