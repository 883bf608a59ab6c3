// A "Copy" button for a read-only field, as progressive enhancement: without JavaScript (or without the
// Clipboard API) the button stays hidden and the field's text can be selected and copied by hand.
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.querySelector(button.dataset.copy);
    if (!field) { return; }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = button.dataset.copiedLabel || label;
        var status = button.dataset.status && document.querySelector(button.dataset.status);
        if (status) { status.textContent = button.dataset.copiedLabel || label; }
        window.setTimeout(function () { button.textContent = label; }, 3000);
      }, function () {
        field.select();
      });
    });
  });
}());
