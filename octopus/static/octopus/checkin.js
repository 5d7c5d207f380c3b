// Check-in page: keep the counts of people checked in up to date while several staff check people in at once.
(function () {
  "use strict";
  var card = document.querySelector("[data-checkin-counts]");
  if (!card || !window.fetch) {
    return;
  }
  var url = card.getAttribute("data-url");

  function show(name, value) {
    var cell = card.querySelector('[data-count="' + name + '"]');
    if (cell && value !== undefined) {
      cell.textContent = String(value);
    }
  }

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (counts) {
        if (!counts) {
          return;
        }
        show("people", counts.people);
        show("in_person", counts.in_person);
        show("online", counts.online);
        Object.keys(counts.sessions || {}).forEach(function (pk) {
          show("session-" + pk, counts.sessions[pk]);
        });
      })
      .catch(function () {
        // Offline for a moment (venue Wi-Fi): the figures stay as they were and the next poll tries again.
      });
  }

  window.setInterval(refresh, 20000);
})();
