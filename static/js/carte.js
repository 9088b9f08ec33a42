/* Layers of the planners' map: each folium layer group is filled from the API
 * (or, in a downloaded map, from the data embedded in its config). Large layers
 * (`config.tiles`) are vector tiles drawn by Leaflet.VectorGrid: only what is in view
 * is loaded, crowded tiles come grouped by the server (`nombre`), and a click asks the
 * detail API for the popup. Text from the API is always inserted with textContent,
 * never as HTML. */
(function () {
  "use strict";

  var registry = [];
  var filters = {};
  var started = false;

  /* Each layer's style comes with its config (`style_def`, from commun.carte.STYLES: the
   * same dict draws the page's legend). */
  function baseStyle(layer) { return layer.config.style_def || {}; }

  /* French display of values from the API: dates "25/11/2026" (and "à 14:05" for a
   * moment), numbers with the French grouping ("30 230") and decimal comma. */
  var ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/;
  // One formatter each, built on first use: toLocaleString() builds one per call (a
  // tooltip each), and building one loads the locale's data (a pilot's first view has no
  // number or date to show before a popup opens).
  var formats = {};
  function format(kind) {
    if (!formats[kind]) {
      formats[kind] = kind === "nombre" ? new Intl.NumberFormat("fr-FR")
        : new Intl.DateTimeFormat("fr-FR", kind === "jour" ? { day: "2-digit", month: "2-digit", year: "numeric" }
          : { hour: "2-digit", minute: "2-digit" });
    }
    return formats[kind];
  }
  function frValue(value) {
    if (typeof value === "number") { return format("nombre").format(value); }
    if (typeof value === "string") {
      var m = ISO_DATE.exec(value);
      if (m && value.length <= 32) {
        if (!m[4]) { return m[3] + "/" + m[2] + "/" + m[1]; }
        var d = new Date(value);
        if (!isNaN(d.getTime())) { return format("jour").format(d) + " à " + format("heure").format(d); }
      }
    }
    return value;
  }

  /* Leaflet's controls in French, on every map drawn after this script. */
  if (window.L && L.Control && L.Control.Zoom) {
    L.Control.Zoom.prototype.options.zoomInTitle = "Zoomer";
    L.Control.Zoom.prototype.options.zoomOutTitle = "Dézoomer";
  }
  /* A map given the territory's bounds (`vueInitiale`, from commun.carte.build_map) opens
   * on them, before its base map asks for a tile; the perimeter layer then has nothing to
   * fit. */
  var FIT_PADDING = [10, 10];
  if (window.L && L.Map) {
    L.Map.addInitHook(function () {
      if (this.options.vueInitiale) {
        this.fitBounds(this.options.vueInitiale, { animate: false, padding: FIT_PADDING });
      }
    });
  }
  function status(message) {
    var box = document.getElementById("carte-statut");
    if (box) { box.textContent = message; }
  }

  var el = Quartier.el;

  /* "a|b": the first non-empty property among a, b. */
  function prop(props, spec) {
    var names = String(spec).split("|");
    for (var i = 0; i < names.length; i++) {
      var v = props[names[i]];
      if (v !== undefined && v !== null && v !== "") { return v; }
    }
    return null;
  }

  function fill(template, feature) {
    var props = feature.properties || {};
    var missing = false;
    var out = template.replace(/\{([a-z_]+)\}/g, function (_, name) {
      var v = name === "id" ? (feature.id !== undefined ? feature.id : props.id) : props[name];
      if (v === undefined || v === null) { missing = true; return ""; }
      return encodeURIComponent(v);
    });
    return missing ? null : out;
  }

  /* Only links to this site (relative or same origin) or, in a downloaded map, to the
   * site it came from: never javascript: or data: URLs. */
  function safeHref(href) {
    if (!href) { return null; }
    try {
      var url = new URL(href, window.location.href);
      return (url.protocol === "http:" || url.protocol === "https:") ? url.href : null;
    } catch (e) { return null; }
  }

  function detailHref(layer, feature) {
    var config = layer.config;
    if (config.detail_prop) {
      var value = (feature.properties || {})[config.detail_prop];
      return typeof value === "string" && value.charAt(0) === "/" && value.charAt(1) !== "/"
        ? safeHref((config.base_url || "") + value) : null;
    }
    return config.detail ? safeHref(fill(config.detail, feature)) : null;
  }

  function popupFor(layer, feature) {
    var props = feature.properties || {};
    var box = el("div", null, { "class": "popup" });
    box.appendChild(el("strong", prop(props, layer.config.title || "nom") || layer.config.name));
    (layer.config.fields || []).forEach(function (field) {
      var value = prop(props, field[0]);
      if (value !== null) {
        var line = el("div");
        line.appendChild(el("span", field[1] + " : ", { "class": "popup-label" }));
        line.appendChild(el("span", frValue(value)));
        box.appendChild(line);
      }
    });
    if (props.demonstration === true) {
      box.appendChild(el("div", "Donnée de démonstration", { "class": "popup-demo" }));
    }
    var href = detailHref(layer, feature);
    if (href) { box.appendChild(el("a", "Voir la fiche", { href: href })); }
    return box;
  }

  function styleFor(layer, feature) {
    var base = Object.assign({}, baseStyle(layer));
    var props = (feature && feature.properties) || {};
    var colorBy = layer.config.color_by;
    if (colorBy) {
      var color = (layer.config.colors || {})[props[colorBy]];
      if (color) { base.color = color; base.fillColor = color; }
    }
    var stylesBy = layer.config.styles_by || {};
    Object.keys(stylesBy).forEach(function (name) {
      Object.assign(base, stylesBy[name][props[name]] || {});
    });
    return base;
  }

  function tooltipText(layer, feature) {
    var props = feature.properties || {};
    if (layer.config.tooltip_template) {
      var missing = false;
      var text = layer.config.tooltip_template.replace(/\{([a-z_0-9]+)\}/g, function (_, name) {
        var v = props[name];
        if (v === undefined || v === null) { missing = true; return ""; }
        return String(frValue(v));
      });
      return missing ? null : text;
    }
    return layer.config.tooltip ? frValue(prop(props, layer.config.tooltip)) : null;
  }

  function mappedFilters(layer) {
    var out = {};
    var mapping = layer.config.filters;
    if (!mapping && layer.config.filterable) {
      mapping = {};
      Object.keys(filters).forEach(function (k) { mapping[k] = k; });
    }
    Object.keys(mapping || {}).forEach(function (panelKey) {
      var v = filters[panelKey];
      if (v !== "" && v !== null && v !== undefined) { out[mapping[panelKey]] = v; }
    });
    return out;
  }

  function buildUrl(layer) {
    var url = new URL(layer.config.url, window.location.origin);
    var extra = mappedFilters(layer);
    Object.keys(extra).forEach(function (k) { url.searchParams.set(k, extra[k]); });
    if (!url.searchParams.has("page_size")) { url.searchParams.set("page_size", "1000"); }
    return url.toString();
  }

  function errorText(response) {
    return response.json().then(function (body) {
      return (body && body.detail) ? body.detail : "HTTP " + response.status;
    }, function () { return "HTTP " + response.status; });
  }

  function fetchAll(url, features) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          return errorText(response).then(function (text) { throw new Error(text); });
        }
        return response.json();
      })
      .then(function (data) {
        features.push.apply(features, data.features || []);
        return data.next ? fetchAll(data.next, features) : features;
      });
  }

  /* --- Vector tiles ------------------------------------------------------------- */

  function tileUrl(layer) {
    var params = new URLSearchParams(layer.config.tiles_params || {});
    var extra = mappedFilters(layer);
    Object.keys(extra).forEach(function (k) { params.set(k, extra[k]); });
    var query = params.toString();
    return layer.config.tiles + (query ? "?" + query : "");
  }

  function tileStyle(layer) {
    var base = baseStyle(layer);
    var dense = !!(layer.config.tiles_params || {}).agregat;
    return function (props) {
      var n = props.nombre;
      if (!n) { return Object.assign({}, base, { fill: true }); }
      var weight = Math.log(n + 1) / Math.LN10;
      if (dense) {
        return { radius: 12, stroke: false, fill: true, fillColor: base.fillColor,
                 fillOpacity: Math.min(0.85, 0.12 + 0.18 * weight) };
      }
      return { radius: Math.min(26, 9 + 4 * weight), weight: 2, color: "#ffffff", fill: true,
               fillColor: base.fillColor, fillOpacity: 0.75 };
    };
  }

  /* Features of the tiles in view, by id (a point near an edge is in two tiles). */
  function tileCount(layer) {
    var seen = {};
    var total = 0;
    Object.keys(layer.tiles || {}).forEach(function (key) {
      layer.tiles[key].forEach(function (f) {
        if (!seen[f.id]) { seen[f.id] = true; total += f.n; }
      });
    });
    return total;
  }

  function detailPopup(layer, event) {
    var props = event.layer.properties || {};
    var map = layer.map;
    if (props.nombre) {  // a group: zoom in on it
      map.setView(event.latlng, Math.min(map.getZoom() + 2, map.getMaxZoom()));
      return;
    }
    var url = fill(layer.config.detail_api, { properties: props });
    if (!url) { return; }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (feature) {
        if (!feature) { return; }
        feature.properties = Object.assign({}, props, feature.properties);
        L.popup().setLatLng(event.latlng).setContent(popupFor(layer, feature)).openOn(map);
      });
  }

  function renderTiles(layer) {
    layer.group.clearLayers();
    // Tiles still on their way for the previous filters are not wanted any more.
    if (layer.aborter) { layer.aborter.abort(); }
    var aborter = layer.aborter = new AbortController();
    var tiles = layer.tiles = {};
    var name = layer.config.tiles_layer || layer.config.key;
    var styles = {};
    styles[name] = tileStyle(layer);
    if (!layer.map.getPane("tuiles")) {  // above the programme's areas, below markers and popups
      layer.map.createPane("tuiles").style.zIndex = 450;
    }
    var grid = L.vectorGrid.protobuf(tileUrl(layer), {
      pane: "tuiles",
      rendererFactory: L.svg.tile,  // SVG: clicks need no canvas hit-testing
      interactive: true,
      maxNativeZoom: 22,
      vectorTileLayerStyles: styles,
      fetchOptions: { credentials: "same-origin", signal: aborter.signal,
                      headers: { Accept: "application/vnd.mapbox-vector-tile" } },
    });
    var fetchTile = grid._getVectorTilePromise.bind(grid);
    grid._getVectorTilePromise = function (coords) {
      return fetchTile(coords).then(function (tile) {
        var found = [];
        var data = tile.layers[name];
        for (var i = 0; data && i < data.features.length; i++) {
          var p = data.features[i].properties;
          found.push({ id: p.uuid || p.cellule || (coords.z + "/" + i), n: p.nombre || 1 });
        }
        tiles[grid._tileCoordsToKey(coords)] = found;
        return tile;
      }, function () { return { layers: {} }; });  // aborted: an empty tile of a removed grid
    };
    // A tile's point is drawn in pixels and has no position: Leaflet 1.9 would read it
    // for the click's position (and fail); the pointer's position is what we want.
    var createLayer = grid._createLayer.bind(grid);
    grid._createLayer = function (feat, pxPerExtent) {
      var symbol = createLayer(feat, pxPerExtent);
      symbol.getLatLng = null;
      return symbol;
    };
    grid.on("tileunload", function (e) { delete tiles[grid._tileCoordsToKey(e.coords)]; });
    grid.on("click", function (e) { detailPopup(layer, e); });
    grid.on("load", function () {
      layer.count = tileCount(layer);
      layer.map.fire("carte:layerloaded", { key: layer.config.key, count: layer.count });
    });
    layer.grid = grid;
    layer.group.addLayer(grid);
    return new Promise(function (resolve) {
      if (!layer.map.hasLayer(layer.group)) { resolve(0); return; }
      grid.once("load", function () { resolve(layer.count); });
    });
  }

  function usesTiles(layer) {
    return !!(layer.config.tiles && !layer.config.data && L.vectorGrid);
  }

  function render(layer, features) {
    layer.group.clearLayers();
    layer.features = features;
    var target = layer.group;
    if (layer.config.heat) {
      if (L.heatLayer) {
        var points = features.filter(function (f) { return f.geometry && f.geometry.type === "Point"; })
          .map(function (f) { return [f.geometry.coordinates[1], f.geometry.coordinates[0], 0.6]; });
        layer.heat = L.heatLayer(points, { radius: 25, blur: 18, maxZoom: 17 });
        layer.group.addLayer(layer.heat);
      }
      return finish(layer, features, null);
    }
    if (layer.config.cluster && L.markerClusterGroup) {
      target = L.markerClusterGroup({ showCoverageOnHover: false, chunkedLoading: true });
      layer.group.addLayer(target);
    }
    var geo = L.geoJSON({ type: "FeatureCollection", features: features }, {
      style: function (f) { return styleFor(layer, f); },
      pointToLayer: function (f, latlng) { return L.circleMarker(latlng, styleFor(layer, f)); },
      onEachFeature: function (f, leafletLayer) {
        leafletLayer.bindPopup(function () { return popupFor(layer, f); });
        var text = tooltipText(layer, f);
        if (text !== null && text !== undefined) {
          // An element, not a string: Leaflet would read a string as HTML.
          leafletLayer.bindTooltip(el("span", text), {
            permanent: !!layer.config.tooltip_permanent, direction: "center",
            className: "carte-etiquette",
          });
        }
      },
    });
    if (target === layer.group) {
      geo.eachLayer(function (l) { target.addLayer(l); });
    } else {
      target.addLayers(geo.getLayers());
    }
    return finish(layer, features, geo);
  }

  function finish(layer, features, geo) {
    layer.count = features.length;
    layer.map.fire("carte:layerloaded", { key: layer.config.key, count: features.length });
    return geo;
  }

  function byKey(key) {
    return registry.filter(function (l) { return l.config.key === key; })[0];
  }

  function source(layer) {
    if (layer.config.data) { return Promise.resolve(layer.config.data.slice()); }
    if (layer.config.source) {
      var origin = byKey(layer.config.source);
      if (origin) {
        if (origin.stale) { origin.stale = false; load(origin); }
        return (origin.loading || Promise.resolve()).then(function () {
          return (origin.features || []).slice();
        });
      }
    }
    return fetchAll(buildUrl(layer), []);
  }

  function load(layer) {
    layer.error = null;
    // Filters may change again before an answer comes back: only the latest one is drawn.
    var generation = (layer.generation || 0) + 1;
    layer.generation = generation;
    layer.loading = source(layer)
      .then(function (features) {
        if (generation !== layer.generation) { return layer.loading; }
        var geo = render(layer, features);
        if (geo && layer.config.fit && !layer.fitted && !layer.map.options.vueInitiale && features.length) {
          layer.map.fitBounds(geo.getBounds(), { padding: FIT_PADDING });
          layer.fitted = true;
        }
        return features.length;
      })
      .catch(function (err) {
        if (generation !== layer.generation) { return layer.loading; }
        layer.error = err.message;
        layer.group.clearLayers();
        layer.count = 0;
        status("La couche « " + layer.config.name + " » n'a pas pu être chargée : " + err.message);
        layer.map.fire("carte:layererror", { key: layer.config.key });
      });
    return layer.loading;
  }

  function shown(layer) { return layer.map.hasLayer(layer.group); }

  function loadAll(layers) {
    // A hidden overlay is fetched when it is first shown (see start), with the filters of
    // that moment: the first view asks only for what it draws.
    layers.forEach(function (l) { l.stale = !shown(l) && !usesTiles(l); });
    layers = layers.filter(function (l) { return !l.stale; });
    // Layers that reuse another's features wait for it inside source(); tiles come
    // once the small layers are drawn (and the map fitted to the territory). Filters
    // may change meanwhile: only the latest request draws its tiles.
    var first = layers.filter(function (l) { return !l.config.source && !usesTiles(l); }).map(load);
    var second = layers.filter(function (l) { return l.config.source && !usesTiles(l); }).map(load);
    var ready = Promise.all(first.concat(second));
    var tiled = layers.filter(usesTiles).map(function (layer) {
      var generation = (layer.generation || 0) + 1;
      layer.generation = generation;
      layer.loading = ready.then(function () {
        return generation === layer.generation ? renderTiles(layer) : layer.loading;
      });
      return layer.loading;
    });
    return Promise.all([ready].concat(tiled));
  }

  /* Permanent labels never cover each other: in layer order, a label that would overlap
   * one already shown is faded out (its name stays in the popup and on hover). */
  function declutter(map) {
    var shown = [];
    map.getContainer().querySelectorAll(".leaflet-tooltip.carte-etiquette").forEach(function (node) {
      node.classList.remove("etiquette-masquee");
      var r = node.getBoundingClientRect();
      var hit = shown.some(function (o) {
        return r.left < o.right && r.right > o.left && r.top < o.bottom && r.bottom > o.top;
      });
      if (hit) { node.classList.add("etiquette-masquee"); } else { shown.push(r); }
    });
  }

  /* The map's `data-loaded` says "false" while any load (the first view, a filter, an
   * overlay shown for the first time) is on its way, and "true" once none is. */
  var inFlight = 0;
  function pending(map, promise) {
    var container = map.getContainer();
    inFlight += 1;
    container.setAttribute("data-loaded", "false");
    var done = function () {
      inFlight -= 1;
      if (!inFlight) { container.setAttribute("data-loaded", "true"); }
    };
    return promise.then(done, done);
  }

  window.Carte = {
    register: function (map, group, config) {
      registry.push({ map: map, group: group, config: config });
    },
    start: function (map) {
      if (started) { return; }
      started = true;
      window.Carte.map = map;
      var toggle = map.getContainer().querySelector(".leaflet-control-layers-toggle");
      if (toggle) { toggle.title = "Couches de la carte"; toggle.setAttribute("aria-label", "Couches de la carte"); }
      var tidy = function () { window.requestAnimationFrame(function () { declutter(map); }); };
      map.on("zoomend moveend overlayadd carte:layerloaded", tidy);
      map.on("overlayadd", function (e) {
        registry.forEach(function (l) {
          if (l.group === e.layer && l.stale) {
            l.stale = false;
            pending(map, load(l));
          }
        });
      });
      pending(map, loadAll(registry)).then(function () {
        tidy();
        if (!registry.some(function (l) { return l.error; })) { status(""); }
      });
    },
    /* Reload every layer that takes one of the panel's filters. */
    setFilters: function (values) {
      filters = Object.assign({}, values);
      status("");
      var affected = registry.filter(function (l) {
        return l.config.filterable || l.config.filters ||
          (l.config.source && byKey(l.config.source) && byKey(l.config.source).config.filters);
      });
      return window.Carte.map ? pending(window.Carte.map, loadAll(affected)) : loadAll(affected);
    },
    filtersFor: function (key) {
      var layer = byKey(key);
      return layer ? mappedFilters(layer) : {};
    },
    layers: registry,
    counts: function () {
      var out = {};
      registry.forEach(function (l) { out[l.config.key] = usesTiles(l) ? tileCount(l) : l.count; });
      return out;
    },
  };
})();
