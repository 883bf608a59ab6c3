// Polls the report's status while the worker generates it, and shows the finished report when it is ready.
(function () {
  "use strict";
  var box = document.getElementById("report-progress");
  if (!box) { return; }
  var bar = document.getElementById("report-progress-bar");
  var statusText = document.getElementById("report-status-text");
  var stepText = document.getElementById("report-step");
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.value = data.progress;
        bar.textContent = data.progress + " %";
        statusText.textContent = data.status_label;
        stepText.textContent = data.step ? ": " + data.step : "";
        if (data.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
