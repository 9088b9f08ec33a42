/* Shared map pieces of the walk pages: base map, route, numbered stops, annotations.
 * Text always goes in with textContent or Leaflet's escaped tooltips, never as HTML. */
(function () {
  "use strict";

  var ROUTE = { color: "#f77f00", weight: 5, opacity: 0.9 };
  var COLORS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#56b4e9", "#e69f00", "#6a3d9a", "#000000"];

  function base(id, options) {
    return Quartier.carte(id, Object.assign({ zoomControl: true }, options || {}), 16);
  }

  function stopIcon(ordre) {
    var div = document.createElement("div");
    div.className = "etape-icone";
    div.textContent = String(ordre);
    return L.divIcon({ html: div, className: "", iconSize: [30, 30], iconAnchor: [15, 15] });
  }

  function drawRoute(map, data) {
    var group = L.featureGroup().addTo(map);
    if (data.trace && data.trace.length > 1) {
      L.polyline(data.trace.map(function (c) { return [c[1], c[0]]; }), ROUTE).addTo(group);
    }
    var markers = {};
    (data.etapes || []).forEach(function (e) {
      var marker = L.marker([e.lat, e.lon], { icon: stopIcon(e.ordre), title: e.ordre + ". " + e.nom, keyboard: true });
      marker.bindTooltip(e.ordre + ". " + e.nom);
      marker.addTo(group);
      markers[e.id] = marker;
    });
    if (group.getLayers().length) { map.fitBounds(group.getBounds(), { padding: [24, 24], maxZoom: 17 }); }
    return { group: group, markers: markers };
  }

  function colorFor(key) {
    var s = String(key || "");
    var h = 0;
    for (var i = 0; i < s.length; i++) { h = (h * 31 + s.charCodeAt(i)) >>> 0; }
    return COLORS[h % COLORS.length];
  }

  /* A GeoJSON annotation as a Leaflet layer (points as circles, so they read on print too). */
  function annotationLayer(feature, color, pending) {
    var style = { color: color, weight: 4, fillOpacity: 0.25, dashArray: pending ? "4 6" : null };
    return L.geoJSON(feature, {
      style: function () { return style; },
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, { radius: 8, color: "#ffffff", weight: 2, fillColor: color, fillOpacity: pending ? 0.5 : 1 });
      },
    });
  }

  function simple(id, data) {
    var map = base(id);
    drawRoute(map, data);
    return map;
  }

  window.MarcheCarte = { base: base, drawRoute: drawRoute, simple: simple, annotationLayer: annotationLayer,
                         colorFor: colorFor, stopIcon: stopIcon };
})();
