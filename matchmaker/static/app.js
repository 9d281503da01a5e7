// Small progressive enhancements; every page works without them.
document.querySelectorAll("input[data-filter-select]").forEach(function (box) {
  var select = document.getElementById(box.dataset.filterSelect);
  if (!select) return;
  box.addEventListener("input", function () {
    var q = box.value.trim().toLowerCase();
    Array.prototype.forEach.call(select.options, function (opt) {
      opt.hidden = q !== "" && !opt.selected && opt.text.toLowerCase().indexOf(q) === -1;
    });
  });
});
document.querySelectorAll("[data-confirm]").forEach(function (el) {
  el.addEventListener("click", function (e) { if (!window.confirm(el.dataset.confirm)) e.preventDefault(); });
});
