/* The facilitator's live view: polls the walk every 3 seconds and shows every
 * participant's annotations (one colour each) and the audit grid so far. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("marche-data").textContent);
  var URL_DIRECT = "/api/v1/marches/" + data.id + "/direct/";
  var PERIOD_MS = 3000;
  var $ = function (id) { return document.getElementById(id); };
  var map = MarcheCarte.base("carte-animer");
  MarcheCarte.drawRoute(map, data);
  var layer = L.featureGroup().addTo(map);
  var shown = {};

  var el = Quartier.el;

  function addAnnotation(feature) {
    var p = feature.properties;
    var color = MarcheCarte.colorFor(p.participant);
    var geo = MarcheCarte.annotationLayer(feature, color, false);
    geo.bindTooltip((p.participant || "") + " : " + (p.texte || "(photo)"));
    geo.addTo(layer);
    var li = el("li", null, { "data-uuid": feature.id });
    li.style.borderLeftColor = color;
    li.appendChild(el("strong", p.participant || "Participant·e"));
    li.appendChild(el("span", " · " + (p.etape_nom || "hors étape") + (p.critere_nom ? " · " + p.critere_nom : "")));
    li.appendChild(el("div", p.texte || "(photo)"));
    if (p.miniature) { li.appendChild(el("img", null, { src: p.miniature, alt: "Photo de l'annotation", loading: "lazy" })); }
    $("flux").insertBefore(li, $("flux").firstChild);
    shown[feature.id] = p.miniature ? "photo" : "sans";
  }

  /* French numbers: "1,5" (one decimal), and the noun after a count in the singular for 0 and 1. */
  function decimal(value) {
    return value.toLocaleString("fr-FR", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  }

  function count(id, n) {
    $(id).textContent = n.toLocaleString("fr-FR");
    var noun = $(id).parentNode.querySelector("[data-un]");
    noun.textContent = n > 1 ? noun.getAttribute("data-plusieurs") : noun.getAttribute("data-un");
  }

  function renderGrid(grille) {
    var table = $("grille-direct");
    table.innerHTML = "";
    var head = el("tr");
    head.appendChild(el("th", "Critère"));
    grille.forEach(function (e) { head.appendChild(el("th", e.ordre + ". " + e.nom, { scope: "col" })); });
    var thead = el("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var tbody = el("tbody");
    var total = 0;
    data.criteres.forEach(function (c, i) {
      var tr = el("tr");
      tr.appendChild(el("th", c.nom, { scope: "row" }));
      grille.forEach(function (e) {
        var line = e.criteres[i];
        total += line.n;
        var td = el("td", line.n ? decimal(line.moyenne) + " (" + line.n + ")" : "—",
                    { "class": line.n ? "note-moyenne niveau-" + Math.round(line.moyenne) : "" });
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    count("nb-notes", total);
  }

  function poll() {
    fetch(URL_DIRECT, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (json) {
        var features = json.annotations.features || [];
        features.forEach(function (f) {
          var state = shown[f.id];
          if (state === undefined || (state === "sans" && f.properties.miniature)) {
            if (state !== undefined) {
              var old = document.querySelector('#flux li[data-uuid="' + f.id + '"]');
              if (old) { old.remove(); }
            }
            addAnnotation(f);
          }
        });
        count("nb-annotations", features.length);
        $("nb-annotations").setAttribute("data-count", String(features.length));
        count("nb-participants", json.participants);
        renderGrid(json.grille);
        $("direct-etat").textContent = "à jour à " + new Date().toLocaleTimeString("fr-FR");
      })
      .catch(function (err) { $("direct-etat").textContent = "connexion perdue (" + err.message + "), nouvel essai…"; })
      .finally(function () { setTimeout(poll, PERIOD_MS); });
  }

  poll();
})();
