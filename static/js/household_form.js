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
  if (live) {
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    classify();
  }

  // One submit: a second click while the first is on its way does nothing.
  form.addEventListener("submit", function (event) {
    if (form.dataset.submitted) { event.preventDefault(); return; }
    form.dataset.submitted = "1";
  });
})();
