/*
 * The guidance batch's progress page (templates/messaging/org_batch_detail.html) reads itself again
 * every two seconds while seekers are still waiting, and puts the new figures in place (a polite live
 * region). Progressive enhancement only: without it the page has a 最新の状態に更新 link, and a reload
 * always shows where the batch is (the figures are the database's rows).
 */
(function () {
  "use strict";

  var current = document.querySelector("[data-batch-progress]");
  if (!current || current.getAttribute("data-done") === "1") {
    return;
  }

  function tick() {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-batch-progress]");
        if (fresh) {
          current.replaceWith(fresh);
          current = fresh;
        }
        if (!fresh || fresh.getAttribute("data-done") !== "1") {
          window.setTimeout(tick, 2000);
        }
      })
      .catch(function () {
        window.setTimeout(tick, 5000);
      });
  }

  window.setTimeout(tick, 2000);
})();
