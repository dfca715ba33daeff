// A job's page while the work runs: the page is fetched again every few seconds and its state
// region replaced (read out politely by screen readers) until the work is done or has failed.
// No page reload, nothing moves the focus; without script, the page's "recharger" link does the
// same by hand. A static file: the content security policy forbids inline scripts.
(function () {
  "use strict";

  var region = document.getElementById("travail");
  if (!region || !window.fetch || !window.DOMParser) { return; }
  var seconds = Number(region.getAttribute("data-refresh")) || 2;

  function poll() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var next = page.getElementById("travail");
        if (!next) { return; }
        if (next.innerHTML !== region.innerHTML) {
          region.innerHTML = next.innerHTML;
          document.title = page.title;
        }
        if (next.getAttribute("data-finished") === "true") {
          region.setAttribute("data-finished", "true");
        } else {
          window.setTimeout(poll, seconds * 1000);
        }
      })
      .catch(function () {
        // The server did not answer: try again later, more slowly.
        window.setTimeout(poll, seconds * 5000);
      });
  }

  if (region.getAttribute("data-finished") !== "true") {
    window.setTimeout(poll, seconds * 1000);
  }
}());
