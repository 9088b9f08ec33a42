/* Planning a walk: draw the route (Geoman line) and place the stops on the map; the
 * form sends them as GeoJSON (WGS84) in two hidden fields, PostGIS stores them. */
(function () {
  "use strict";

  var $ = function (id) { return document.getElementById(id); };
  var traceField = document.querySelector("[name=trace_geojson]");
  var etapesField = document.querySelector("[name=etapes_json]");
  var map = MarcheCarte.base("carte-plan");
  var routeLayer = null;
  var etapes = [];  // {id, nom, marker}
  var mode = null;

  var el = Quartier.el;

  function setRoute(layer) {
    if (routeLayer) { map.removeLayer(routeLayer); }
    routeLayer = layer;
    routeLayer.setStyle({ color: "#f77f00", weight: 5 });
    routeLayer.addTo(map);
    routeLayer.on("pm:edit", status);
    status();
  }

  function status() {
    var n = routeLayer ? routeLayer.getLatLngs().length : 0;
    $("parcours-etat").textContent = (routeLayer ? "Parcours : " + n + " points, " + Math.round(length()) + " m."
      : "Pas encore de parcours.") + " " + etapes.length + " étape" + (etapes.length > 1 ? "s" : "") + ".";
  }

  function length() {
    var pts = routeLayer.getLatLngs();
    var total = 0;
    for (var i = 1; i < pts.length; i++) { total += map.distance(pts[i - 1], pts[i]); }
    return total;
  }

  function addEtape(latlng, nom, id) {
    var marker = L.marker(latlng, { draggable: true, icon: MarcheCarte.stopIcon(etapes.length + 1) }).addTo(map);
    var etape = { id: id || null, nom: nom || "", marker: marker };
    etapes.push(etape);
    renderEtapes();
    return etape;
  }

  function renderEtapes() {
    var list = $("liste-etapes");
    list.className = "liste-etapes liste-etapes-edit";
    list.innerHTML = "";
    etapes.forEach(function (etape, i) {
      etape.marker.setIcon(MarcheCarte.stopIcon(i + 1));
      var li = el("li");
      var input = el("input", null, { type: "text", value: etape.nom, "aria-label": "Nom de l'étape " + (i + 1),
                                      placeholder: "Nom de l'étape " + (i + 1), maxlength: "200" });
      input.addEventListener("input", function () { etape.nom = input.value; });
      li.appendChild(input);
      [["↑", -1, "Monter"], ["↓", 1, "Descendre"]].forEach(function (spec) {
        var b = el("button", spec[0], { type: "button", "class": "lien-bouton", "aria-label": spec[2] + " l'étape " + (i + 1) });
        b.addEventListener("click", function () {
          var j = i + spec[1];
          if (j < 0 || j >= etapes.length) { return; }
          etapes.splice(j, 0, etapes.splice(i, 1)[0]);
          renderEtapes();
        });
        li.appendChild(b);
      });
      var remove = el("button", "Retirer", { type: "button", "class": "lien-bouton" });
      remove.addEventListener("click", function () {
        map.removeLayer(etape.marker);
        etapes.splice(i, 1);
        renderEtapes();
      });
      li.appendChild(remove);
      list.appendChild(li);
    });
    status();
  }

  function load() {
    if (traceField.value) {
      try {
        var geometry = JSON.parse(traceField.value);
        setRoute(L.polyline(geometry.coordinates.map(function (c) { return [c[1], c[0]]; })));
      } catch (e) { console.warn(e); }
    }
    try {
      JSON.parse(etapesField.value || "[]").forEach(function (e) { addEtape([e.lat, e.lon], e.nom, e.id); });
    } catch (e) { console.warn(e); }
    var group = L.featureGroup(etapes.map(function (e) { return e.marker; }).concat(routeLayer ? [routeLayer] : []));
    if (group.getLayers().length) { map.fitBounds(group.getBounds(), { padding: [30, 30] }); }
    status();
  }

  function setMode(next) {
    mode = next;
    map.pm.disableDraw();
    $("terminer-dessin").hidden = next !== "Line";
    if (next === "Line") { map.pm.enableDraw("Line", { snappable: false, finishOn: "dblclick" }); }
    if (next === "Marker") { map.pm.enableDraw("Marker", { snappable: false, continueDrawing: true }); }
  }

  map.on("pm:create", function (e) {
    if (e.shape === "Line") {
      map.removeLayer(e.layer);
      setRoute(L.polyline(e.layer.getLatLngs()));
      if (routeLayer.pm) { routeLayer.pm.enable({ snappable: false }); }
      setMode(null);
    } else if (e.shape === "Marker") {
      map.removeLayer(e.layer);
      addEtape(e.layer.getLatLng());
    }
  });

  $("tracer-parcours").addEventListener("click", function () { setMode("Line"); });
  $("ajouter-etape").addEventListener("click", function () { setMode(mode === "Marker" ? null : "Marker"); });
  $("terminer-dessin").addEventListener("click", function () {
    var drawer = map.pm.Draw.Line;
    if (drawer && drawer._enabled) { drawer._finishShape(); }
  });
  $("effacer-parcours").addEventListener("click", function () {
    if (routeLayer) { map.removeLayer(routeLayer); routeLayer = null; }
    status();
  });

  $("form-marche").addEventListener("submit", function () {
    traceField.value = routeLayer ? JSON.stringify(routeLayer.toGeoJSON(7).geometry) : "";
    etapesField.value = JSON.stringify(etapes.map(function (e) {
      var p = e.marker.getLatLng();
      return { id: e.id, nom: e.nom, lon: Number(p.lng.toFixed(7)), lat: Number(p.lat.toFixed(7)) };
    }));
  });

  load();
})();
