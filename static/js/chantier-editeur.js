/* Small maps of the chantier pages: show an operation's footprint, draw or edit it
 * (Leaflet + Geoman, pilots), or sketch a proposal on a friche (residents).
 * The drawing is written to a hidden input as one GeoJSON geometry in WGS84; the
 * server validates it (shapely) and refuses it with a French message if needed. */
(function () {
  "use strict";

  function parse(text) {
    if (!text) { return null; }
    try { return JSON.parse(text); } catch (e) { return null; }
  }

  function parts(geometry) {
    if (!geometry) { return []; }
    if (geometry.type.indexOf("Multi") === 0) {
      var single = geometry.type.slice(5);
      return geometry.coordinates.map(function (c) { return { type: single, coordinates: c }; });
    }
    return [geometry];
  }

  /* Every drawn shape into one geometry: X, or MultiX; a mix of kinds is refused. */
  function combine(layers) {
    var geoms = [];
    layers.forEach(function (layer) {
      if (!layer.toGeoJSON) { return; }
      var gj = layer.toGeoJSON();
      var features = gj.type === "FeatureCollection" ? gj.features : [gj];
      features.forEach(function (f) { geoms = geoms.concat(parts(f.geometry || f)); });
    });
    if (!geoms.length) { return { geometry: null }; }
    var kinds = {};
    geoms.forEach(function (g) { kinds[g.type] = true; });
    var names = Object.keys(kinds);
    if (names.length > 1) {
      return { error: "Dessinez des formes d'un seul type (points, lignes ou surfaces), pas un mélange." };
    }
    if (geoms.length === 1) { return { geometry: geoms[0] }; }
    return { geometry: { type: "Multi" + names[0], coordinates: geoms.map(function (g) { return g.coordinates; }) } };
  }

  function setup(box) {
    var input = box.getAttribute("data-input") ? document.getElementById(box.getAttribute("data-input")) : null;
    var mode = box.getAttribute("data-mode") || "view";
    Quartier.franciser();
    var map = L.map(box, { scrollWheelZoom: mode !== "view" });
    box._leafletMap = map;
    Quartier.fond(map, box);
    var reference = parse(box.getAttribute("data-reference"));
    var refLayer = null;
    if (reference) {
      refLayer = L.geoJSON(reference, {
        pmIgnore: true, interactive: false,
        style: { color: "#5d4037", weight: 2, dashArray: "4 4", fillOpacity: 0.1 },
        pointToLayer: function (f, ll) { return L.circleMarker(ll, { radius: 8, color: "#5d4037", pmIgnore: true }); },
      }).addTo(map);
    }
    var initial = parse(input ? input.value : box.getAttribute("data-geometry"));
    var drawn = L.geoJSON(initial, { style: { color: "#b5179e", weight: 3, fillOpacity: 0.25 } }).addTo(map);
    var bounds = drawn.getLayers().length ? drawn.getBounds() : (refLayer ? refLayer.getBounds() : null);
    if (bounds && bounds.isValid()) {
      map.fitBounds(bounds, { padding: [20, 20], maxZoom: 18 });
    } else {
      var vue = Quartier.vue();
      map.setView(vue.center, vue.zoom);
    }
    if (mode === "view" || !map.pm) { return; }

    map.pm.setLang("fr");
    map.pm.addControls({
      position: "topleft", drawCircle: false, drawCircleMarker: false, drawText: false,
      cutPolygon: false, rotateMode: false,
    });
    // Geoman's buttons are bare links: give each the name its tooltip shows (screen readers).
    box.querySelectorAll(".leaflet-buttons-control-button").forEach(function (button) {
      var holder = button.closest("[title]");
      if (holder && !button.getAttribute("aria-label")) { button.setAttribute("aria-label", holder.getAttribute("title")); }
    });
    var status = document.getElementById(box.getAttribute("data-status"));
    function sync() {
      var layers = map.pm.getGeomanLayers();
      var result = combine(layers);
      if (status) { status.textContent = result.error || ""; }
      if (!result.error) { input.value = result.geometry ? JSON.stringify(result.geometry) : ""; }
      box.setAttribute("data-shapes", String(layers.length));
      return result;
    }
    map.on("pm:create", function (e) {
      e.layer.on("pm:edit pm:dragend", sync);
      sync();
    });
    map.on("pm:remove", sync);
    drawn.eachLayer(function (l) { l.on("pm:edit pm:dragend", sync); });
    map.on("pm:globaleditmodetoggled pm:globaldragmodetoggled", sync);
    var form = input.form;
    form.addEventListener("submit", function (event) {
      var result = sync();
      if (result.error) { event.preventDefault(); }
    });
    box.editeur = { sync: sync, map: map, combine: combine };
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".carte-editeur").forEach(setup);
  });
})();
