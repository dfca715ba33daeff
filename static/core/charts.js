// What every chart of stspd shares: French numbers and dates on axes and in tooltips, yearly
// axes that show years only, and a legend that never covers the plot (one scrolling line above
// it, the plot starting below). Loaded after ECharts and before a page's own chart script.
(function () {
  "use strict";

  function number(value, decimals) {
    if (value === null || value === undefined || value === "-" || Number.isNaN(value)) { return "—"; }
    var options = decimals === undefined ? { maximumFractionDigits: 2 }
      : { minimumFractionDigits: decimals, maximumFractionDigits: decimals };
    return Number(value).toLocaleString("fr-FR", options);
  }

  function date(value) {
    return new Date(value).toLocaleDateString("fr-FR", { day: "numeric", month: "long", year: "numeric" });
  }

  function month(value) {
    return new Date(value).toLocaleDateString("fr-FR", { month: "short", year: "numeric" });
  }

  // A value axis: French numbers (1 000, 0,5), never "1,000" or "0.5".
  function valueAxis(extra) {
    return Object.assign({ type: "value", min: 0, axisLabel: { formatter: function (v) { return number(v); } } }, extra || {});
  }

  // A yearly axis: one category per year, the value of year N drawn above "N".
  function yearAxis(years, extra) {
    return Object.assign({ type: "category", data: years.map(String), boundaryGap: true,
      axisLabel: { hideOverlap: true } }, extra || {});
  }

  // A monthly or quarterly axis: dates, labelled "janv. 2024".
  function timeAxis(extra) {
    return Object.assign({ type: "time", axisLabel: { hideOverlap: true, formatter: function (v) { return month(v); } } }, extra || {});
  }

  // The legend on one line that scrolls when narrow; the plot below it.
  var LEGEND_HEIGHT = 28;
  function legend(names) {
    return { type: "scroll", top: 0, left: 0, right: 0, height: LEGEND_HEIGHT, data: names,
      pageIconSize: 12, textStyle: { fontSize: 12 } };
  }
  function grid(extra) {
    return Object.assign({ left: 56, right: 24, top: LEGEND_HEIGHT + 24, bottom: 40, containLabel: false }, extra || {});
  }

  // The same chart as the page on every screen: redrawn to its box when the window changes.
  function init(element) {
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  window.stspdCharts = { number: number, date: date, month: month, valueAxis: valueAxis, yearAxis: yearAxis,
    timeAxis: timeAxis, legend: legend, grid: grid, init: init, LEGEND_HEIGHT: LEGEND_HEIGHT };
})();
