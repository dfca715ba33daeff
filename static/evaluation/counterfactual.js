// Evaluation of an objective: the commune against its synthetic control (ECharts), and the gap.
// Data come from json_script elements named by data-counterfactual-chart. An unknown value is
// null and is never drawn as 0.
(function () {
  "use strict";

  function frNumber(value) {
    if (value === null || value === undefined) { return "—"; }
    return value.toLocaleString("fr-FR", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  function draw(element) {
    var source = document.getElementById(element.dataset.counterfactualChart);
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var years = data.years.map(String);
    var start = years[data.n_pre];
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      aria: { enabled: true, decal: { show: true } },
      tooltip: {
        trigger: "axis",
        formatter: function (params) {
          var box = document.createElement("div");
          var head = document.createElement("div");
          head.textContent = params[0].axisValue;
          box.appendChild(head);
          params.forEach(function (p) {
            var row = document.createElement("div");
            row.textContent = p.seriesName + " : " + frNumber(p.value);
            box.appendChild(row);
          });
          return box;
        },
      },
      legend: { top: 0, data: [data.commune, "Commune synthétique", "Écart"] },
      grid: [{ left: 56, right: 24, top: 40, height: "50%" }, { left: 56, right: 24, top: "72%", bottom: 32 }],
      xAxis: [
        { type: "category", data: years, gridIndex: 0, axisLabel: { show: false } },
        { type: "category", data: years, gridIndex: 1 },
      ],
      yAxis: [
        { type: "value", name: "taux pour 1 000", min: 0, gridIndex: 0, nameTextStyle: { align: "left" } },
        { type: "value", name: "écart", gridIndex: 1 },
      ],
      series: [
        { name: data.commune, type: "line", data: data.treated, color: "#000091", lineStyle: { width: 3 }, symbol: "circle",
          markLine: { silent: true, symbol: "none", label: { formatter: "début" }, lineStyle: { color: "#3a3a3a", type: "dotted" }, data: [{ xAxis: start }] } },
        { name: "Commune synthétique", type: "line", data: data.synthetic, color: "#c9191e", lineStyle: { type: "dashed" }, symbol: "rect" },
        { name: "Écart", type: "bar", data: data.gap, color: "#666666", xAxisIndex: 1, yAxisIndex: 1 },
      ],
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.querySelectorAll("[data-counterfactual-chart]").forEach(draw);
})();
