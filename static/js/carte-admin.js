/* Starts Django's OpenLayers map widget (gis/js/OLMapWidget.js) in the admin from the
 * options the widget wrote as JSON (commun/widgets.py): no inline script (CSP). */
(function () {
  "use strict";
  function start() {
    document.querySelectorAll("[data-carte-admin]").forEach(function (wrapper) {
      var node = document.getElementById(wrapper.getAttribute("data-carte-admin"));
      if (!node || wrapper.dataset.demarre) { return; }
      wrapper.dataset.demarre = "1";
      var options = JSON.parse(node.textContent);
      options.base_layer = new ol.layer.Tile({
        source: options.tiles ? new ol.source.XYZ({url: options.tiles, attributions: options.attribution, maxZoom: 19})
                              : new ol.source.OSM()
      });
      window[options.module] = new MapWidget(options);
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
