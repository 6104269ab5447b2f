/* Live totals on the plan and distribution forms (a convenience: the server's check is the authority).
   Amounts are added in cents so that 0.1 + 0.2 shows 0.30. */
(function () {
  function cents(input) {
    var v = (input.value || "").trim();
    if (v === "") return 0;
    var n = Number(v);
    return isFinite(n) ? Math.round(n * 100) : 0;
  }
  function show(c) {
    var s = (Math.abs(c) / 100).toFixed(2);
    return (c < 0 ? "-" : "") + s.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }
  function sum(inputs) {
    var t = 0;
    inputs.forEach(function (i) { t += cents(i); });
    return t;
  }
  function status(el, total, expected, box) {
    if (!el) return;
    if (expected === null) { el.textContent = ""; return; }
    var d = total - expected;
    el.className = el.className.replace(/\btext-(success|danger)\b/g, "").trim();
    if (d === 0) { el.textContent = box.dataset.ok; el.classList.add("text-success"); }
    else { el.textContent = (d > 0 ? box.dataset.over : box.dataset.short) + " " + show(Math.abs(d)); el.classList.add("text-danger"); }
  }
  function inPeriod(month, period) {
    period = (period || "").trim();
    if (/^\d{4}$/.test(period)) return month.slice(0, 4) === period;
    var q = /^(\d{4})-Q([1-4])$/.exec(period);
    if (q) { var m = Number(month.slice(5)); return month.slice(0, 4) === q[1] && Math.ceil(m / 3) === Number(q[2]); }
    return false;
  }
  function updateLine(box) {
    var valueInput = box.querySelector(".js-line-value");
    var expected = valueInput && valueInput.value.trim() !== "" ? cents(valueInput) : null;
    var children = box.querySelectorAll(".js-child");
    if (children.length) {
      var ct = sum(children);
      box.querySelector(".js-children-total").textContent = show(ct);
      status(box.querySelector(".js-children-diff"), ct, ct || expected ? expected : null, box);
    }
    var months = box.querySelectorAll(".js-month");
    if (months.length) {
      var periodInput = box.querySelector(".js-line-period");
      var period = periodInput && periodInput.value.trim() ? periodInput.value : box.closest("form").dataset.planPeriod;
      box.querySelectorAll(".js-month-cell").forEach(function (cell) {
        cell.classList.toggle("opacity-50", !inPeriod(cell.dataset.month, period));
      });
      var mt = sum(months);
      box.querySelector(".js-months-total").textContent = show(mt);
      status(box.querySelector(".js-months-diff"), mt, mt || expected ? expected : null, box);
    }
  }
  function updateBudget() {
    var out = document.getElementById("budget-total");
    if (out) out.textContent = show(sum(document.querySelectorAll(".js-budget-amount")));
  }
  function updateDistribution(form) {
    var total = sum(form.querySelectorAll(".js-month-value"));
    var out = form.querySelector(".js-sum-total");
    if (out) out.textContent = show(total);
    var st = form.querySelector(".js-sum-status");
    if (!st) return;
    var kind = document.getElementById(st.dataset.kindField);
    if (kind && kind.value === "percentages") {
      var d = total - 10000;
      st.textContent = d === 0 ? st.dataset.ok : st.dataset.off + " " + (d > 0 ? "+" : "") + show(d);
      st.className = "ms-2 js-sum-status " + (d === 0 ? "text-success" : "text-danger");
    } else { st.textContent = ""; }
  }
  function refresh() {
    document.querySelectorAll(".js-split-line").forEach(updateLine);
    updateBudget();
    document.querySelectorAll(".js-sum-form").forEach(updateDistribution);
  }
  document.addEventListener("input", refresh);
  document.addEventListener("change", refresh);
  document.addEventListener("DOMContentLoaded", refresh);
})();
