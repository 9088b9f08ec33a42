/* The phone form: category, photo, GPS position, one line, send through the outbox. */
(function () {
  "use strict";

  var categories = JSON.parse(document.getElementById("categories-data").textContent);
  var state = { categorie: null, categorieNom: "", position: null, precision: null, manuel: false, photo: null };
  var $ = function (id) { return document.getElementById(id); };

  var el = Quartier.el;

  /* 1. Categories: a grid of large targets, then the sub-categories. */
  function categoryButton(slug, label, icon, onClick) {
    var button = el("button", null, { type: "button", "class": "tuile", "data-slug": slug, "aria-pressed": "false" });
    if (icon) { button.appendChild(svgIcon(slug)); }
    button.appendChild(el("span", label, { "class": "tuile-texte" }));
    button.addEventListener("click", onClick);
    return button;
  }

  /* The category's inline SVG symbol (templates/signalements/_icones.html), "autre" if none. */
  var SVG = "http://www.w3.org/2000/svg";
  function svgIcon(slug) {
    var id = document.getElementById("icone-" + slug) ? "icone-" + slug : "icone-autre";
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "tuile-icone");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var use = document.createElementNS(SVG, "use");
    use.setAttribute("href", "#" + id);
    svg.appendChild(use);
    return svg;
  }

  /* The send button sticks to the bottom of the screen once the form can be sent. */
  function updateReady() {
    $("form-signaler").classList.toggle("pret", Boolean(state.categorie && state.position));
  }

  function press(container, slug) {
    container.querySelectorAll(".tuile").forEach(function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-slug") === slug ? "true" : "false");
    });
  }

  function choose(slug, label) {
    state.categorie = slug;
    state.categorieNom = label;
    $("categorie-choisie").textContent = "Catégorie : " + label;
    updateReady();
    checkDuplicates();
  }

  function renderCategories() {
    var grid = $("categories");
    var subGrid = $("sous-categories");
    categories.forEach(function (cat) {
      grid.appendChild(categoryButton(cat.slug, cat.nom, true, function () {
        press(grid, cat.slug);
        subGrid.innerHTML = "";
        if (cat.sous.length) {
          subGrid.hidden = false;
          cat.sous.forEach(function (sub) {
            subGrid.appendChild(categoryButton(sub.slug, sub.nom, "", function () {
              press(subGrid, sub.slug);
              choose(sub.slug, cat.nom + " › " + sub.nom);
            }));
          });
          choose(cat.slug, cat.nom);
        } else {
          subGrid.hidden = true;
          choose(cat.slug, cat.nom);
        }
      }));
    });
  }

  /* 3. Position: GPS with its accuracy, and a pin the agent can drag. */
  var map = null, marker = null, circle = null;

  function initMap() {
    var box = $("carte-signaler");
    map = Quartier.carte(box, { zoomControl: true }, 16);
    map.on("click", function (e) { setPosition(e.latlng.lat, e.latlng.lng, null, true); });
  }

  function setPosition(lat, lon, accuracy, manual) {
    state.position = [lon, lat];
    if (manual) { state.manuel = true; }
    if (accuracy !== null && accuracy !== undefined) { state.precision = Math.round(accuracy); }
    var latlng = [lat, lon];
    if (!marker) {
      marker = L.marker(latlng, { draggable: true, keyboard: true, title: "Position du signalement" }).addTo(map);
      marker.on("dragend", function () {
        var p = marker.getLatLng();
        setPosition(p.lat, p.lng, null, true);
      });
    } else {
      marker.setLatLng(latlng);
    }
    if (!state.manuel && accuracy) {
      if (circle) { circle.setLatLng(latlng).setRadius(accuracy); }
      else { circle = L.circle(latlng, { radius: accuracy, weight: 1, fillOpacity: 0.1 }).addTo(map); }
      map.setView(latlng, Math.max(map.getZoom(), 17));
    }
    $("gps-etat").textContent = state.manuel
      ? "Position corrigée à la main (" + lat.toFixed(5) + ", " + lon.toFixed(5) + ")"
      : "Position GPS : précision ± " + state.precision + " m";
    updateReady();
    checkDuplicates();
  }

  function watchGps() {
    if (!navigator.geolocation) {
      $("gps-etat").textContent = "GPS indisponible : touchez la carte pour placer le repère.";
      return;
    }
    navigator.geolocation.watchPosition(function (pos) {
      if (state.manuel) { return; }
      setPosition(pos.coords.latitude, pos.coords.longitude, pos.coords.accuracy, false);
    }, function (err) {
      $("gps-etat").textContent = (err.code === 1 ? "GPS refusé" : "GPS indisponible")
        + " : touchez la carte pour placer le repère.";
    }, { enableHighAccuracy: true, maximumAge: 10000, timeout: 20000 });
  }

  /* Before sending: open reports of the same category within 50 m ("déjà signalé ?"). */
  var dupTimer = null;
  function checkDuplicates() {
    clearTimeout(dupTimer);
    dupTimer = setTimeout(function () {
      var box = $("deja-signale");
      var list = $("deja-liste");
      if (!state.categorie || !state.position || !navigator.onLine) { box.hidden = true; return; }
      var url = "/api/v1/signalements/proches/?categorie=" + encodeURIComponent(state.categorie)
        + "&lon=" + state.position[0] + "&lat=" + state.position[1];
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { features: [] }; })
        .then(function (data) {
          list.innerHTML = "";
          (data.features || []).forEach(function (f) {
            var p = f.properties;
            var item = el("li");
            item.appendChild(el("strong", p.categorie_nom));
            item.appendChild(el("span", " à " + Math.round(p.distance_m) + " m, " + p.statut_libelle
              + (p.confirmations ? ", " + p.confirmations + " confirmation(s)" : "")));
            if (p.description) { item.appendChild(el("div", p.description, { "class": "aide" })); }
            var confirm = el("button", "C'est le même : je confirme", { type: "button", "class": "bouton secondaire" });
            confirm.addEventListener("click", function () { confirmExisting(f.id, confirm); });
            item.appendChild(confirm);
            list.appendChild(item);
          });
          box.hidden = !(data.features || []).length;
        })
        .catch(function () { box.hidden = true; });
    }, 400);
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function confirmExisting(uuid, button) {
    button.disabled = true;
    fetch("/api/v1/signalements/" + uuid + "/confirmations/", {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/json", Accept: "application/json" },
      body: "{}",
    }).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    }).then(function () {
      $("confirmation").textContent = "Merci : le signalement existant est confirmé, aucun doublon créé.";
      reset();
    }).catch(function () {
      button.disabled = false;
      $("form-erreur").textContent = "Confirmation impossible pour l'instant : réessayez ou envoyez un nouveau signalement.";
    });
  }

  /* Send: the report (and its photo) go to the outbox first, then to the server. */
  function onSubmit(event) {
    event.preventDefault();
    var error = $("form-erreur");
    error.textContent = "";
    if (!state.categorie) { error.textContent = "Choisissez une catégorie."; $("categories").querySelector("button").focus(); return; }
    if (!state.position) { error.textContent = "Position inconnue : attendez le GPS ou touchez la carte."; return; }
    var reportUuid = Outbox.uuid();
    var photoUuid = state.photo ? Outbox.uuid() : null;
    var feature = {
      type: "Feature",
      geometry: { type: "Point", coordinates: [Number(state.position[0].toFixed(7)), Number(state.position[1].toFixed(7))] },
      properties: {
        uuid: reportUuid,
        categorie: state.categorie,
        description: $("description").value.trim(),
        precision_m: state.manuel ? null : state.precision,
        observe_le: new Date().toISOString(),
        photos: photoUuid ? [photoUuid] : [],
      },
    };
    var requests = [{ method: "POST", url: "/api/v1/signalements/", json: feature, expect: reportUuid }];
    if (photoUuid) {
      requests.push({ method: "PUT", url: "/api/v1/signalements/" + reportUuid + "/photos/" + photoUuid,
                      blob: state.photo, filename: photoUuid + ".jpg", expect: photoUuid });
    }
    Outbox.add({ key: reportUuid, label: state.categorieNom, requests: requests }).then(function () {
      $("confirmation").textContent = navigator.onLine
        ? "Signalement enregistré, envoi en cours."
        : "Hors ligne : signalement gardé sur le téléphone, il partira dès le retour du réseau.";
      reset();
    }).catch(function (err) {
      error.textContent = "Enregistrement local impossible (" + err.message + ") : ne fermez pas la page.";
    });
  }

  function reset() {
    state.categorie = null;
    state.photo = null;
    $("description").value = "";
    $("photo").value = "";
    $("photo-apercu").innerHTML = "";
    $("categorie-choisie").textContent = "";
    $("sous-categories").hidden = true;
    $("sous-categories").innerHTML = "";
    $("deja-signale").hidden = true;
    updateReady();
    document.querySelectorAll(".tuile").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    window.scrollTo(0, 0);
  }

  // 2. Photo: shrunk in the browser (canvas output carries no EXIF) before it waits.
  PhotoTerrain.attach($("photo"), $("photo-apercu"), function (blob) { state.photo = blob; });
  $("form-signaler").addEventListener("submit", onSubmit);

  renderCategories();
  initMap();
  watchGps();
  Outbox.bandeau({
    libelle: "Signalement",
    connexion: { etat: "reconnexion nécessaire", texte: "Se reconnecter", href: "/comptes/connexion/?next=/signaler/" },
    supprimer: true,
    apres: function (items) {
      document.dispatchEvent(new CustomEvent("outbox-change", { detail: { waiting: items.length } }));
    },
  });
  Outbox.start();

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function (err) {
      console.warn("Service worker non installé", err);
    });
  }
})();
