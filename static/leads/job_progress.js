/* A job's admin page kept live: polls the job's progress JSON (data-progress-url on #job-panel)
 * and redraws the bar, status, reason, next retry, per-target rows, which buttons show and the
 * change form's read-only fields that say the same things.
 * Polling stops once the job is finished (completed, failed or cancelled). */
(function () {
  "use strict";

  var panel = document.getElementById("job-panel");
  if (!panel) {
    return;
  }
  var url = panel.getAttribute("data-progress-url");
  var interval = Number(panel.getAttribute("data-poll-ms")) || 2000;
  var failures = 0;

  function byId(id) {
    return document.getElementById(id);
  }

  function setText(id, text) {
    var element = byId(id);
    if (element) {
      element.textContent = text;
    }
  }

  function show(element, visible) {
    if (element) {
      element.hidden = !visible;
    }
  }

  function renderTargets(targets) {
    var body = byId("job-targets");
    if (!body) {
      return;
    }
    var rows = document.createDocumentFragment();
    targets.forEach(function (target) {
      var row = document.createElement("tr");
      [
        target.target,
        target.status,
        target.leads_stored,
        target.items_scraped,
        target.pages_done,
        target.attempts,
        target.error
      ].forEach(function (value) {
        var cell = document.createElement("td");
        cell.textContent = value === null || value === undefined ? "" : String(value);
        row.appendChild(cell);
      });
      rows.appendChild(row);
    });
    body.replaceChildren(rows);
  }

  // The change form's read-only fields below the panel (status, counters, times): the server renders
  // each as the form prints it (escaped HTML), so the page never states two different things.
  function renderFields(fields) {
    Object.keys(fields).forEach(function (name) {
      document.querySelectorAll(".field-" + name + " .readonly").forEach(function (element) {
        if (!panel.contains(element)) {
          element.innerHTML = fields[name];
        }
      });
    });
  }

  function render(state) {
    var percent = Math.round(state.progress);
    var bar = byId("job-progress");
    if (bar) {
      bar.value = state.progress;
      bar.textContent = percent + "%";
    }
    setText("job-progress-text", percent + "%");
    setText("job-status", state.status_label);
    byId("job-status").setAttribute("data-status", state.status);
    setText("job-summary", state.summary);
    setText("job-reason", state.reason || "");
    show(byId("job-reason"), Boolean(state.reason));
    setText("job-next-retry-at", state.next_retry_at || "");
    show(byId("job-next-retry"), Boolean(state.next_retry_at));
    renderTargets(state.targets);
    renderFields(state.fields || {});
    panel.querySelectorAll("form[data-transition]").forEach(function (form) {
      show(form, state.actions.indexOf(form.getAttribute("data-transition")) !== -1);
    });
    panel.setAttribute("data-finished", state.finished ? "true" : "false");
  }

  function schedule(delay) {
    window.setTimeout(poll, delay);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (response.status === 404 || response.status === 403) {
          throw new Error("gone");
        }
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        render(state);
        if (!state.finished) {
          schedule(interval);
        }
      })
      .catch(function (error) {
        failures += 1;
        if (error.message !== "gone" && failures < 10) {
          schedule(interval * (failures + 1));
        }
      });
  }

  if (panel.getAttribute("data-finished") !== "true") {
    schedule(interval);
  }
})();
