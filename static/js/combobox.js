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

  function noResults() {
    var div = document.createElement("div");
    div.className = "no-results";
    div.textContent = labels.comboboxNoResults || "No match";
    return div;
  }

  function passAria(input, tom) {
    // As for a select: the label and help text now belong to the typed input; the original carries the value.
    input.setAttribute("aria-hidden", "true");
    var describedBy = input.getAttribute("aria-describedby");
    if (describedBy) { tom.control_input.setAttribute("aria-describedby", describedBy); }
    if (input.getAttribute("aria-invalid")) { tom.control_input.setAttribute("aria-invalid", "true"); }
  }

  // A CPV field (procurement/forms.py CpvSearchInput) is a text input: codes separated by commas without
  // JavaScript. With it, Tom Select searches the whole vocabulary (9,454 codes) through the JSON endpoint in
  // data-cpv-search, by code or word, ignoring accents (the server folds them); before anything is typed it shows
  // the curated list the endpoint returns for an empty query. The chosen codes come from data-data.
  function enhanceSearch(input) {
    if (input.tomselect || typeof window.TomSelect !== "function") { return; }
    var data = input.dataset;
    var multiple = data.cpvMultiple === "true";
    new window.TomSelect(input, {
      valueField: data.cpvValue || "value",
      labelField: "text",
      searchField: ["text"],
      delimiter: ",",
      maxItems: multiple ? null : 1,
      maxOptions: 50,
      create: data.cpvCreate === "true",
      persist: false,
      hideSelected: multiple,
      closeAfterSelect: !multiple,
      preload: "focus",
      shouldLoad: function () { return true; },
      // The server has searched (by the EU's label too, which the option's text may not show: "städning" finds
      // "90910000-9 Rengöring"), so every option it sent is shown as it ranked them, not filtered again here.
      score: function () { return function () { return 1; }; },
      load: function (query, callback) {
        var tom = this;
        fetch(data.cpvSearch + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.json(); })
          .then(function (json) { tom.clearOptions(); callback(json.results); })
          .catch(function () { callback(); });
      },
      plugins: multiple ? { remove_button: { title: labels.comboboxRemove || "Remove" } } : {},
      render: { no_results: noResults },
      onInitialize: function () { passAria(input, this); }
    });
  }

  function enhanceAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("select[data-combobox]"), enhance);
    Array.prototype.forEach.call((root || document).querySelectorAll("input[data-cpv-search]"), enhanceSearch);
  }

  enhanceAll(document);
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.target); });
})();
