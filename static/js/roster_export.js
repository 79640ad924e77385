// Follows an export job of the household list: polls its progress (kept in the job row, so a reload picks it up
// again) and reloads the page once the file is written, to show the download link (or the failure).
(function () {
  const bar = document.getElementById("export-progress");
  const label = document.getElementById("export-status");
  if (!bar) return;
  const running = ["queued", "running"];
  if (!running.includes(bar.dataset.status)) return;
  async function poll() {
    try {
      const job = await (await fetch(bar.dataset.url, { credentials: "same-origin" })).json();
      bar.value = job.progress;
      label.textContent = `${job.status_display} · ${job.progress}%`;
      if (!running.includes(job.status)) { window.location.reload(); return; }
    } catch (error) { /* a dropped request: try again */ }
    setTimeout(poll, 1000);
  }
  poll();
})();
