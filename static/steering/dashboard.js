// Tableau de bord: one ECharts chart per indicator, from the json_script "dashboard-charts".
// Each point is [date, value, state, source, label, period start]. A suppressed period is a
// hatched band and a gap in the line, never a 0; a published zero is a hollow circle at 0; a
// lower bound a triangle; a value submitted and not yet validated a hollow diamond. The
// baseline, the target and the planned trajectory (straight line between them) are drawn too.
(function () {
  "use strict";

  var element = document.getElementById("dashboard-charts");
  if (!element || !window.echarts) { return; }
  var charts = JSON.parse(element.textContent);

  function frNumber(value) {
    if (value === null || value === undefined) { return "—"; }
    return value.toLocaleString("fr-FR", { maximumFractionDigits: 2 });
  }

  function symbol(point) {
    if (point[2] === "zero") { return "emptyCircle"; }
    if (point[2] === "lower_bound") { return "triangle"; }
    if (point[3] === "submitted") { return "emptyDiamond"; }
    return "circle";
  }

  function draw(container) {
    var data = charts[container.dataset.dashboardChart];
    if (!data) { return; }
    var values = data.points.map(function (p) {
      return { value: [p[0], p[1] === null ? "-" : p[1]], symbol: symbol(p), symbolSize: 8, point: p };
    });
    var hidden = data.points
      .filter(function (p) { return p[2] === "suppressed"; })
      .map(function (p) { return [{ xAxis: p[5], name: "non diffusé" }, { xAxis: p[0] }]; });
    var series = [
      { name: "Valeurs", type: "line", data: values, connectNulls: false, color: "#000091", showAllSymbol: true,
        lineStyle: { width: 2 },
        markArea: { silent: true, itemStyle: { color: "rgba(102, 102, 102, 0.18)", decal: { symbol: "rect", dashArrayX: [1, 0], dashArrayY: [2, 4], rotation: 0.8 } },
          label: { position: "insideTop", color: "#3a3a3a", fontSize: 10 }, data: hidden } },
    ];
    var legend = ["Valeurs"];
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
    var chart = window.echarts.init(container, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      aria: { enabled: true, decal: { show: true } },
      tooltip: {
        trigger: "item",
        // Built as text, never HTML.
        formatter: function (params) {
          var box = document.createElement("div");
          var text;
          if (params.seriesName === "Valeurs") {
            var p = params.data.point;
            text = p[4] + " : " + (p[2] === "suppressed" ? "non diffusée" : (p[2] === "lower_bound" ? "au moins " : "") + frNumber(p[1]))
              + (p[3] === "submitted" ? " (transmise, pas encore validée)" : "");
          } else {
            text = params.seriesName + " : " + frNumber(params.value[1]) + " au " + new Date(params.value[0]).toLocaleDateString("fr-FR");
          }
          box.textContent = text;
          return box;
        },
      },
      legend: { top: 0, data: legend },
      grid: { left: 56, right: 24, top: 40, bottom: 32 },
      xAxis: { type: "time" },
      yAxis: { type: "value", name: data.unit, min: 0, nameTextStyle: { align: "left" } },
      series: series,
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.querySelectorAll("[data-dashboard-chart]").forEach(draw);
})();
