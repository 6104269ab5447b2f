/* Small behaviours of the pages, attached by data attributes: the Content-Security-Policy allows no
   inline event handlers (onclick=, onchange=, hx-on=), so they live here. */
(function () {
  "use strict";

  // window.Fmt: the one formatting rule of core/formats.py, for charts and figures drawn in the browser.
  // Money two decimals grouped; 万/亿 for a glance; counts whole; rates one decimal.
  function grouped(number, places) {
    return Number(number).toLocaleString("en-US", { minimumFractionDigits: places, maximumFractionDigits: places });
  }
  function missing(value) { return value === null || value === undefined || value === "" || isNaN(Number(value)); }
  window.Fmt = {
    money: function (value) { return missing(value) ? "—" : grouped(value, 2); },
    wan: function (value) {
      if (missing(value)) { return "—"; }
      var number = Number(value), size = Math.abs(number);
      if (size >= 1e8) { return grouped(number / 1e8, 2) + " 亿"; }
      if (size >= 1e4) { return grouped(number / 1e4, 2) + " 万"; }
      return grouped(number, 2);
    },
    // A chart axis: no decimals needed on round ticks.
    axis: function (value) {
      var number = Number(value), size = Math.abs(number);
      if (size >= 1e8) { return grouped(number / 1e8, size % 1e8 === 0 ? 0 : 1) + "亿"; }
      if (size >= 1e4) { return grouped(number / 1e4, size % 1e4 === 0 ? 0 : 1) + "万"; }
      return grouped(number, 0);
    },
    count: function (value) { return missing(value) ? "—" : grouped(Math.round(Number(value)), 0); },
    rate: function (value) { return missing(value) ? "—" : Number(value).toFixed(1) + "%"; },
    fracRate: function (value) { return missing(value) ? "—" : (Number(value) * 100).toFixed(1) + "%"; }
  };

  // window.Charts.ageingBars: the one ageing chart (dashboard and report) — open receivables per bucket,
  // the not-due bucket green and the overdue ones darker red the older they are.
  var AGEING_COLOURS = ["#2e7d32", "#f9a825", "#ef6c00", "#e65100", "#c62828", "#8e0000", "#5d0000"];
  window.Charts = {
    ageingBars: function (buckets, seriesName) {
      return {
        tooltip: { trigger: "axis", valueFormatter: window.Fmt.money },
        grid: { left: 8, right: 8, bottom: 8, top: 16, containLabel: true },
        xAxis: { type: "category", data: buckets.map(function (b) { return b.label; }), axisLabel: { interval: 0, rotate: 30 } },
        yAxis: { type: "value", min: 0, axisLabel: { formatter: window.Fmt.axis } },
        series: [{
          name: seriesName,
          type: "bar",
          data: buckets.map(function (b, i) {
            var value = b.amount === null || b.amount === undefined || b.amount === "" ? null : Number(b.amount);
            return { value: value, itemStyle: { color: AGEING_COLOURS[Math.min(i, AGEING_COLOURS.length - 1)] } };
          }),
        }],
      };
    }
  };

  // <select data-autosubmit>: choosing a value submits its form.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });

  // <input data-select-on-focus>: the whole value is selected, ready to copy.
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-select-on-focus]")) {
      target.select();
    }
  });

  // <form data-confirm="question">: asks before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // <button data-copy-target="#id" data-done="Copied">: copies the target input's value.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy-target]") : null;
    if (!button) { return; }
    var input = document.querySelector(button.dataset.copyTarget);
    if (!input) { return; }
    input.focus();
    input.select();
    var done = function () { button.textContent = button.dataset.done; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });

  // hx-target answers with data-swap-errors="400 403 409": htmx swaps those error answers in too (they
  // carry the refusal's message), instead of dropping them.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var element = event.detail.elt;
    var codes = element && element.closest ? element.closest("[data-swap-errors]") : null;
    if (codes && codes.dataset.swapErrors.split(" ").indexOf(String(event.detail.xhr.status)) !== -1) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
