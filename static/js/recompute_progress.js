// Polls the run's progress until it has succeeded or failed, then reloads to show the final figures.
(function () {
  const bar = document.getElementById("run-progress");
  const label = document.getElementById("run-status");
  if (!bar) return;
  async function poll() {
    const run = await (await fetch(bar.dataset.url, { credentials: "same-origin" })).json();
    bar.value = run.progress;
    label.textContent = `${run.status_display} · ${run.progress}%` + (run.error ? ` · ${run.error}` : "");
    if (run.status === "succeeded" || run.status === "failed") {
      if (!label.dataset.done) { label.dataset.done = "1"; }
      return;
    }
    setTimeout(poll, 1000);
  }
  poll();
})();
