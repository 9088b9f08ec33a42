/* What every page script shares: DOM nodes built as text (never as HTML), and the
 * maps' defaults from the server (where the territory lies, which base map to draw).
 * The territory's view comes from <body data-vue>, the tiles from data-tiles. */
(function () {
  "use strict";

  var FRANCE = { center: [46.6, 2.4], zoom: 6, bounds: null };

  /* A DOM node whose text is set as text: data from the API never becomes markup. */
  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  /* {center: [lat, lon], zoom, bounds: [[s, w], [n, e]]} of the territory. */
  function vue() {
    try {
      var v = JSON.parse(document.body.getAttribute("data-vue") || "null");
      return v && v.center ? v : FRANCE;
    } catch (e) { return FRANCE; }
  }

  /* The base map layer (the only resource from another host), when one is configured. */
  function fond(map, source) {
    var holder = source || document.body;
    var tiles = holder.getAttribute("data-tiles") || document.body.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, {
        maxZoom: 19,
        attribution: holder.getAttribute("data-attribution") || document.body.getAttribute("data-attribution") || "",
      }).addTo(map);
    }
    return map;
  }

  /* Leaflet's controls in French; call before L.map() where a page builds its own map. */
  function franciser() {
    if (window.L && L.Control && L.Control.Zoom) {
      L.Control.Zoom.prototype.options.zoomInTitle = "Zoomer";
      L.Control.Zoom.prototype.options.zoomOutTitle = "Dézoomer";
    }
  }

  /* A Leaflet map on the territory, with the base map. */
  function carte(container, options, zoom) {
    var v = vue();
    franciser();
    var map = L.map(container, options || {}).setView(v.center, zoom || v.zoom);
    return fond(map);
  }

  /* On a phone the navigation folds behind "Menu" (a button with aria-expanded; no hover).
   * Without JavaScript the class "js" is missing and the navigation stays open. */
  document.documentElement.classList.add("js");

  function menu() {
    var button = document.getElementById("menu-bouton");
    var nav = document.getElementById("menu-principal");
    if (!button || !nav) { return; }
    function set(open) {
      button.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("ouvert", open);
    }
    button.addEventListener("click", function () { set(button.getAttribute("aria-expanded") !== "true"); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") { set(false); button.focus(); }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", menu); } else { menu(); }

  window.Quartier = { el: el, vue: vue, fond: fond, carte: carte, franciser: franciser };
})();
