// Passerelle: small enhancements on top of pages that work without JavaScript.
(function () {
  "use strict";

  // Sign-up: company fields only when "company" is chosen.
  function syncRole(form) {
    var checked = form.querySelector('input[name="role"]:checked');
    var role = checked ? checked.value : "student";
    form.removeAttribute("data-role-student");
    form.removeAttribute("data-role-researcher");
    form.removeAttribute("data-role-company");
    form.setAttribute("data-role-" + role, "");
  }
  document.querySelectorAll('form[action="/inscription"]').forEach(function (form) {
    syncRole(form);
    form.addEventListener("change", function () { syncRole(form); });
  });

  // Skills: suggestions for the word being typed after the last comma (native datalist).
  document.querySelectorAll("[data-skill-autocomplete]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var value = input.value;
        var cut = value.lastIndexOf(",");
        var head = cut >= 0 ? value.slice(0, cut + 1) + " " : "";
        var prefix = value.slice(cut + 1).trim();
        if (prefix.length < 2) { list.innerHTML = ""; return; }
        fetch("/web/competences?q=" + encodeURIComponent(prefix))
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (labels) {
            list.innerHTML = "";
            labels.forEach(function (label) {
              var option = document.createElement("option");
              option.value = head + label;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 150);
    });
  });

  // Review queue: j/k to move, a/r/i to approve, reject, introduce the current suggestion.
  var queue = document.querySelector("[data-review]");
  if (queue) {
    var current = 0;
    var items = function () { return Array.prototype.slice.call(queue.querySelectorAll("[data-review-item]")); };
    var select = function (index) {
      var all = items();
      if (!all.length) { return; }
      current = Math.max(0, Math.min(index, all.length - 1));
      all.forEach(function (el, i) { el.classList.toggle("is-current", i === current); });
      all[current].focus({ preventScroll: true });
      all[current].scrollIntoView({ block: "nearest", behavior: "smooth" });
    };
    select(0);
    document.addEventListener("keydown", function (event) {
      var tag = (event.target.tagName || "").toLowerCase();
      if (tag === "input" || tag === "textarea" || tag === "select" || event.ctrlKey || event.metaKey || event.altKey) { return; }
      var all = items();
      var item = all[current];
      if (event.key === "j") { select(current + 1); event.preventDefault(); return; }
      if (event.key === "k") { select(current - 1); event.preventDefault(); return; }
      if (!item) { return; }
      var button = item.querySelector('[data-key="' + event.key + '"]');
      if (!button) { return; }
      event.preventDefault();
      if (event.key === "r") {
        var reason = item.querySelector('input[name="reason"]');
        if (reason && !reason.value.trim()) { reason.focus(); return; }
      }
      button.click();
    });
    // After a decision the card is replaced; move on to the next one.
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (queue.contains(event.target) && !event.target.querySelector("form")) { select(current + 1); }
    });
  }
})();
