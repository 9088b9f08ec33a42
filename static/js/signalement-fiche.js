/* The report's position on its page: a small map centred on the point. */
(function () {
  "use strict";
  var box = document.getElementById("carte-fiche");
  if (!box) { return; }
  var latlng = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lon)];
  Quartier.franciser();
  var map = Quartier.fond(L.map(box).setView(latlng, 17));
  L.circleMarker(latlng, { radius: 9, color: "#fff", weight: 2, fillColor: "#b00020", fillOpacity: 1 }).addTo(map);
})();
