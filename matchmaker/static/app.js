// Small progressive enhancements; every page works without them.
document.querySelectorAll("[data-confirm]").forEach(function (el) {
  el.addEventListener("click", function (e) { if (!window.confirm(el.dataset.confirm)) e.preventDefault(); });
});
