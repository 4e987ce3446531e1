// Coordinators' tools: say "Calcul en cours…" while an allocation computes, and refuse a
// second click meanwhile. The forms submit normally, so everything works without JavaScript.
(function () {
  "use strict";
  var status = document.getElementById("busy-status");

  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (document.body.hasAttribute("data-computing")) {
        event.preventDefault();
        return;
      }
      document.body.setAttribute("data-computing", "");
      if (status) { status.textContent = status.getAttribute("data-text"); }
    });
  });

  // Coming back through the history restores the page as it was left: ready again.
  window.addEventListener("pageshow", function () {
    document.body.removeAttribute("data-computing");
    if (status) { status.textContent = ""; }
  });
})();
