/* The filter panel of /carte/: reloads the layers with the chosen filters and keeps the
 * export and download links in step with them. */
(function () {
  "use strict";

  var latest = 0;

  function values(form) {
    var out = {};
    new FormData(form).forEach(function (v, k) { if (v !== "") { out[k] = v; } });
    return out;
  }

  function query(params) {
    var q = new URLSearchParams(params).toString();
    return q ? "?" + q : "";
  }

  function updateLinks(panel) {
    document.querySelectorAll("[data-export-key]").forEach(function (a) {
      var key = a.getAttribute("data-export-key");
      var base = a.getAttribute("href").split("?")[0];
      a.setAttribute("href", base + query(window.Carte.filtersFor(key)));
    });
    var download = document.getElementById("carte-telecharger");
    if (download) {
      download.setAttribute("href", download.getAttribute("href").split("?")[0] + query(panel));
    }
  }

  function check(panel) {
    if (panel.depuis && panel.jusqua && panel.jusqua < panel.depuis) {
      return "La fin de la période précède son début.";
    }
    return "";
  }

  function apply(form) {
    var panel = values(form);
    var error = check(panel);
    var box = document.getElementById("filtres-erreur");
    box.textContent = error;
    if (error) { return Promise.resolve(); }
    updateLinks(panel);
    form.setAttribute("aria-busy", "true");
    var request = ++latest;
    return window.Carte.setFilters(panel).then(function () {
      if (request !== latest) { return; }
      form.removeAttribute("aria-busy");
      var summary = document.getElementById("filtres-resume");
      var counts = window.Carte.counts();
      var parts = [];
      window.Carte.layers.forEach(function (l) {
        if (l.config.filters && !l.config.source && counts[l.config.key] !== undefined) {
          parts.push(l.config.name + " : " + counts[l.config.key]);
        }
      });
      summary.textContent = parts.join(" · ");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("carte-filtres");
    if (!form || !window.Carte) { return; }
    form.addEventListener("submit", function (e) { e.preventDefault(); apply(form); });
    form.addEventListener("change", function () { apply(form); });
    form.addEventListener("reset", function () { setTimeout(function () { apply(form); }, 0); });
  });
})();
