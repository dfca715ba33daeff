// Evaluation of an objective: the commune against its synthetic control (ECharts), and the gap.
// Data come from json_script elements named by data-counterfactual-chart. An unknown value is
// null and is never drawn as 0.
(function () {
  "use strict";

  var C = window.stspdCharts;
  function frNumber(value) { return C.number(value, 2); }

  function draw(element) {
    var source = document.getElementById(element.dataset.counterfactualChart);
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var years = data.years.map(String);
    var start = years[data.n_pre];
    var chart = C.init(element);
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
      legend: C.legend([data.commune, "Commune synthétique", "Écart"]),
      grid: [C.grid({ height: "45%", bottom: undefined }), C.grid({ top: "74%", bottom: 32 })],
      xAxis: [
        C.yearAxis(years, { gridIndex: 0, axisLabel: { show: false } }),
        C.yearAxis(years, { gridIndex: 1 }),
      ],
      yAxis: [
        C.valueAxis({ name: "taux pour 1 000", gridIndex: 0, nameTextStyle: { align: "left" } }),
        C.valueAxis({ name: "écart", gridIndex: 1, min: null }),
      ],
      series: [
        { name: data.commune, type: "line", data: data.treated, color: "#000091", lineStyle: { width: 3 }, symbol: "circle",
          markLine: { silent: true, symbol: "none", label: { formatter: "début" }, lineStyle: { color: "#3a3a3a", type: "dotted" }, data: [{ xAxis: start }] } },
        { name: "Commune synthétique", type: "line", data: data.synthetic, color: "#c9191e", lineStyle: { type: "dashed" }, symbol: "rect" },
        { name: "Écart", type: "bar", data: data.gap, color: "#666666", xAxisIndex: 1, yAxisIndex: 1 },
      ],
    });
  }

  // Parallel trends before the start: the commune's gap to its comparison communes' path,
  // relative to the last year before the start (0 = parallel), with its 90 % interval.
  function drawPreTrend(element) {
    var source = document.getElementById(element.dataset.pretrendChart);
    if (!source || !window.echarts) { return; }
    var trend = JSON.parse(source.textContent).pre_trend;
    if (!trend || !trend.years.length) { return; }
    var years = trend.years.map(String);
    var chart = C.init(element);
    chart.setOption({
      animation: false,
      aria: { enabled: true, decal: { show: true } },
      tooltip: {
        trigger: "axis",
        formatter: function (params) {
          var box = document.createElement("div");
          var i = params[0].dataIndex;
          box.textContent = years[i] + " : " + frNumber(trend.gap[i]) + " % (de " +
            frNumber(trend.low[i]) + " à " + frNumber(trend.high[i]) + " %)";
          return box;
        },
      },
      legend: C.legend(["Écart avant le début", "Intervalle à 90 %"]),
      grid: C.grid({}),
      xAxis: C.yearAxis(years),
      yAxis: C.valueAxis({ name: "écart en %", min: null }),
      series: [
        { name: "Écart avant le début", type: "line", data: trend.gap, color: "#000091", symbol: "circle",
          markLine: { silent: true, symbol: "none", label: { show: false }, lineStyle: { color: "#3a3a3a", type: "dotted" }, data: [{ yAxis: 0 }] } },
        { name: "Intervalle à 90 %", type: "line", data: trend.low, color: "#666666", lineStyle: { type: "dashed" }, symbol: "none" },
        { name: "Intervalle à 90 %", type: "line", data: trend.high, color: "#666666", lineStyle: { type: "dashed" }, symbol: "none" },
      ],
    });
  }

  document.querySelectorAll("[data-counterfactual-chart]").forEach(draw);
  document.querySelectorAll("[data-pretrend-chart]").forEach(drawPreTrend);
})();
