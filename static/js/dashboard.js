/* The dashboard's charts (Apache ECharts, vendored) and the month/year switch.
 * Data come from the JSON the page embeds with json_script (#dashboard-charts); the tables beside the
 * charts hold the exact figures. Charts resize with the window (laptop and phone). */
(function () {
  "use strict";

  var source = document.getElementById("dashboard-charts");
  var data = source ? JSON.parse(source.textContent) : null;
  var charts = [];

  function percent(value) {
    return value === null || value === undefined ? "—" : (value * 100).toFixed(1) + "%";
  }

  function money(value) {
    return value === null || value === undefined ? "—" : Number(value).toLocaleString(undefined, { maximumFractionDigits: 0 });
  }

  function make(id, option) {
    var element = document.getElementById(id);
    if (!element || typeof echarts === "undefined") return null;
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(option);
    charts.push(chart);
    return chart;
  }

  function trendChart() {
    var rows = data.trend;
    var labels = data.labels;
    make("chart-trend", {
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          var row = rows[items[0].dataIndex];
          return [
            "<b>" + row.month + "</b>",
            labels.sales + ": " + money(row.sales) + " (" + labels.mom + " " + percent(row.sales_mom) + ", " + labels.yoy + " " + percent(row.sales_yoy) + ")",
            labels.collections + ": " + money(row.collections) + " (" + labels.mom + " " + percent(row.collections_mom) + ", " + labels.yoy + " " + percent(row.collections_yoy) + ")",
          ].join("<br>");
        },
      },
      legend: { data: [labels.sales, labels.collections, labels.yoy] },
      grid: { left: 8, right: 8, bottom: 8, top: 36, containLabel: true },
      xAxis: { type: "category", data: rows.map(function (r) { return r.month; }) },
      yAxis: [
        { type: "value", axisLabel: { formatter: function (v) { return money(v); } } },
        { type: "value", axisLabel: { formatter: function (v) { return (v * 100).toFixed(0) + "%"; } }, splitLine: { show: false } },
      ],
      series: [
        { name: labels.sales, type: "bar", data: rows.map(function (r) { return r.sales; }) },
        { name: labels.collections, type: "line", smooth: true, data: rows.map(function (r) { return r.collections; }) },
        { name: labels.yoy, type: "line", yAxisIndex: 1, lineStyle: { type: "dashed" }, data: rows.map(function (r) { return r.sales_yoy; }) },
      ],
    });
  }

  function gaugeChart(period) {
    var rates = data.gauges[period];
    var names = Object.keys(rates);
    var series = names.map(function (metric, i) {
      var center = [(100 / names.length) * (i + 0.5) + "%", "58%"];
      return {
        type: "gauge",
        center: center,
        radius: "70%",
        min: 0,
        max: 150,
        startAngle: 210,
        endAngle: -30,
        progress: { show: true, width: 8 },
        axisLine: { lineStyle: { width: 8 } },
        axisTick: { show: false },
        splitLine: { show: false },
        axisLabel: { show: false },
        pointer: { show: false },
        title: { offsetCenter: [0, "75%"], fontSize: 12 },
        detail: { offsetCenter: [0, "10%"], fontSize: 16, formatter: function (v) { return rates[metric] === null ? "—" : v.toFixed(1) + "%"; } },
        data: [{ value: rates[metric] === null ? 0 : rates[metric] * 100, name: data.metric_labels[metric] }],
      };
    });
    return { series: series };
  }

  function ageingChart() {
    make("chart-ageing", {
      tooltip: { trigger: "axis", valueFormatter: money },
      grid: { left: 8, right: 8, bottom: 8, top: 16, containLabel: true },
      xAxis: { type: "category", data: data.ageing.map(function (b) { return b.label; }), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", axisLabel: { formatter: money } },
      series: [{
        name: data.labels.open,
        type: "bar",
        data: data.ageing.map(function (b, i) {
          return { value: b.amount, itemStyle: { color: i === 0 ? "#2e7d32" : ["#f9a825", "#ef6c00", "#e65100", "#c62828", "#8e0000"][i - 1] } };
        }),
      }],
    });
  }

  function overdueChart() {
    make("chart-overdue", {
      tooltip: { trigger: "axis", valueFormatter: percent },
      grid: { left: 8, right: 8, bottom: 8, top: 16, containLabel: true },
      xAxis: { type: "category", data: data.overdue_trend.map(function (r) { return r.as_of; }) },
      yAxis: { type: "value", min: 0, axisLabel: { formatter: function (v) { return (v * 100).toFixed(0) + "%"; } } },
      series: [{
        name: data.labels.overdue_share,
        type: "line",
        data: data.overdue_trend.map(function (r) { return r.share; }),
        markLine: { silent: true, symbol: "none", data: [{ yAxis: 0.3 }], lineStyle: { color: "#c62828", type: "dashed" } },
      }],
    });
  }

  var gauges = null;

  function switchPeriod(period) {
    document.querySelectorAll(".dash-period").forEach(function (element) {
      element.hidden = element.getAttribute("data-period") !== period;
    });
    document.querySelectorAll("#dash-period-switch [data-period]").forEach(function (button) {
      var active = button.getAttribute("data-period") === period;
      button.classList.toggle("btn-primary", active);
      button.classList.toggle("btn-outline-primary", !active);
      button.setAttribute("aria-pressed", active ? "true" : "false");
    });
    if (gauges) gauges.setOption(gaugeChart(period), { replaceMerge: ["series"] });
  }

  document.querySelectorAll("#dash-period-switch [data-period]").forEach(function (button) {
    button.addEventListener("click", function () { switchPeriod(button.getAttribute("data-period")); });
  });

  if (data) {
    trendChart();
    gauges = make("chart-gauges", gaugeChart("month"));
    ageingChart();
    overdueChart();
    var pending = null;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(function () { charts.forEach(function (chart) { chart.resize(); }); }, 100);
    });
  }
})();
