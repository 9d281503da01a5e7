// Small progressive enhancements; every page works without them.
document.querySelectorAll("[data-confirm]").forEach(function (el) {
  el.addEventListener("click", function (e) { if (!window.confirm(el.dataset.confirm)) e.preventDefault(); });
});

// An import's progress page: poll its status and move the bar; show the result page when it is finished.
(function () {
  var box = document.querySelector("[data-import-job]");
  if (!box) return;
  var stage = document.getElementById("import-stage");
  var count = document.getElementById("import-rows");
  var bar = document.getElementById("import-progress");
  var fill = bar.querySelector(".progress-bar");
  var rows = box.dataset.labelRows || "";
  var lang = document.documentElement.lang || undefined;
  function poll() {
    fetch(box.dataset.importJob, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (s) {
        if (s.finished) { window.location.assign(s.url); return; }
        if (stage.textContent !== s.label) stage.textContent = s.label;  // announced (aria-live); the counts are not
        count.textContent = s.total ? ": " + rows.replace("{done}", s.done.toLocaleString(lang))
          .replace("{total}", s.total.toLocaleString(lang)) : "";
        bar.setAttribute("aria-valuenow", s.percent);
        bar.setAttribute("aria-valuetext", s.percent + "%");
        fill.style.width = s.percent + "%";
        fill.textContent = s.percent + "%";
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
