// A type-to-search box on long selects (people pickers: task owner, plan action owner, forward, add a
// reviewer, delegate). Progressive enhancement: the <select> stays the form's field and is sent as before;
// the box above it only narrows the select's own options — exactly the people the server offers and
// accepts for that step (core.ui.StaffChoiceField marks such selects with data-search). Without JavaScript
// the plain select still works. Matches any part of the option's text (name, employee number, unit),
// case-insensitively; when one person is left they are chosen.
(function () {
  "use strict";

  function enhance(select) {
    if (select.dataset.searchReady || select.multiple) return;
    select.dataset.searchReady = "1";
    var all = Array.prototype.slice.call(select.options).map(function (option) {
      return option;
    });
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1 app-picker-search";
    box.placeholder = select.dataset.searchPlaceholder || "";
    box.setAttribute("aria-label", box.placeholder);
    box.autocomplete = "off";
    if (select.id) box.id = select.id + "_search";
    select.parentNode.insertBefore(box, select);

    box.addEventListener("input", function () {
      var needle = box.value.trim().toLowerCase();
      var chosen = select.value;
      var matches = all.filter(function (option) {
        return option.value !== "" && (!needle || option.text.toLowerCase().indexOf(needle) !== -1);
      });
      var keep = all.filter(function (option) {
        return option.value === "" || matches.indexOf(option) !== -1;
      });
      while (select.options.length) select.remove(0);
      keep.forEach(function (option) {
        select.add(option);
      });
      if (needle && matches.length === 1) select.value = matches[0].value;
      else if (keep.some(function (option) { return option.value === chosen; })) select.value = chosen;
      else if (keep.length) select.value = keep[0].value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("select[data-search]").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhanceAll(document);
  });
  // Forms that arrive later (htmx swaps, formset rows added by script).
  document.addEventListener("htmx:afterSwap", function (event) {
    enhanceAll(event.target);
  });
  window.AppPicker = { enhanceAll: enhanceAll };
})();
