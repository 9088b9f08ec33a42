/* Layers of the planners' map: each folium layer group is filled from the API.
 * Text from the API is always inserted with textContent, never as HTML. */
(function () {
  "use strict";

  var registry = [];
  var filters = {};
  var started = false;

  var STYLES = {
    territoire: { color: "#1d3557", weight: 3, fill: false },
    secteur: { color: "#6a4c93", weight: 1.5, dashArray: "6 4", fillOpacity: 0.06 },
    equipement: { radius: 8, color: "#ffffff", weight: 2, fillColor: "#0b6e4f", fillOpacity: 1 },
    chantier: { color: "#b5179e", weight: 3, fillOpacity: 0.25, radius: 9, fillColor: "#b5179e" },
    signalement: { radius: 6, color: "#ffffff", weight: 1, fillColor: "#d62828", fillOpacity: 0.9 },
    marche: { color: "#f77f00", weight: 4, dashArray: "2 6" },
    friche: { color: "#8d6e63", weight: 2, fillOpacity: 0.3 },
  };

  function status(message) {
    var box = document.getElementById("carte-statut");
    if (box) { box.textContent = message; }
  }

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function popupFor(layer, feature) {
    var props = feature.properties || {};
    var box = el("div", null, { "class": "popup" });
    box.appendChild(el("strong", props[layer.config.title || "nom"] || layer.config.name));
    (layer.config.fields || []).forEach(function (field) {
      var value = props[field[0]];
      if (value !== undefined && value !== null && value !== "") {
        var line = el("div");
        line.appendChild(el("span", field[1] + " : ", { "class": "popup-label" }));
        line.appendChild(el("span", value));
        box.appendChild(line);
      }
    });
    if (layer.config.detail && feature.id !== undefined) {
      var href = layer.config.detail.replace("{id}", encodeURIComponent(feature.id));
      box.appendChild(el("a", "Voir la fiche", { href: href }));
    }
    return box;
  }

  function styleFor(layer, feature) {
    var base = Object.assign({}, STYLES[layer.config.style] || {});
    var colorBy = layer.config.color_by;
    if (colorBy && feature && feature.properties) {
      var color = (layer.config.colors || {})[feature.properties[colorBy]];
      if (color) { base.color = color; base.fillColor = color; }
    }
    return base;
  }

  function buildUrl(layer) {
    var url = new URL(layer.config.url, window.location.origin);
    if (layer.config.filterable) {
      Object.keys(filters).forEach(function (k) {
        if (filters[k] !== "" && filters[k] !== null && filters[k] !== undefined) {
          url.searchParams.set(k, filters[k]);
        }
      });
    }
    if (!url.searchParams.has("page_size")) { url.searchParams.set("page_size", "1000"); }
    return url.toString();
  }

  function fetchAll(url, features) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        features.push.apply(features, data.features || []);
        return data.next ? fetchAll(data.next, features) : features;
      });
  }

  function render(layer, features) {
    layer.group.clearLayers();
    var target = layer.group;
    if (layer.config.cluster && L.markerClusterGroup) {
      target = L.markerClusterGroup({ showCoverageOnHover: false });
      layer.group.addLayer(target);
    }
    var geo = L.geoJSON({ type: "FeatureCollection", features: features }, {
      style: function (f) { return styleFor(layer, f); },
      pointToLayer: function (f, latlng) { return L.circleMarker(latlng, styleFor(layer, f)); },
      onEachFeature: function (f, leafletLayer) {
        leafletLayer.bindPopup(function () { return popupFor(layer, f); });
        if (layer.config.tooltip && f.properties) {
          leafletLayer.bindTooltip(String(f.properties[layer.config.tooltip] || ""), {
            permanent: false, direction: "center", className: "carte-etiquette",
          });
        }
      },
    });
    geo.eachLayer(function (l) { target.addLayer(l); });
    if (layer.config.heat && L.heatLayer) {
      var points = features.filter(function (f) { return f.geometry && f.geometry.type === "Point"; })
        .map(function (f) { return [f.geometry.coordinates[1], f.geometry.coordinates[0], 0.6]; });
      layer.heat = L.heatLayer(points, { radius: 25 });
    }
    layer.count = features.length;
    layer.map.fire("carte:layerloaded", { key: layer.config.key, count: features.length });
    return geo;
  }

  function load(layer) {
    layer.loading = fetchAll(buildUrl(layer), [])
      .then(function (features) {
        var geo = render(layer, features);
        if (layer.config.fit && !layer.fitted && features.length) {
          layer.map.fitBounds(geo.getBounds(), { padding: [10, 10] });
          layer.fitted = true;
        }
        return features.length;
      })
      .catch(function (err) {
        status("La couche « " + layer.config.name + " » n'a pas pu être chargée (" + err.message + ").");
        layer.map.fire("carte:layererror", { key: layer.config.key });
      });
    return layer.loading;
  }

  window.Carte = {
    register: function (map, group, config) {
      registry.push({ map: map, group: group, config: config });
    },
    start: function (map) {
      if (started) { return; }
      started = true;
      window.Carte.map = map;
      var loads = registry.map(load);
      Promise.all(loads).then(function () {
        map.getContainer().setAttribute("data-loaded", "true");
        status("");
      });
    },
    setFilters: function (values) {
      filters = Object.assign({}, values);
      var loads = registry.filter(function (l) { return l.config.filterable; }).map(load);
      return Promise.all(loads);
    },
    layers: registry,
    counts: function () {
      var out = {};
      registry.forEach(function (l) { out[l.config.key] = l.count; });
      return out;
    },
  };
})();
