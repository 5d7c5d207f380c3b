// Questionnaires: ask before irreversible buttons (data-confirm), and autosave the answering form.
//
// Autosave posts the whole form (without files, which go with "Save draft") a few seconds after typing stops, with
// the response `version` the page holds, to the form's data-autosave-url. The reply gives the new version, which
// the page keeps for the next save. If someone else saved meanwhile (409) a banner says so and autosave stops:
// nothing is written over, and what was typed stays in the page. Without JavaScript the buttons do the same.
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });

  var form = document.querySelector("form[data-answer-form]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var url = form.getAttribute("data-autosave-url");
  var status = form.querySelector("[data-save-status]");
  var banner = document.querySelector("[data-conflict-banner]");
  var version = form.querySelector("input[name=version]");
  var DELAY = 2000;
  var timer = null;
  var inFlight = false;
  var again = false; // changes typed while a save was on its way
  var stopped = false; // after a conflict: nothing more is sent
  var waitingSubmit = null; // a button pressed while a save was on its way

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function clearErrors() {
    form.querySelectorAll("[data-autosave-error]").forEach(function (box) {
      box.textContent = "";
      box.hidden = true;
    });
  }

  function showErrors(errors) {
    (errors || []).forEach(function (error) {
      var box = form.querySelector('[data-autosave-error="' + error.field + '"]');
      if (box) {
        box.textContent = error.message;
        box.hidden = false;
      }
    });
  }

  function body() {
    var data = new FormData(form);
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      data.delete(input.name);
    });
    data.delete("action");
    return data;
  }

  function finished() {
    inFlight = false;
    if (waitingSubmit) {
      var button = waitingSubmit;
      waitingSubmit = null;
      form.requestSubmit(button);
    } else if (again && !stopped) {
      again = false;
      save();
    }
  }

  function save() {
    if (stopped) {
      return;
    }
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    say(form.dataset.savingText || "Saving…");
    fetch(url, {
      method: "POST",
      body: body(),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (reply) {
          return { code: response.status, reply: reply };
        });
      })
      .then(function (result) {
        var reply = result.reply;
        if (result.code === 200) {
          version.value = String(reply.version);
          clearErrors();
          say(reply.message);
        } else if (result.code === 409) {
          stopped = true;
          banner.textContent = reply.detail;
          banner.hidden = false;
          say((form.dataset.notSavedText || "Not saved: ") + reply.detail);
        } else {
          clearErrors();
          showErrors(reply.errors);
          say((form.dataset.notSavedText || "Not saved: ") + (reply.detail || reply.title));
        }
      })
      .catch(function () {
        // Offline for a moment: the answers stay in the page and the next change (or the button) saves them.
        say(form.dataset.offlineText || "Not saved: no connection. Your answers stay in the page.");
        again = true;
      })
      .then(finished);
  }

  function changed(event) {
    if (event.target.type === "file" || stopped) {
      return;
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(save, DELAY);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function (event) {
    window.clearTimeout(timer);
    if (inFlight && !event.defaultPrevented) {
      // Let the autosave finish first, so that the button sends the version it brings back.
      event.preventDefault();
      waitingSubmit = event.submitter;
    }
  });
})();
