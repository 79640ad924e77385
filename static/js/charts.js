// Draws every figure of the page (its JSON comes from the server through json_script) and makes
// bars that carry a unit code in customdata open that unit one level down.
(function () {
  const phone = window.matchMedia("(max-width: 600px)").matches;
  const locale = document.documentElement.lang || "vi";
  const words = document.getElementById("plotly-words");  // the mode bar's words, translated by the server
  if (words) Plotly.register({ moduleType: "locale", name: locale, dictionary: JSON.parse(words.textContent) });
  const config = { displaylogo: false, responsive: true, displayModeBar: phone ? false : "hover",
                   // sendChartToCloud would upload the figures to Plotly's servers: never offered
                   modeBarButtonsToRemove: ["lasso2d", "select2d", "sendChartToCloud"], locale: locale };
  function draw(el) {
    const figure = JSON.parse(document.getElementById(el.dataset.figure).textContent);
    Plotly.newPlot(el, figure.data, figure.layout, config).then(function () {
      el.dataset.drawn = "1";
    });
    const drill = el.dataset.drill;
    if (!drill) return;
    el.classList.add("drillable");
    el.on("plotly_click", function (event) {
      const code = event.points && event.points[0] && event.points[0].customdata;
      if (code) window.location.href = drill.replace("CODE", encodeURIComponent(code));
    });
  }
  // One figure per task, those on screen first: the page shows its first chart without waiting for all ten.
  const charts = Array.from(document.querySelectorAll(".chart[data-figure]"));
  const onScreen = (el) => el.getBoundingClientRect().top < window.innerHeight;
  const queue = charts.filter(onScreen).concat(charts.filter((el) => !onScreen(el)));
  (function next() {
    const el = queue.shift();
    if (!el) return;
    draw(el);
    setTimeout(next, 0);
  })();
})();
