// Household entry form: add/remove members without losing input, live classification, one submit.
(function () {
  "use strict";
  var form = document.getElementById("household-form");
  if (!form) return;
  var members = document.getElementById("members");
  var template = document.getElementById("member-template");
  var total = form.querySelector("input[name=members-TOTAL_FORMS]");
  var live = document.getElementById("live-classification");
  var timer = null;

  function schedule() {
    if (!live) return;
    clearTimeout(timer);
    timer = setTimeout(classify, 350);
  }

  function renumber() {
    var visible = 0;
    members.querySelectorAll("[data-member]").forEach(function (card) {
      if (!card.hidden) { visible += 1; card.querySelector("[data-member-number]").textContent = visible; }
    });
    document.getElementById("member-count").textContent = visible;
  }

  if (members && template && total) {
    document.getElementById("add-member").addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      members.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
      total.value = String(index + 1);
      renumber();
      var first = members.lastElementChild.querySelector("input:not([type=hidden]), select");
      if (first) first.focus();
      schedule();
    });
    members.addEventListener("click", function (event) {
      var button = event.target.closest("[data-remove-member]");
      if (!button) return;
      var card = button.closest("[data-member]");
      var remove = card.querySelector("input[name$='-DELETE']");
      if (remove) remove.checked = true;
      card.hidden = true;
      renumber();
      schedule();
    });
    renumber();

    // A new member's boxes follow the age until the officer sets them: a 76-year-old is not "at the right
    // school level", a child is not "retired".
    var byAge = function (event) {
      var card = event.target.closest("[data-member-new]");
      if (!card || !event.target.name) return;
      if (!/-age$/.test(event.target.name)) { event.target.dataset.touched = "1"; return; }
      var age = parseInt(event.target.value, 10);
      if (isNaN(age)) return;
      var set = function (suffix, value) {
        var box = card.querySelector("[name$='-" + suffix + "']");
        if (!box || box.dataset.touched) return;
        if (box.type === "checkbox") box.checked = value;
        else box.value = value;
      };
      var school = age >= 3 && age < 18;
      set("in_school", school);
      set("on_track", school);
      set("able_to_work", age >= 15 && age < 75);
      set("employment", age < 15 ? "child" : age >= 60 ? "retired" : "");
      if (age < 6) set("education", "none");
    };
    members.addEventListener("input", byAge);
    members.addEventListener("change", byAge);
  }

  // Live classification: the same engine as the save, through a small JSON endpoint; nothing is written.
  var sent = 0;
  function classify() {
    var ticket = ++sent;  // answers can come back out of order: only the newest one is shown
    fetch(form.dataset.classifyUrl, {method: "POST", body: new FormData(form), credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (result) {
        if (ticket !== sent) return;
        var label = live.querySelector("[data-live-label]");
        var rule = live.querySelector("[data-live-rule]");
        var list = live.querySelector("[data-live-deprivations]");
        list.textContent = "";
        label.className = "badge" + (result.ok ? " " + result.classification : "");
        label.textContent = result.ok ? result.label : result.message;
        rule.textContent = result.ok ? result.standard + ": " + result.rule : "";
        (result.deprivations || []).forEach(function (d) {
          var item = document.createElement("li");
          item.textContent = d.name;
          item.dataset.code = d.code;
          list.appendChild(item);
        });
        live.dataset.classification = result.ok ? result.classification : "";
      })
      .catch(function () { /* the save validates everything again */ });
  }
  // On a phone the panel sits over the form: it folds to its one-line verdict.
  var toggle = live && live.querySelector("[data-live-toggle]");
  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var collapsed = live.classList.toggle("collapsed");
      toggle.setAttribute("aria-expanded", collapsed ? "false" : "true");
      toggle.textContent = collapsed ? toggle.dataset.expand : toggle.dataset.collapse;
    });
  }
  if (live) {
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    classify();
  }

  // The answers form: the indicators offered follow the survey year (the standard of that year, given by the
  // server for every year); a tick survives a change of year whenever the indicator is in both standards.
  var catalogue = document.getElementById("indicators-by-year");
  var yearBox = form.querySelector("input[name=survey_year]");
  var choices = document.getElementById("id_deprivations");
  if (catalogue && yearBox && choices) {
    var byYear = JSON.parse(catalogue.textContent);
    var ticked = {};
    var boxes = function () { return choices.querySelectorAll("input[name=deprivations]"); };
    boxes().forEach(function (box) { ticked[box.value] = box.checked; });
    choices.addEventListener("change", function (event) {
      if (event.target.name === "deprivations") ticked[event.target.value] = event.target.checked;
    });
    var offer = function () {
      var entry = byYear[yearBox.value.trim()];
      if (!entry) return;
      var shown = Array.prototype.map.call(boxes(), function (box) { return box.value; }).join();
      if (shown === entry.indicators.map(function (pair) { return pair[0]; }).join()) return;
      choices.textContent = "";
      entry.indicators.forEach(function (pair, i) {
        var row = document.createElement("div");
        var label = document.createElement("label");
        var box = document.createElement("input");
        box.type = "checkbox";
        box.name = "deprivations";
        box.value = pair[0];
        box.id = "id_deprivations_" + i;
        box.checked = Boolean(ticked[pair[0]]);
        label.htmlFor = box.id;
        label.appendChild(box);
        label.appendChild(document.createTextNode(" " + pair[1]));
        row.appendChild(label);
        choices.appendChild(row);
      });
      var name = form.querySelector("[data-standard-name]");
      if (name) name.textContent = entry.standard;
    };
    yearBox.addEventListener("input", offer);
  }

  // One submit: a second click while the first is on its way does nothing.
  form.addEventListener("submit", function (event) {
    if (form.dataset.submitted) { event.preventDefault(); return; }
    form.dataset.submitted = "1";
  });
})();
