/* Map of the filtered reports on the triage page (clustered; text inserted as text). */
(function () {
  "use strict";
  /* Panels: the filters open on a wide screen; the bulk action opens when a row is checked. */
  var filtres = document.getElementById("triage-filtres");
  if (filtres && window.matchMedia("(min-width: 60rem)").matches) { filtres.open = true; }
  var groupe = document.getElementById("triage-groupe");
  function countChecked() {
    var n = document.querySelectorAll(".triage-coche:checked").length;
    var badge = document.getElementById("nb-coches");
    badge.textContent = n + (n > 1 ? " cochés" : " coché");
    badge.setAttribute("data-count", String(n));
    if (n && !groupe.open) { groupe.open = true; }
  }
  if (groupe) {
    document.querySelectorAll(".triage-coche").forEach(function (box) { box.addEventListener("change", countChecked); });
  }

  var box = document.getElementById("carte-triage");
  if (!box) { return; }
  var map = Quartier.carte(box);
  var cluster = L.markerClusterGroup({ showCoverageOnHover: false });
  map.addLayer(cluster);
  var params = new URLSearchParams(JSON.parse(box.getAttribute("data-query") || "{}"));
  params.set("page_size", "2000");
  var COLORS = { nouveau: "#1d3557", transmis: "#1d3557", en_cours: "#9a4a00", resolu: "#0b6e4f", rejete: "#555", doublon: "#555" };

  function popup(id, p) {
    var div = document.createElement("div");
    var strong = document.createElement("strong");
    strong.textContent = p.categorie_nom;
    div.appendChild(strong);
    var line = document.createElement("div");
    line.textContent = p.statut_libelle + (p.acteur_nom ? " — " + p.acteur_nom : "");
    div.appendChild(line);
    var a = document.createElement("a");
    a.href = "/signalements/" + encodeURIComponent(id) + "/";
    a.textContent = "Ouvrir la fiche";
    div.appendChild(a);
    return div;
  }

  fetch("/api/v1/signalements/?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, { radius: 7, weight: 2, color: "#fff", fillOpacity: 0.9,
                                           fillColor: COLORS[f.properties.statut] || "#b00020" });
        },
        onEachFeature: function (f, l) { l.bindPopup(function () { return popup(f.id, f.properties); }); },
      });
      cluster.addLayer(layer);
      if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 17 }); }
      box.setAttribute("data-loaded", String(layer.getLayers().length));
    });
})();
