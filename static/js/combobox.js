// Searchable comboboxes for long choices (asfportal/core/widgets.py Combobox): every <select data-combobox> becomes
// a Tom Select (static/vendor/tom-select/) once the page, or a part htmx brings in, is loaded. Without JavaScript
// the plain <select> stays and works. Typing filters the options ignoring case and accents ("ore" finds Örebro);
// arrow keys and Enter choose; the original select keeps the value and fires "change" (live filters listen to it).
(function () {
  "use strict";
  var labels = document.body.dataset;

  function enhance(select) {
    if (select.tomselect || typeof window.TomSelect !== "function") { return; }
    var multiple = select.multiple;
    var settings = {
      maxOptions: null,
      allowEmptyOption: true,
      create: false,
      hideSelected: multiple,
      closeAfterSelect: !multiple,
      plugins: multiple ? { remove_button: { title: labels.comboboxRemove || "Remove" } } : {},
      render: {
        no_results: function () {
          var div = document.createElement("div");
          div.className = "no-results";
          div.textContent = labels.comboboxNoResults || "No match";
          return div;
        }
      },
      onInitialize: function () {
        // Tom Select points the <label> at its typed input, which is the one control people use now; the
        // original select (out of the tab order) only carries the value, so assistive technology skips it.
        select.setAttribute("aria-hidden", "true");
        // The typed input carries the field's help text too, as the select did.
        var describedBy = select.getAttribute("aria-describedby");
        if (describedBy) { this.control_input.setAttribute("aria-describedby", describedBy); }
        if (select.getAttribute("aria-invalid")) { this.control_input.setAttribute("aria-invalid", "true"); }
      }
    };
    new window.TomSelect(select, settings);
  }

  function enhanceAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("select[data-combobox]"), enhance);
  }

  enhanceAll(document);
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.target); });
})();
