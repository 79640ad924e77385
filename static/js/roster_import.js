// Follows a roster import job: polls its progress (kept in the job row, so a reload picks it up again) and
// reloads the page once the job has finished checking or importing, to show the summary and errors.
(function () {
  const bar = document.getElementById("job-progress");
  const label = document.getElementById("job-status");
  if (!bar) return;
  const running = ["queued", "checking", "importing"];
  if (!running.includes(bar.dataset.status)) return;
  async function poll() {
    try {
      const job = await (await fetch(bar.dataset.url, { credentials: "same-origin" })).json();
      bar.value = job.progress;
      label.textContent = `${job.status_display} · ${job.progress}%` + (job.error ? ` · ${job.error}` : "");
      if (!running.includes(job.status)) { window.location.reload(); return; }
    } catch (error) { /* a dropped request: try again */ }
    setTimeout(poll, 1000);
  }
  poll();
})();
