// "Refresh the figures": starts a recompute, shows its progress, reloads the page when it is done.
(function () {
  const button = document.getElementById("refresh");
  if (!button) return;
  const bar = document.getElementById("refresh-progress");
  const label = document.getElementById("refresh-status");
  const token = document.querySelector("#freshness input[name=csrfmiddlewaretoken]").value;

  async function poll(url) {
    const run = await (await fetch(url, { credentials: "same-origin" })).json();
    bar.hidden = false;
    bar.value = run.progress;
    label.textContent = run.status_display + " · " + run.progress + "%" + (run.error ? " · " + run.error : "");
    if (run.status === "succeeded") { window.location.reload(); return; }
    if (run.status === "failed") { button.disabled = false; return; }
    setTimeout(function () { poll(url); }, 1000);
  }

  button.addEventListener("click", async function () {
    button.disabled = true;
    const response = await fetch(button.dataset.url, {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": token },
    });
    if (!response.ok) {
      button.disabled = false;
      const body = await response.json().catch(function () { return {}; });
      label.textContent = body.detail || response.statusText;
      return;
    }
    poll((await response.json()).url);
  });
  if (button.dataset.runUrl) { button.disabled = true; poll(button.dataset.runUrl); }
})();
