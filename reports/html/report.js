/* pscan HTML report: filter findings by severity, category and text, and capacity by product. No network, no eval. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) {
    return;
  }
  form.hidden = false;
  var findings = Array.prototype.slice.call(document.querySelectorAll("details.finding"));
  var severityBoxes = Array.prototype.slice.call(form.querySelectorAll("input[name=severity]"));
  var category = document.getElementById("filter-category");
  var search = document.getElementById("filter-text");
  var shown = document.getElementById("shown-count");
  var noMatch = document.getElementById("no-match");

  function hideEmpty(selector) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), function (group) {
      group.hidden = !group.querySelector("details.finding:not([hidden])");
    });
  }

  /* A group's count is the rows it shows: "3 of 66" while a filter hides some. */
  function countGroups() {
    Array.prototype.forEach.call(document.querySelectorAll(".group-count"), function (label) {
      var group = label.closest(".cat-group, .sev-group");
      var visible = String(group.querySelectorAll("details.finding:not([hidden])").length);
      var total = label.getAttribute("data-total");
      label.textContent = visible === total ? total : visible + " of " + total;
    });
  }

  function apply() {
    var severities = {};
    severityBoxes.forEach(function (box) {
      severities[box.value] = box.checked;
    });
    var wanted = category.value;
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var count = 0;
    findings.forEach(function (finding) {
      var text = finding.getAttribute("data-search") || "";
      var visible =
        severities[finding.getAttribute("data-severity")] === true &&
        (!wanted || finding.getAttribute("data-category") === wanted) &&
        words.every(function (word) {
          return text.indexOf(word) !== -1;
        });
      finding.hidden = !visible;
      if (visible) {
        count += 1;
      }
    });
    hideEmpty(".cat-group");
    hideEmpty(".sev-group");
    countGroups();
    shown.textContent = String(count);
    noMatch.hidden = count !== 0;
  }

  function setOpen(open) {
    findings.forEach(function (finding) {
      if (!finding.hidden) {
        finding.open = open;
      }
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
  });
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  document.getElementById("expand-all").addEventListener("click", function () {
    setOpen(true);
  });
  document.getElementById("collapse-all").addEventListener("click", function () {
    setOpen(false);
  });
  apply();
})();

/* Headroom by product: show one product's limits. */
(function () {
  "use strict";
  var form = document.getElementById("capacity-filters");
  if (!form) {
    return;
  }
  form.hidden = false;
  var select = document.getElementById("filter-product");
  var products = Array.prototype.slice.call(document.querySelectorAll("details.cap-product[data-product]"));

  function apply() {
    var wanted = select.value;
    products.forEach(function (product) {
      var visible = !wanted || product.getAttribute("data-product") === wanted;
      product.hidden = !visible;
      if (visible && wanted) {
        product.open = true;
      }
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
  });
  select.addEventListener("change", apply);
  apply();
})();
