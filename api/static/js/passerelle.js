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

  // Need form: vocabulary skills named in the description, offered as "+ skill" buttons that
  // add the skill to the skills field. Without JavaScript the same buttons post the form to a
  // preview that adds the skill server-side.
  document.querySelectorAll("[data-skill-hints]").forEach(function (panel) {
    var form = panel.closest("form");
    var source = form.querySelector("[data-skill-source]");
    var target = form.querySelector("[data-skill-target]");
    var other = form.querySelector('[name="nice_to_have"]');
    var list = panel.querySelector("[data-skill-hint-list]");
    var status = panel.querySelector("[data-skill-hint-status]");
    var empty = panel.querySelector("[data-skill-hint-empty]");
    var timer = null;
    var shown = null;
    panel.querySelectorAll("[data-no-js]").forEach(function (el) { el.hidden = true; });
    var key = function (label) {
      return label.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
    };
    var listed = function () {
      var taken = {};
      (target.value + "," + (other ? other.value : "")).split(",").forEach(function (label) {
        if (label.trim()) { taken[key(label)] = true; }
      });
      return taken;
    };
    var chip = function (label) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      var plus = document.createElement("span");
      var more = document.createElement("span");
      button.type = "button";
      button.className = "chip chip-add";
      button.setAttribute("data-add-skill", label);
      plus.setAttribute("aria-hidden", "true");
      plus.textContent = "+";
      more.className = "visually-hidden";
      more.textContent = " — " + panel.getAttribute("data-add-label");
      button.appendChild(plus);
      button.appendChild(document.createTextNode(" " + label));
      button.appendChild(more);
      item.appendChild(button);
      return item;
    };
    var show = function (labels) {
      var taken = listed();
      labels = labels.filter(function (label) { return !taken[key(label)]; });
      var signature = labels.join("|");
      if (signature === shown) { return; }
      shown = signature;
      list.innerHTML = "";
      labels.forEach(function (label) { list.appendChild(chip(label)); });
      empty.hidden = labels.length > 0;
      status.textContent = labels.length
        ? panel.getAttribute("data-found").replace("{skills}", labels.join(", ")) : "";
    };
    var refresh = function () {
      var text = source.value.slice(0, 5000);
      if (text.trim().length < 2) { show([]); return; }
      // Keep the address short enough for every server (accents weigh 6 bytes once encoded).
      var query = encodeURIComponent(text);
      while (query.length > 12000) { text = text.slice(0, Math.floor(text.length * 0.8)); query = encodeURIComponent(text); }
      var exclude = encodeURIComponent((target.value + "," + (other ? other.value : "")).slice(0, 2000));
      fetch("/web/competences/extraction?texte=" + query + "&exclure=" + exclude)
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(show)
        .catch(function () {});
    };
    var later = function () { clearTimeout(timer); timer = setTimeout(refresh, 400); };
    source.addEventListener("input", later);
    target.addEventListener("input", later);
    if (other) { other.addEventListener("input", later); }
    list.addEventListener("click", function (event) {
      var button = event.target.closest("[data-add-skill]");
      if (!button) { return; }
      event.preventDefault();
      var label = button.getAttribute("data-add-skill");
      if (!listed()[key(label)]) {
        var current = target.value.replace(/[\s,]+$/, "");
        target.value = current ? current + ", " + label : label;
      }
      var item = button.parentNode;
      var next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      shown = null;
      empty.hidden = list.children.length > 0;
      status.textContent = panel.getAttribute("data-added").replace("{skill}", label);
      (next ? next.querySelector("button") : target).focus();
    });
  });

  // Forms that say how the engine reads them (their likeliest ESCO occupations): the block is
  // refreshed as the fields that feed it are typed, before anything is saved. `fields` lists
  // [query parameter, field name, most characters sent]; the long text (no limit) is the one
  // shortened to keep the address short enough for every server (accents weigh 6 bytes once
  // encoded). Without JavaScript, the need form's preview and saving the profile refresh it.
  var liveReading = function (selector, path, fields) {
    document.querySelectorAll(selector).forEach(function (box) {
      var form = box.closest("form");
      var inputs = fields.map(function (f) { return form.querySelector('[name="' + f[1] + '"]'); });
      var timer = null;
      var asked = null;
      var refresh = function () {
        var values = inputs.map(function (input, i) {
          return input ? input.value.slice(0, fields[i][2] || 5000) : "";
        });
        var query = function () {
          return fields.map(function (f, i) {
            return f[0] + "=" + encodeURIComponent(values[i]);
          }).join("&");
        };
        var long = fields.findIndex(function (f) { return !f[2]; });
        while (query().length > 12000 && long >= 0 && values[long]) {
          values[long] = values[long].slice(0, Math.floor(values[long].length * 0.8));
        }
        var address = path + "?" + query();
        if (address === asked) { return; }
        asked = address;
        fetch(address, { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) { if (html !== null && address === asked) { box.innerHTML = html; } })
          .catch(function () {});
      };
      var later = function () { clearTimeout(timer); timer = setTimeout(refresh, 600); };
      inputs.forEach(function (input) { if (input) { input.addEventListener("input", later); } });
    });
  };
  liveReading("[data-need-reading]", "/web/besoins/lecture",
    [["titre", "title", 300], ["description", "description", 0], ["competences", "skills", 2000]]);
  liveReading("[data-profile-reading]", "/web/profil/lecture",
    [["titre", "headline", 300], ["resume", "summary", 0], ["competences", "skills", 2000]]);

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
