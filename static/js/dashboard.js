/* The dashboard's charts (Apache ECharts, vendored) and the month/year switch.
 * Data come from the JSON the page embeds with json_script (#dashboard-charts); the tables beside the
 * charts hold the exact figures. Figures are written by window.Fmt (static/js/app.js: the one rule of
 * core/formats.py): money axes in 万/亿, tooltips in full money, rates with one decimal.
 * Charts resize with the window (laptop and phone). */
(function () {
  "use strict";

  var source = document.getElementById("dashboard-charts");
  var data = source ? JSON.parse(source.textContent) : null;
  var Fmt = window.Fmt;
  var charts = [];
  var period = "month";

  // A rate's axis tick: a whole percentage (the ticks are round; figures themselves use Fmt.fracRate).
  function tick(value) {
    return Math.round(Number(value) * 100) + "%";
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
            labels.sales + ": " + Fmt.money(row.sales) + " (" + labels.mom + " " + Fmt.fracRate(row.sales_mom) + ", " + labels.yoy + " " + Fmt.fracRate(row.sales_yoy) + ")",
            labels.collections + ": " + Fmt.money(row.collections) + " (" + labels.mom + " " + Fmt.fracRate(row.collections_mom) + ", " + labels.yoy + " " + Fmt.fracRate(row.collections_yoy) + ")",
          ].join("<br>");
        },
      },
      legend: { data: [labels.sales, labels.collections, labels.yoy] },
      grid: { left: 8, right: 8, bottom: 8, top: 36, containLabel: true },
      xAxis: { type: "category", data: rows.map(function (r) { return r.month; }) },
      yAxis: [
        // Amounts are never negative: the axis starts at 0.
        { type: "value", min: 0, axisLabel: { formatter: Fmt.axis } },
        { type: "value", axisLabel: { formatter: tick }, splitLine: { show: false } },
      ],
      series: [
        { name: labels.sales, type: "bar", data: rows.map(function (r) { return r.sales; }) },
        // Straight segments: a smoothed curve overshoots between months and dips below zero.
        { name: labels.collections, type: "line", smooth: false, data: rows.map(function (r) { return r.collections; }) },
        { name: labels.yoy, type: "line", yAxisIndex: 1, lineStyle: { type: "dashed" }, data: rows.map(function (r) { return r.sales_yoy; }) },
      ],
    });
  }

  /* Attainment (完成率): one small gauge per metric, side by side, each with its own centre and a radius
   * in pixels worked out from the box, so the gauges (four: sales, collections, new customers, new channels) never overlap nor leave the card, at any width. The
   * arc stops at 100 %; the label says the true rate (e.g. 123.4 %). */
  var GAUGE_COLORS = { good: "#2e7d32", fair: "#f9a825", poor: "#c62828", none: "#adb5bd" };

  function gaugeLayout(width, height, n) {
    var cell = width / n;
    var radius = Math.max(24, Math.floor(Math.min(cell / 2 - 10, (height - 24) / 1.9)));
    // The arc, the value and the name below take about 1.62 r + 26 px: centred in the box's height.
    var used = 1.62 * radius + 26;
    return { cell: cell, radius: radius, top: Math.max(10, Math.round((height - used) / 2)) + radius };
  }

  function gaugeChart(element, which) {
    var rates = data.gauges[which];
    var names = Object.keys(rates);
    var box = gaugeLayout(element.clientWidth || 300, element.clientHeight || 240, names.length);
    var ring = Math.max(6, Math.round(box.radius * 0.18));
    var series = names.map(function (metric, i) {
      var rate = rates[metric];
      var percent = rate === null ? 0 : rate * 100;
      var color = rate === null ? GAUGE_COLORS.none : percent >= 100 ? GAUGE_COLORS.good : percent >= 60 ? GAUGE_COLORS.fair : GAUGE_COLORS.poor;
      return {
        id: "gauge-" + metric,
        type: "gauge",
        center: [Math.round(box.cell * (i + 0.5)), box.top],
        radius: box.radius,
        min: 0,
        max: 100,
        startAngle: 210,
        endAngle: -30,
        // No target, no rate: an empty ring (no arc, not even a dot) and "no target" under the name.
        progress: { show: rate !== null, width: ring, roundCap: true, itemStyle: { color: color } },
        axisLine: { roundCap: true, lineStyle: { width: ring, color: [[1, "#e9ecef"]] } },
        axisTick: { show: false },
        splitLine: { show: false },
        axisLabel: { show: false },
        pointer: { show: false },
        anchor: { show: false },
        title: { offsetCenter: [0, Math.round(box.radius * 0.62 + 12)], fontSize: 12, lineHeight: 16, color: "#495057" },
        detail: {
          valueAnimation: false,
          offsetCenter: [0, 0],
          fontSize: Math.max(12, Math.round(box.radius * 0.32)),
          fontWeight: 600,
          color: "#212529",
          formatter: function () { return Fmt.fracRate(rate); },
        },
        // The arc is capped at 100 % (a full ring); the true rate is in the label and in `rate`.
        data: [{
          value: Math.min(100, Math.max(0, percent)),
          name: rate === null ? data.metric_labels[metric] + "\n" + data.labels.no_target : data.metric_labels[metric],
          rate: rate,
        }],
      };
    });
    return { series: series };
  }

  function ageingChart() {
    make("chart-ageing", window.Charts.ageingBars(data.ageing, data.labels.open));
  }

  function overdueChart() {
    var threshold = data.overdue_threshold;
    make("chart-overdue", {
      tooltip: { trigger: "axis", valueFormatter: Fmt.fracRate },
      // Room above and to the right for the threshold line's label (inside the plot, never clipped).
      grid: { left: 8, right: 16, bottom: 8, top: 24, containLabel: true },
      xAxis: { type: "category", data: data.overdue_trend.map(function (r) { return r.as_of; }) },
      yAxis: {
        type: "value",
        min: 0,
        // The threshold line stays in view even when every share is below it.
        max: function (extent) { return Math.ceil(Math.max(extent.max, threshold * 1.2) * 10) / 10; },
        axisLabel: { formatter: tick },
      },
      series: [{
        name: data.labels.overdue_share,
        type: "line",
        data: data.overdue_trend.map(function (r) { return r.share; }),
        markLine: {
          silent: true,
          symbol: "none",
          data: [{ yAxis: threshold }],
          lineStyle: { color: "#c62828", type: "dashed" },
          label: { position: "insideEndTop", color: "#c62828", formatter: data.labels.threshold },
        },
      }],
    });
  }

  /* Receivable turnover (应收周转): DSO and turnover days over 12 months, one line each; a month
   * without sales has no figure (a gap, not a zero). */
  function turnoverChart() {
    var rows = data.turnover;
    var labels = data.labels;
    if (!rows || !rows.length) return;
    make("chart-turnover", {
      tooltip: {
        trigger: "axis",
        // Days with one decimal, as the card beside the chart writes them (core/formats.number).
        valueFormatter: function (value) { return value === null || value === undefined ? "—" : Number(value).toFixed(1) + " " + labels.days; },
      },
      legend: { data: [labels.dso, labels.turnover_days] },
      grid: { left: 8, right: 16, bottom: 8, top: 36, containLabel: true },
      xAxis: { type: "category", data: rows.map(function (r) { return r.month; }) },
      yAxis: { type: "value", min: 0 },
      series: [
        { name: labels.dso, type: "line", smooth: false, connectNulls: false, data: rows.map(function (r) { return r.dso; }) },
        { name: labels.turnover_days, type: "line", smooth: false, connectNulls: false, lineStyle: { type: "dashed" }, data: rows.map(function (r) { return r.turnover_days; }) },
      ],
    });
  }

  var gauges = null;

  function drawGauges() {
    if (gauges) gauges.setOption(gaugeChart(gauges.getDom(), period), { notMerge: true });
  }

  function switchPeriod(next) {
    period = next;
    document.querySelectorAll(".dash-period").forEach(function (element) {
      element.hidden = element.getAttribute("data-period") !== period;
    });
    document.querySelectorAll("#dash-period-switch [data-period]").forEach(function (button) {
      var active = button.getAttribute("data-period") === period;
      button.classList.toggle("btn-primary", active);
      button.classList.toggle("btn-outline-primary", !active);
      button.setAttribute("aria-pressed", active ? "true" : "false");
    });
    drawGauges();
  }

  document.querySelectorAll("#dash-period-switch [data-period]").forEach(function (button) {
    button.addEventListener("click", function () { switchPeriod(button.getAttribute("data-period")); });
  });

  if (data) {
    trendChart();
    var gaugeBox = document.getElementById("chart-gauges");
    gauges = gaugeBox ? make("chart-gauges", gaugeChart(gaugeBox, period)) : null;
    ageingChart();
    overdueChart();
    turnoverChart();
    var pending = null;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(function () {
        charts.forEach(function (chart) { chart.resize(); });
        drawGauges(); // the radii follow the new width
      }, 100);
    });
  }
})();
