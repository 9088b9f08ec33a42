/* « Mes signalements » on the phone form: the agent's latest reports with their status and
 * last change, from /api/v1/signalements/miens/. The last answer is kept on the phone
 * (localStorage, per account), so the list still shows without network, dated. */
(function () {
  "use strict";

  var root = document.querySelector(".signaler");
  var list = document.getElementById("mes-liste");
  var info = document.getElementById("mes-synchro");
  if (!root || !list) { return; }
  var KEY = "mes-signalements:" + root.getAttribute("data-utilisateur");
  var el = Quartier.el;

  function dateFr(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return ""; }
    return d.toLocaleDateString("fr-FR", { day: "2-digit", month: "2-digit", year: "numeric" })
      + " à " + d.toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" });
  }

  function render(data, fromCache) {
    list.innerHTML = "";
    var rows = data.signalements || [];
    rows.forEach(function (s) {
      var li = el("li", null, { "class": "mes-item statut-" + s.statut, "data-uuid": s.uuid });
      var head = el("div", null, { "class": "mes-entete" });
      head.appendChild(el("strong", s.categorie_nom));
      head.appendChild(el("span", s.statut_libelle, { "class": "badge statut-" + s.statut }));
      li.appendChild(head);
      if (s.description) { li.appendChild(el("div", s.description, { "class": "mes-description" })); }
      li.appendChild(el("div", s.derniere_etape + " — " + dateFr(s.derniere_etape_le), { "class": "aide mes-etape" }));
      list.appendChild(li);
    });
    if (!rows.length) { list.appendChild(el("li", "Aucun signalement envoyé pour l'instant.", { "class": "aide" })); }
    info.textContent = (fromCache ? "Hors ligne : liste de la dernière synchronisation, le " : "À jour, synchronisé le ")
      + dateFr(data.synchronise_le) + ".";
    info.setAttribute("data-source", fromCache ? "cache" : "reseau");
  }

  function cached() {
    try { return JSON.parse(localStorage.getItem(KEY) || "null"); } catch (e) { return null; }
  }

  function showCache() {
    var data = cached();
    if (data) { render(data, true); }
    else { info.textContent = "Hors ligne et jamais synchronisé : la liste s'affichera au retour du réseau."; }
  }

  function sync() {
    if (!navigator.onLine) { showCache(); return Promise.resolve(); }
    return fetch("/api/v1/signalements/miens/", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        try { localStorage.setItem(KEY, JSON.stringify(data)); } catch (e) { /* storage full: show anyway */ }
        render(data, false);
      })
      .catch(showCache);
  }

  var waiting = null;
  document.addEventListener("outbox-change", function (event) {
    var now = event.detail.waiting;
    if (waiting !== null && now < waiting) { sync(); }  // something just arrived on the server
    waiting = now;
  });
  window.addEventListener("online", sync);
  window.addEventListener("offline", showCache);
  sync();
})();
