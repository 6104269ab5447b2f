/* The business report page's two charts (Apache ECharts, vendored): sales against target of the units
 * one level below the report's, and the open receivables by age. Data come from the JSON the page embeds
 * with json_script (#report-charts, reports.presenters._charts); figures are written by window.Fmt (the
 * one rule of core/formats.py). The CSP forbids inline scripts, so this is a file. */
(function () {
  "use strict";

  var source = document.getElementById("report-charts");
  if (!source || typeof echarts === "undefined" || !window.Fmt) return;
  var data = JSON.parse(source.textContent);
  var Fmt = window.Fmt;
  var charts = [];

  function num(value) {
    return value === null || value === undefined || value === "" ? null : Number(value);
  }

  function make(id, option) {
    var element = document.getElementById(id);
    if (!element) return;
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(option);
    charts.push(chart);
  }

  function salesChart() {
    var rows = data.sales;
    if (!rows.length) return;
    make("report-chart-sales", {
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          var row = rows[items[0].dataIndex];
          return "<b>" + row.name + "</b><br>" +
            data.labels.actual + ": " + Fmt.money(row.actual) + "<br>" +
            data.labels.target + ": " + Fmt.money(row.target) + "<br>" +
            Fmt.rate(row.rate);
        },
      },
      legend: { data: [data.labels.actual, data.labels.target] },
      grid: { left: 8, right: 8, bottom: 8, top: 36, containLabel: true },
      xAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", min: 0, axisLabel: { formatter: Fmt.axis } },
      series: [
        { name: data.labels.actual, type: "bar", data: rows.map(function (r) { return num(r.actual); }) },
        { name: data.labels.target, type: "bar", itemStyle: { color: "#b0bec5" }, data: rows.map(function (r) { return num(r.target); }) },
      ],
    });
  }

  function ageingChart() {
    make("report-chart-ageing", window.Charts.ageingBars(data.ageing, data.labels.open));
  }

  salesChart();
  ageingChart();
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
