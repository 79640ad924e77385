// Follows a re-scoring job of the comparison page: polls its status (kept in the job row, so a reload picks it up
// again) and reloads the page when it has ended, to show the new figures (or the failure).
(function () {
  const bar = document.getElementById("rescoring-progress");
  const label = document.getElementById("rescoring-status");
  if (!bar) return;
  const running = ["queued", "running"];
  async function poll() {
    try {
      const job = await (await fetch(bar.dataset.url, { credentials: "same-origin" })).json();
      label.textContent = job.status_display;
      if (!running.includes(job.status)) { window.location.reload(); return; }
    } catch (error) { /* a dropped request: try again */ }
    setTimeout(poll, 2000);
  }
  setTimeout(poll, 1000);
})();
