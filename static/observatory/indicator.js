// Observatory indicator page: the series chart (ECharts) and the member communes map (Leaflet).
// Data come from json_script elements named by the data- attributes. A value that is not
// published is null and is never drawn as 0.
(function () {
  "use strict";

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  var C = window.stspdCharts;
  var frNumber = C.number;

  var SYMBOLS = { published: "circle", zero: "emptyCircle", lower_bound: "triangle" };

  function drawChart(element) {
    var data = readJson(element.dataset.observatoryChart);
    if (!data || !window.echarts) { return; }
    // The solid line joins exact values; a lower bound ("au moins") sits on dashed segments.
    var isBound = function (i) { return data.status[i] === "lower_bound"; };
    var points = data.rate.map(function (rate, i) {
      return { value: isBound(i) ? null : rate, symbol: SYMBOLS[data.status[i]] || "none", symbolSize: 9 };
    });
    var bounds = data.rate.map(function (rate, i) {
      var near = isBound(i) || (i > 0 && isBound(i - 1)) || (i + 1 < data.rate.length && isBound(i + 1));
      return { value: near ? rate : null, symbol: isBound(i) ? "triangle" : "none", symbolSize: 11 };
    });
    var hasBound = data.status.some(function (s) { return s === "lower_bound"; });
    // The interval as a band: the low bound, then the width stacked on it.
    var width = data.high.map(function (high, i) {
      return high === null || data.low[i] === null ? null : high - data.low[i];
    });
    var hidden = data.years
      .map(function (year, i) { return [year, data.status[i]]; })
      .filter(function (pair) { return pair[1] === "suppressed" || pair[1] === "missing"; })
      .map(function (pair) {
        return [{ xAxis: pair[0], name: pair[1] === "suppressed" ? "non diffusé" : "absent" }, { xAxis: pair[0] }];
      });
    var chart = C.init(element);
    chart.setOption({
      animation: false,
      aria: { enabled: true, decal: { show: true } },
      tooltip: {
        trigger: "axis",
        // Built as text, never HTML; a lower bound reads "au moins", a hidden year says why.
        formatter: function (params) {
          var i = params[0].dataIndex;
          var lines = [data.years[i]];
          params.forEach(function (p) {
            if (p.seriesName === "IC 95 % bas" || p.seriesName === "Intervalle de confiance à 95 %") { return; }
            if (p.seriesName === "Au moins (borne inférieure)") { return; }
            var text = frNumber(p.seriesName === "Territoire" ? data.rate[i] : p.value, 2);
            if (p.seriesName === "Territoire") {
              if (data.status[i] === "suppressed") { text = "non diffusé (secret statistique)"; }
              else if (data.status[i] === "lower_bound") { text = "au moins " + text; }
            }
            lines.push(p.seriesName + " : " + text);
          });
          var box = document.createElement("div");
          lines.forEach(function (line) { var row = document.createElement("div"); row.textContent = line; box.appendChild(row); });
          return box;
        },
      },
      legend: C.legend(["Territoire", "Intervalle de confiance à 95 %"].concat(hasBound ? ["Au moins (borne inférieure)"] : [])
        .concat(["Département", "France", "Communes comparables"])),
      grid: C.grid(),
      xAxis: C.yearAxis(data.years),
      yAxis: C.valueAxis({ name: data.unit, nameTextStyle: { align: "left" } }),
      series: [
        { name: "IC 95 % bas", type: "line", data: data.low, stack: "ic", symbol: "none",
          lineStyle: { opacity: 0 }, tooltip: { show: false }, silent: true },
        { name: "Intervalle de confiance à 95 %", type: "line", data: width, stack: "ic", symbol: "none",
          color: "rgba(0, 0, 145, 0.3)", lineStyle: { opacity: 0 }, areaStyle: { color: "rgba(0, 0, 145, 0.15)" }, silent: true },
        { name: "Territoire", type: "line", data: points, connectNulls: false, color: "#000091", showAllSymbol: true,
          lineStyle: { width: 3 },
          markArea: { silent: true, itemStyle: { color: "rgba(102, 102, 102, 0.18)", decal: { symbol: "rect", dashArrayX: [1, 0], dashArrayY: [2, 4], rotation: 0.8 } },
            label: { position: "insideTop", color: "#3a3a3a" }, data: hidden } },
      ].concat(hasBound ? [
        { name: "Au moins (borne inférieure)", type: "line", data: bounds, connectNulls: false, color: "#000091",
          lineStyle: { type: "dashed", width: 3 }, showAllSymbol: true },
      ] : []).concat([
        { name: "Département", type: "line", data: data.departement, color: "#c9191e", lineStyle: { type: "dashed" }, symbol: "rect" },
        { name: "France", type: "line", data: data.france, color: "#666666", lineStyle: { type: "dotted" }, symbol: "diamond" },
      ]).concat(data.similar && data.similar.some(function (v) { return v !== null; }) ? [
        { name: "Communes comparables", type: "line", data: data.similar, color: "#18753c", lineStyle: { type: "dashed" }, symbol: "triangle" },
      ] : []),
    });
  }

  function drawFunnel(element) {
    var data = readJson(element.dataset.observatoryFunnel);
    if (!data || !window.echarts) { return; }
    var curve = data.curve;
    function line(name, values, colour, style) {
      return { name: name, type: "line", symbol: "none", silent: true, color: colour,
        lineStyle: { type: style, width: 1.5 },
        data: curve.denominators.map(function (d, i) { return [d, values[i]]; }) };
    }
    var series = [
      { name: "Autres communes", type: "scatter", large: true, symbolSize: 4, color: "rgba(102, 102, 102, 0.45)",
        data: data.points.filter(function (p) { return !p[2]; }).map(function (p) { return [p[0], p[1]]; }) },
      { name: "Communes du territoire", type: "scatter", symbolSize: 7, color: "#000091",
        data: data.points.filter(function (p) { return p[2]; }).map(function (p) { return [p[0], p[1]]; }) },
      line("Taux d'ensemble", curve.denominators.map(function () { return data.target; }), "#3a3a3a", "solid"),
      line("Limites à 95 %", curve.upper95, "#c9191e", "dashed"),
      line("Limites à 95 % (bas)", curve.lower95, "#c9191e", "dashed"),
      line("Limites à 99,8 %", curve.upper998, "#6a1b1b", "dotted"),
      line("Limites à 99,8 % (bas)", curve.lower998, "#6a1b1b", "dotted"),
    ];
    if (data.territory) {
      series.push({ name: "Territoire", type: "scatter", symbol: "diamond", symbolSize: 16, color: "#e1000f",
        data: [[data.territory.denominator, data.territory.rate]] });
    }
    // The scale follows the communes, not the limits of the smallest ones, which soar.
    var top = Math.max.apply(null, data.points.map(function (p) { return p[1]; })
      .concat(data.territory ? [data.territory.rate] : []).concat([data.target * 2]));
    var chart = C.init(element);
    chart.setOption({
      animation: false,
      aria: { enabled: true },
      tooltip: { trigger: "item", formatter: function (p) {
        var box = document.createElement("div");
        box.textContent = p.seriesName + " : " + frNumber(p.value[1], 2) + " pour 1 000 ("
          + frNumber(p.value[0], 0) + " habitants ou logements)";
        return box;
      } },
      legend: C.legend(["Autres communes", "Communes du territoire", "Territoire", "Taux d'ensemble", "Limites à 95 %", "Limites à 99,8 %"]),
      grid: C.grid({ bottom: 48 }),
      xAxis: { type: "log", name: "population (ou logements)", nameLocation: "middle", nameGap: 28,
        axisLabel: { formatter: function (v) { return frNumber(v, 0); } } },
      yAxis: C.valueAxis({ name: "taux pour 1 000", max: Math.ceil(top * 1.2) }),
      series: series,
    });
  }

  var PALETTE = ["#fee8c8", "#fdbb84", "#fc8d59", "#e34a33", "#b30000"];

  function drawMap(element) {
    var data = readJson(element.dataset.observatoryMap);
    if (!data || !window.L) { return; }
    data = { type: "FeatureCollection", features: data.features.filter(function (f) { return f.geometry; }) };
    if (!data.features.length) { element.hidden = true; return; }
    var rates = data.features
      .map(function (f) { return f.properties.rate; })
      .filter(function (r) { return r !== null; })
      .sort(function (a, b) { return a - b; });
    function colour(rate) {
      if (!rates.length) { return PALETTE[0]; }
      var rank = rates.indexOf(rate) / Math.max(1, rates.length - 1);
      return PALETTE[Math.min(PALETTE.length - 1, Math.floor(rank * PALETTE.length))];
    }
    var map = window.L.map(element, { zoomSnap: 0.25, attributionControl: false });
    var layer = window.L.geoJSON(data, {
      style: function (feature) {
        var p = feature.properties;
        if (p.state === "suppressed") {
          return { className: "stspd-hatched", color: "#666666", weight: p.qpv ? 3 : 1, fillOpacity: 1 };
        }
        if (p.rate === null) {
          return { color: "#929292", weight: p.qpv ? 3 : 1, fillColor: "#eeeeee", fillOpacity: 1 };
        }
        return { color: "#3a3a3a", weight: p.qpv ? 3 : 1, fillColor: colour(p.rate), fillOpacity: 0.9 };
      },
      onEachFeature: function (feature, shape) {
        var p = feature.properties;
        // A merged commune with a suppressed part: "au moins" its count, no rate.
        var text = p.state === "suppressed" ? "non diffusée"
          : p.state === "lower_bound" ? p.count_text + " (borne inférieure)"
          : p.rate === null ? "—" : frNumber(p.rate, 2) + " ‰";
        var label = document.createElement("span");
        label.textContent = p.name + " : " + text
          + (p.qpv ? " ; " + p.qpv + " quartier" + (p.qpv > 1 ? "s" : "") + " prioritaire" + (p.qpv > 1 ? "s" : "") : "");
        shape.bindTooltip(label);
      },
    }).addTo(map);
    map.fitBounds(layer.getBounds());
  }

  document.querySelectorAll("[data-observatory-chart]").forEach(drawChart);
  document.querySelectorAll("[data-observatory-map]").forEach(drawMap);
  document.querySelectorAll("[data-observatory-funnel]").forEach(drawFunnel);
})();
