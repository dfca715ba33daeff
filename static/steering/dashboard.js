// Tableau de bord: one ECharts chart per indicator, from the json_script "dashboard-charts".
// Each point is [x, value, state, source, label, x of the period's end]: x is the year on a
// yearly chart (the value of 2023 stands above "2023"), the period's first day otherwise. A
// suppressed period is a hatched band and a gap in the line, never a 0; a published zero is a
// hollow circle at 0; a lower bound a triangle on a dashed segment ("au moins"); a value
// submitted and not yet validated a hollow diamond. The baseline, the target and the planned
// trajectory (straight line between them) are drawn too. Shared helpers: static/core/charts.js.
(function () {
  "use strict";

  var element = document.getElementById("dashboard-charts");
  if (!element || !window.echarts || !window.stspdCharts) { return; }
  var charts = JSON.parse(element.textContent);
  var C = window.stspdCharts;

  function symbol(point) {
    if (point[2] === "zero") { return "emptyCircle"; }
    if (point[2] === "lower_bound") { return "triangle"; }
    if (point[3] === "submitted") { return "emptyDiamond"; }
    return "circle";
  }

  function valueText(p) {
    if (p[2] === "suppressed") { return "non diffusée (secret statistique)"; }
    return (p[2] === "lower_bound" ? "au moins " : "") + C.number(p[1])
      + (p[3] === "submitted" ? " (transmise, pas encore validée)" : "");
  }

  // Every year from the first to the last that the chart shows (values, baseline, target).
  function years(data) {
    var all = data.points.map(function (p) { return Number(p[0]); });
    [data.baseline, data.target].forEach(function (d) { if (d) { all.push(Number(d[0])); } });
    var first = Math.min.apply(null, all), last = Math.max.apply(null, all), out = [];
    for (var y = first; y <= last; y += 1) { out.push(String(y)); }
    return out;
  }

  function draw(container) {
    var data = charts[container.dataset.dashboardChart];
    if (!data || !data.points.length && !data.baseline && !data.target) { return; }
    var isBound = function (p) { return p[2] === "lower_bound"; };
    // The solid line joins exact values only; a lower bound sits on its own dashed segments.
    var exact = data.points.map(function (p) {
      var value = p[1] === null || isBound(p) ? "-" : p[1];
      return { value: [p[0], value], symbol: symbol(p), symbolSize: 8, point: p };
    });
    var bounds = data.points.map(function (p, i) {
      var near = isBound(p) || (i > 0 && isBound(data.points[i - 1]))
        || (i + 1 < data.points.length && isBound(data.points[i + 1]));
      return { value: [p[0], near && p[1] !== null ? p[1] : "-"], symbol: isBound(p) ? "triangle" : "none",
        symbolSize: 10, point: p };
    });
    var hidden = data.points
      .filter(function (p) { return p[2] === "suppressed"; })
      .map(function (p) { return [{ xAxis: p[0], name: "non diffusé" }, { xAxis: p[5] }]; });
    var series = [
      { name: "Valeurs", type: "line", data: exact, connectNulls: false, color: "#000091", showAllSymbol: true,
        lineStyle: { width: 2 },
        markArea: { silent: true, itemStyle: { color: "rgba(102, 102, 102, 0.18)", decal: { symbol: "rect", dashArrayX: [1, 0], dashArrayY: [2, 4], rotation: 0.8 } },
          label: { position: "insideTop", color: "#3a3a3a", fontSize: 10 }, data: hidden } },
    ];
    var legend = ["Valeurs"];
    if (data.points.some(isBound)) {
      series.push({ name: "Au moins (borne inférieure)", type: "line", data: bounds, connectNulls: false,
        color: "#000091", lineStyle: { type: "dashed", width: 2 }, showAllSymbol: true });
      legend.push("Au moins (borne inférieure)");
    }
    if (data.baseline && data.target) {
      series.push({ name: "Trajectoire prévue", type: "line", data: [data.baseline, data.target], color: "#c9191e",
        symbol: "none", lineStyle: { type: "dashed" }, silent: true });
      legend.push("Trajectoire prévue");
    }
    if (data.baseline) {
      series.push({ name: "Valeur de référence", type: "scatter", data: [data.baseline], color: "#666666", symbol: "rect", symbolSize: 10 });
      legend.push("Valeur de référence");
    }
    if (data.target) {
      series.push({ name: "Cible", type: "scatter", data: [data.target], color: "#18753c", symbol: "pin", symbolSize: 18 });
      legend.push("Cible");
    }
    var chart = C.init(container);
    chart.setOption({
      animation: false,
      aria: { enabled: true, decal: { show: true } },
      tooltip: {
        trigger: "item",
        // Built as text, never HTML.
        formatter: function (params) {
          var box = document.createElement("div");
          var when = data.yearly ? params.value[0] : C.date(params.value[0]);
          box.textContent = params.data && params.data.point
            ? params.data.point[4] + " : " + valueText(params.data.point)
            : params.seriesName + " : " + C.number(params.value[1]) + (data.yearly ? " en " : " au ") + when;
          return box;
        },
      },
      legend: C.legend(legend),
      grid: C.grid(),
      xAxis: data.yearly ? C.yearAxis(years(data)) : C.timeAxis(),
      yAxis: C.valueAxis({ name: data.unit, nameTextStyle: { align: "left" } }),
      series: series,
    });
  }

  document.querySelectorAll("[data-dashboard-chart]").forEach(draw);
})();
