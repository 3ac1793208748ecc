// Draws each dashboard chart from its json_script data: <canvas data-chart="ID"> reads <script id="ID">.
"use strict";
(function () {
  const palette = ["#417690", "#e4a11b", "#5b8c5a", "#ba2121", "#79aec8", "#8e6bb8", "#c77d4a"];

  function dataset(spec, index, type) {
    const colour = spec.colour || palette[index % palette.length];
    const colours = spec.data.map(function (_, i) { return palette[i % palette.length]; });
    return {
      label: spec.label,
      data: spec.data.map(Number), // amounts arrive as Decimal strings
      backgroundColor: type === "doughnut" ? colours : colour,
      borderColor: colour,
      tension: 0.2,
      pointRadius: 2,
    };
  }

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    const config = JSON.parse(source.textContent);
    const axes = config.type === "doughnut" ? {} : {
      x: { stacked: config.stacked, ticks: { maxRotation: 0, autoSkip: true } },
      y: { stacked: config.stacked, beginAtZero: true },
    };
    new Chart(canvas, {
      type: config.type,
      data: { labels: config.labels, datasets: config.datasets.map(function (spec, i) { return dataset(spec, i, config.type); }) },
      options: { responsive: true, maintainAspectRatio: false, animation: false, scales: axes,
                 plugins: { legend: { position: "bottom" } } },
    });
  }

  function drawAll() {
    if (!window.Chart) return;
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
