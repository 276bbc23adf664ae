// The department's charts (issue #13): Chart.js served from this host (no CDN, no inline
// script: the CSP allows scripts from 'self' only). Each <canvas data-chart-url> draws the
// series its URL returns; suppressed points arrive as null and are left out.
(function () {
  "use strict";
  var colours = ["#2f6fb3", "#d9822b", "#3c9a5f", "#b3412f"];
  function draw(canvas) {
    fetch(canvas.dataset.chartUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        data.datasets.forEach(function (set, i) {
          set.backgroundColor = canvas.dataset.chartType === "bar" && data.datasets.length === 1
            ? colours : colours[i % colours.length];
          set.borderColor = colours[i % colours.length];
          set.data = set.data.map(function (v) { return v === null ? null : Number(v); });
        });
        canvas.chart = new window.Chart(canvas, {
          type: canvas.dataset.chartType || "bar",
          data: data,
          options: {
            animation: false,
            indexAxis: canvas.dataset.chartAxis || "x",
            plugins: { legend: { display: data.datasets.length > 1 } },
          },
        });
        canvas.dataset.chartReady = "1";
      });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart-url]").forEach(draw);
  });
})();
