/* A participant's phone during a walk: the route, the stops, one's own position, the
 * audit grid at each stop and annotations anywhere (point, line, zone; text, photo,
 * criterion). Everything goes through the shared outbox (outbox.js), so nothing is
 * lost in a network gap and nothing is sent twice (each submission carries its UUID). */
(function () {
  "use strict";

  var root = document.querySelector(".participer");
  var data = JSON.parse(document.getElementById("marche-data").textContent);
  var API = "/api/v1/marches/" + data.id + "/";
  var $ = function (id) { return document.getElementById(id); };
  var state = { etape: null, forme: null, geometry: null, position: null, precision: null, photo: null, sent: [] };
  var map, route, me = null, meCircle = null, draft = null, sentLayer, pendingLayer, pickOnce = null;

  var el = Quartier.el;

  function etapeById(id) {
    return data.etapes.filter(function (e) { return e.id === id; })[0] || null;
  }

  /* --- Map: route, stops, own position --------------------------------------------- */
  function initMap() {
    map = MarcheCarte.base("carte-participer", { tap: true });
    route = MarcheCarte.drawRoute(map, data);
    Object.keys(route.markers).forEach(function (id) {
      route.markers[id].on("click", function () { selectEtape(Number(id)); });
    });
    sentLayer = L.featureGroup().addTo(map);
    pendingLayer = L.featureGroup().addTo(map);
    map.on("click", function (e) {
      if (pickOnce) { pickOnce(e.latlng); }
    });
    map.on("pm:create", function (e) {
      var geometry = e.layer.toGeoJSON().geometry;
      map.removeLayer(e.layer);
      setDraft(geometry);
      $("terminer-forme").hidden = true;
    });
  }

  function watchGps() {
    if (!navigator.geolocation) {
      $("gps-etat").textContent = "Position indisponible : annotez en touchant la carte.";
      return;
    }
    navigator.geolocation.watchPosition(function (pos) {
      state.position = [pos.coords.longitude, pos.coords.latitude];
      state.precision = Math.round(pos.coords.accuracy);
      var latlng = [pos.coords.latitude, pos.coords.longitude];
      if (!me) {
        me = L.circleMarker(latlng, { radius: 8, color: "#ffffff", weight: 3, fillColor: "#1a73e8", fillOpacity: 1 })
          .bindTooltip("Vous êtes ici").addTo(map);
        meCircle = L.circle(latlng, { radius: pos.coords.accuracy, weight: 1, color: "#1a73e8", fillOpacity: 0.08 }).addTo(map);
      } else {
        me.setLatLng(latlng);
        meCircle.setLatLng(latlng).setRadius(pos.coords.accuracy);
      }
      $("gps-etat").textContent = "Votre position : précision ± " + state.precision + " m";
      root.setAttribute("data-gps", "1");
    }, function (err) {
      $("gps-etat").textContent = (err.code === 1 ? "Position refusée" : "Position indisponible")
        + " : annotez en touchant la carte.";
    }, { enableHighAccuracy: true, maximumAge: 10000, timeout: 20000 });
  }

  /* --- Stops and the audit grid ------------------------------------------------------ */
  function renderEtapes() {
    var select = $("choix-etape");
    data.etapes.forEach(function (e) {
      select.appendChild(el("option", e.ordre + ". " + e.nom, { value: String(e.id) }));
    });
    select.addEventListener("change", function () { selectEtape(Number(select.value)); });
    var critere = $("annotation-critere");
    data.criteres.forEach(function (c) { critere.appendChild(el("option", c.nom, { value: c.slug })); });
    if (data.etapes.length) { selectEtape(data.etapes[0].id); }
    else { $("ouvrir-grille").disabled = true; }
  }

  function selectEtape(id) {
    var etape = etapeById(id);
    if (!etape) { return; }
    state.etape = id;
    $("choix-etape").value = String(id);
    $("etape-consignes").textContent = etape.description || "";
    $("grille-etape").textContent = etape.ordre + ". " + etape.nom;
    renderGrid();
  }

  function notesKey() { return "marche-" + data.id + "-notes-" + state.etape; }

  function savedNotes() {
    try { return JSON.parse(localStorage.getItem(notesKey()) || "{}"); } catch (e) { return {}; }
  }

  function renderGrid() {
    var box = $("criteres");
    box.innerHTML = "";
    var saved = savedNotes();
    data.criteres.forEach(function (c) {
      var fieldset = el("fieldset", null, { "class": "critere", "data-critere": c.slug });
      fieldset.appendChild(el("legend", c.nom));
      var row = el("div", null, { "class": "notes", role: "radiogroup", "aria-label": c.nom });
      [0, 1, 2, 3].forEach(function (v) {
        var id = "note-" + c.slug + "-" + v;
        var input = el("input", null, { type: "radio", name: "note-" + c.slug, value: String(v), id: id,
                                        "class": "visuellement-cache" });
        if (saved[c.slug] && saved[c.slug].valeur === v) { input.checked = true; }
        var label = el("label", String(v), { "for": id, "class": "note note-" + v, title: data.notes[v] });
        row.appendChild(input);
        row.appendChild(label);
      });
      fieldset.appendChild(row);
      var comment = el("input", null, { type: "text", maxlength: "1000", "class": "commentaire",
                                        "aria-label": "Commentaire : " + c.nom, placeholder: "Commentaire (facultatif)" });
      if (saved[c.slug] && saved[c.slug].commentaire) { comment.value = saved[c.slug].commentaire; }
      fieldset.appendChild(comment);
      box.appendChild(fieldset);
    });
  }

  function submitGrid(event) {
    event.preventDefault();
    $("grille-erreur").textContent = "";
    var etape = etapeById(state.etape);
    var saved = savedNotes();
    var requests = [];
    data.criteres.forEach(function (c) {
      var fieldset = document.querySelector('.critere[data-critere="' + c.slug + '"]');
      var checked = fieldset.querySelector("input[type=radio]:checked");
      if (!checked) { return; }
      var valeur = Number(checked.value);
      var commentaire = fieldset.querySelector(".commentaire").value.trim();
      var before = saved[c.slug];
      if (before && before.valeur === valeur && before.commentaire === commentaire) { return; }
      var uuid = Outbox.uuid();
      requests.push({ method: "POST", url: API + "scores/", expect: uuid,
                      json: { uuid: uuid, etape: state.etape, critere: c.slug, valeur: valeur, commentaire: commentaire } });
      saved[c.slug] = { valeur: valeur, commentaire: commentaire };
    });
    if (!requests.length) {
      $("grille-erreur").textContent = "Choisissez au moins une note (0 à 3), ou modifiez une note déjà donnée.";
      return;
    }
    Outbox.add({ key: Outbox.uuid(), label: "Notes — étape " + etape.ordre + " (" + requests.length + ")",
                 requests: requests }).then(function () {
      localStorage.setItem(notesKey(), JSON.stringify(saved));
      confirm(requests.length + " note" + (requests.length > 1 ? "s" : "") + " enregistrée"
              + (requests.length > 1 ? "s" : "") + " pour l'étape " + etape.ordre + ".");
      toggle("grille", false);
    }).catch(function (err) {
      $("grille-erreur").textContent = "Enregistrement local impossible (" + err.message + ").";
    });
  }

  /* --- Annotations ------------------------------------------------------------------- */
  function setDraft(geometry) {
    state.geometry = geometry;
    if (draft) { map.removeLayer(draft); }
    draft = MarcheCarte.annotationLayer({ type: "Feature", geometry: geometry, properties: {} }, "#b00020", true).addTo(map);
    var labels = { Point: "Point placé", LineString: "Ligne tracée", Polygon: "Zone tracée" };
    $("forme-etat").textContent = (labels[geometry.type] || geometry.type) + ". Décrivez ce que vous voyez puis envoyez.";
  }

  function chooseForme(forme, button) {
    document.querySelectorAll("[data-forme]").forEach(function (b) {
      b.setAttribute("aria-pressed", b === button ? "true" : "false");
    });
    state.forme = forme;
    pickOnce = null;
    if (map.pm) { map.pm.disableDraw(); }
    $("terminer-forme").hidden = true;
    if (forme === "ici") {
      if (!state.position) {
        $("forme-etat").textContent = "Position inconnue : touchez « Un point sur la carte ».";
        return;
      }
      setDraft({ type: "Point", coordinates: [round(state.position[0]), round(state.position[1])] });
    } else if (forme === "Point") {
      $("forme-etat").textContent = "Touchez la carte à l'endroit concerné.";
      map.getContainer().scrollIntoView({ block: "center" });
      pickOnce = function (latlng) {
        pickOnce = null;
        setDraft({ type: "Point", coordinates: [round(latlng.lng), round(latlng.lat)] });
      };
    } else {
      $("forme-etat").textContent = forme === "Line"
        ? "Touchez la carte point après point le long de la ligne, puis « Terminer le tracé »."
        : "Touchez la carte à chaque coin de la zone, puis « Terminer le tracé ».";
      map.getContainer().scrollIntoView({ block: "center" });
      map.pm.enableDraw(forme, { snappable: false, continueDrawing: false, finishOn: null });
      $("terminer-forme").hidden = false;
    }
  }

  function finishShape() {
    var shape = state.forme;
    var drawer = map.pm.Draw[shape];
    if (drawer && drawer._enabled && drawer._finishShape) { drawer._finishShape(); }
  }

  function round(v) { return Number(Number(v).toFixed(7)); }

  function submitAnnotation(event) {
    event.preventDefault();
    var error = $("annotation-erreur");
    error.textContent = "";
    var texte = $("annotation-texte").value.trim();
    if (!state.geometry) { error.textContent = "Indiquez où : votre position, un point, une ligne ou une zone."; return; }
    if (!texte && !state.photo) { error.textContent = "Écrivez ce que vous voyez ou ajoutez une photo."; return; }
    var uuid = Outbox.uuid();
    var photoUuid = state.photo ? Outbox.uuid() : null;
    var feature = {
      type: "Feature",
      geometry: state.geometry,
      properties: { uuid: uuid, texte: texte, critere: $("annotation-critere").value, etape: null,
                    observe_le: new Date().toISOString(), photo: photoUuid },
    };
    var requests = [{ method: "POST", url: API + "annotations/", json: feature, expect: uuid }];
    if (photoUuid) {
      requests.push({ method: "PUT", url: API + "annotations/" + uuid + "/photos/" + photoUuid + "/",
                      blob: state.photo, filename: photoUuid + ".jpg", expect: photoUuid });
    }
    Outbox.add({ key: uuid, label: "Annotation : " + (texte || "photo").slice(0, 40), requests: requests, annotation: feature })
      .then(function () {
        confirm(navigator.onLine ? "Annotation enregistrée, envoi en cours."
          : "Hors ligne : annotation gardée sur le téléphone, elle partira au retour du réseau.");
        resetAnnotation();
        toggle("annotation", false);
      }).catch(function (err) {
        error.textContent = "Enregistrement local impossible (" + err.message + ") : ne fermez pas la page.";
      });
  }

  function resetAnnotation() {
    state.geometry = null;
    state.photo = null;
    state.forme = null;
    pickOnce = null;
    if (draft) { map.removeLayer(draft); draft = null; }
    if (map.pm) { map.pm.disableDraw(); }
    $("annotation-texte").value = "";
    $("annotation-critere").value = "";
    $("annotation-photo").value = "";
    $("photo-apercu").innerHTML = "";
    $("forme-etat").textContent = "";
    $("terminer-forme").hidden = true;
    document.querySelectorAll("[data-forme]").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
  }

  /* --- What was sent, what waits ------------------------------------------------------ */
  function loadSent() {
    if (!navigator.onLine) { return Promise.resolve(); }
    return fetch(API + "annotations/?page_size=1000", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (json) {
        if (!json) { return; }
        state.sent = json.features || [];
        renderMine();
      }).catch(function () {});
  }

  var pending = [];
  function renderMine() {
    var list = $("mes-annotations");
    list.innerHTML = "";
    sentLayer.clearLayers();
    pendingLayer.clearLayers();
    var sentIds = {};
    state.sent.forEach(function (f) { sentIds[f.id] = true; });
    pending.forEach(function (item) {
      if (!item.annotation || sentIds[item.key]) { return; }
      MarcheCarte.annotationLayer(item.annotation, "#9a4a00", true).addTo(pendingLayer);
      var li = el("li", null, { "data-uuid": item.key, "class": "en-attente" });
      li.appendChild(el("strong", "En attente · "));
      li.appendChild(el("span", item.annotation.properties.texte || "(photo)"));
      list.appendChild(li);
    });
    state.sent.slice().reverse().forEach(function (f) {
      MarcheCarte.annotationLayer(f, "#0b6e4f", false).addTo(sentLayer);
      var li = el("li", null, { "data-uuid": f.id, "class": "envoyee" });
      li.appendChild(el("strong", "Envoyée · "));
      li.appendChild(el("span", f.properties.texte || "(photo)"));
      if (f.properties.etape_nom) { li.appendChild(el("span", " — " + f.properties.etape_nom, { "class": "aide" })); }
      if (f.properties.photo_manquante) { li.appendChild(el("span", " (photo en cours d'envoi)", { "class": "aide" })); }
      list.appendChild(li);
    });
    $("envoyes-count").textContent = String(state.sent.length);
  }

  var lastCount = -1;

  function afterOutbox(items) {
    pending = items;
    if (items.length < lastCount) { loadSent(); } else { renderMine(); }
    lastCount = items.length;
  }

  /* --- Page plumbing ----------------------------------------------------------------- */
  function confirm(message) {
    $("confirmation").textContent = message;
  }

  function toggle(id, open) {
    var panel = $(id);
    panel.hidden = !open;
    var button = document.querySelector('[aria-controls="' + id + '"]');
    if (button) { button.setAttribute("aria-expanded", String(open)); }
    if (open) { panel.scrollIntoView({ block: "start" }); }
  }

  /* The sending window (from shortly before the start to the end of the grace period),
   * checked against the phone's clock: a page kept offline may have been drawn earlier. */
  function sendingWindow() {
    var now = Date.now();
    var opens = Date.parse(root.getAttribute("data-envoi-ouvre-le"));
    var closes = Date.parse(root.getAttribute("data-envoi-ferme-le"));
    var open = !(now < opens || now > closes);
    ["ouvrir-grille", "ouvrir-annotation"].forEach(function (id) { $(id).disabled = !open; });
    var notice = $("envoi-refuse");
    if (notice) { notice.hidden = open; }
    if (!open && !notice) {
      notice = el("p", now < opens
        ? "La marche n'a pas encore commencé : annotations et notes ne sont pas encore acceptées."
        : "La marche est close : l'envoi n'est plus possible.", { id: "envoi-refuse", "class": "erreur", role: "alert" });
      root.insertBefore(notice, $("carte-participer"));
    }
    return open;
  }
  sendingWindow();
  setInterval(sendingWindow, 60000);

  $("ouvrir-grille").addEventListener("click", function () { toggle("grille", $("grille").hidden); toggle("annotation", false); });
  $("ouvrir-annotation").addEventListener("click", function () { toggle("annotation", $("annotation").hidden); toggle("grille", false); });
  document.querySelectorAll("[data-forme]").forEach(function (b) {
    b.addEventListener("click", function () { chooseForme(b.getAttribute("data-forme"), b); });
  });
  $("terminer-forme").addEventListener("click", finishShape);
  PhotoTerrain.attach($("annotation-photo"), $("photo-apercu"), function (blob) { state.photo = blob; });
  $("grille").addEventListener("submit", submitGrid);
  $("annotation").addEventListener("submit", submitAnnotation);
  initMap();
  renderEtapes();
  watchGps();
  Outbox.bandeau({
    libelle: "Envoi",
    connexion: { etat: "accès à la marche perdu", texte: "Rejoindre à nouveau la marche", href: "/marches/rejoindre/" },
    apres: afterOutbox,
  });
  Outbox.start();
  loadSent();
  root.setAttribute("data-pret", "1");

  /* The worker caches a page when it is navigated to under its control, but the first
   * visit (the redirect after joining) happens before it is installed: store this page
   * in the worker's cache now, so a network gap right after joining still finds it. */
  function keepForOffline() {
    return navigator.serviceWorker.ready.then(function (registration) {
      return new Promise(function (resolve, reject) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) {
          if (event.data && event.data.ok) { resolve(); } else { reject(new Error("refusé par le service worker")); }
        };
        registration.active.postMessage({ type: "garder", url: location.pathname }, [channel.port2]);
      });
    }).then(function () {
      root.setAttribute("data-hors-ligne", "1");
    }).catch(function (err) { console.warn("Page non gardée hors ligne", err); });
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      if (navigator.onLine) { return keepForOffline(); }
      return null;
    }).catch(function (err) {
      console.warn("Service worker non installé", err);
    });
  }

})();
