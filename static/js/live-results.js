// Lists whose filters update the results in place (htmx, asfportal/core/lists.py). After the results block is
// swapped: a screen reader hears the new count (the polite live region beside the filters), and a page or sort
// link that was followed moves focus to the results' heading, as a new page would.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSwap", function (event) {
    var results = document.getElementById("results");
    if (!results || !event.detail.target || event.detail.target.id !== "results") { return; }
    var heading = results.querySelector("[data-results-heading]");
    var status = document.getElementById("results-status");
    if (status && heading) { status.textContent = heading.textContent.trim(); }
    var trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (heading && trigger && trigger.tagName === "A") { heading.focus(); }
  });
})();

// A typed search updates the results as it is typed (the "input" trigger); its "change" when it loses focus, and
// that of a combobox's typing field (no name, nothing to send), would fetch page 1 again while a page link is
// being followed. Only the fields whose change is a choice (selects, dates, checkboxes) reach the form's trigger.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (!field.closest || !field.closest("form.live-filters")) { return; }
  if (field.type === "search" || !field.name) { event.stopPropagation(); }
}, true);
