/* Outbox: submissions wait in IndexedDB until the server confirms them.
 *
 * An item is {key (a UUID), label, requests: [{method, url, json | blob, contentType,
 * expect (UUID the server must echo), done}], state, error, attempts, created}.
 * Requests of an item run in order; an item leaves the store only when every request
 * got a 2xx whose JSON echoes the expected UUID. 409 and 400 keep the item, marked for
 * the user; 401/403 pause everything until the user signs in again; network errors and
 * 5xx retry with back-off. Shared by the report form and the walks.
 */
(function () {
  "use strict";

  var DB_NAME = "quartier-outbox";
  var STORE = "items";
  var dbPromise = null;
  var listeners = [];
  var flushing = null;
  var timer = null;

  function db() {
    if (!dbPromise) {
      dbPromise = idb.openDB(DB_NAME, 1, {
        // Never drop the store in an upgrade: it holds what users have not sent yet.
        upgrade: function (database) {
          if (!database.objectStoreNames.contains(STORE)) {
            database.createObjectStore(STORE, { keyPath: "key" });
          }
        },
      });
      if (navigator.storage && navigator.storage.persist) {
        navigator.storage.persist().catch(function () {});
      }
    }
    return dbPromise;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function notify() {
    return list().then(function (items) {
      listeners.forEach(function (cb) { try { cb(items); } catch (e) { console.warn(e); } });
      return items;
    });
  }

  function list() {
    return db().then(function (d) { return d.getAll(STORE); }).then(function (items) {
      return items.sort(function (a, b) { return a.created < b.created ? -1 : 1; });
    });
  }

  function put(item) {
    return db().then(function (d) { return d.put(STORE, item); });
  }

  function add(item) {
    item.created = item.created || new Date().toISOString();
    item.state = "attente";
    item.attempts = 0;
    item.requests.forEach(function (r) { r.done = false; });
    return put(item).then(notify).then(function () { flushSoon(0); return item; });
  }

  function remove(key) {
    return db().then(function (d) { return d.delete(STORE, key); }).then(notify);
  }

  function echoed(body, expect) {
    if (!expect) { return true; }
    if (!body || typeof body !== "object") { return false; }
    var got = body.uuid || body.id || (body.properties && body.properties.uuid);
    return String(got) === String(expect);
  }

  function send(request) {
    var headers = { "X-CSRFToken": csrfToken(), Accept: "application/json" };
    var body;
    if (request.blob) {
      var form = new FormData();
      form.append(request.field || "photo", request.blob, request.filename || "photo.jpg");
      body = form;
    } else if (request.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(request.json);
    }
    return fetch(request.url, {
      method: request.method, headers: headers, body: body,
      credentials: "same-origin", redirect: "manual",
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      var parse = type.indexOf("json") >= 0 ? response.json().catch(function () { return null; })
                                            : Promise.resolve(null);
      return parse.then(function (json) { return { status: response.status, json: json, type: response.type }; });
    });
  }

  function processItem(item) {
    var pending = item.requests.filter(function (r) { return !r.done; });
    if (!pending.length) { return remove(item.key).then(function () { return "envoye"; }); }
    var request = pending[0];
    item.attempts += 1;
    return send(request).then(function (result) {
      if (result.status >= 200 && result.status < 300 && echoed(result.json, request.expect)) {
        request.done = true;
        item.state = "en_cours";
        item.error = "";
        return put(item).then(function () { return processItem(item); });
      }
      if (result.type === "opaqueredirect" || result.status === 401 || result.status === 403) {
        item.state = "connexion";
        item.error = (result.json && result.json.detail) || "Session expirée : reconnectez-vous pour envoyer.";
        return put(item).then(function () { return "connexion"; });
      }
      if (result.status === 409 || (result.status >= 400 && result.status < 500)) {
        item.state = result.status === 409 ? "conflit" : "refuse";
        item.error = (result.json && result.json.detail) || ("Refusé par le serveur (" + result.status + ").");
        if (result.json && result.json.errors) {
          var details = [];
          Object.keys(result.json.errors).forEach(function (k) {
            details = details.concat(result.json.errors[k]);
          });
          if (details.length) { item.error = details.join(" "); }
        }
        return put(item).then(function () { return item.state; });
      }
      item.state = "attente";
      item.error = "Serveur indisponible (" + result.status + "), nouvel essai bientôt.";
      return put(item).then(function () { return "reessayer"; });
    }, function () {
      item.state = "attente";
      item.error = "Pas de réseau : envoi dès le retour de la connexion.";
      return put(item).then(function () { return "hors_ligne"; });
    });
  }

  function flush() {
    if (flushing) { return flushing; }
    flushing = list().then(function (items) {
      var outcome = { envoyes: 0, restants: 0 };
      var chain = Promise.resolve();
      var stop = false;
      items.forEach(function (item) {
        chain = chain.then(function () {
          if (stop || item.state === "conflit" || item.state === "refuse") {
            outcome.restants += 1;
            return null;
          }
          return processItem(item).then(function (result) {
            if (result === "envoye") { outcome.envoyes += 1; } else { outcome.restants += 1; }
            if (result === "hors_ligne" || result === "connexion") { stop = true; }
          });
        });
      });
      return chain.then(function () { return outcome; });
    }).finally(function () {
      flushing = null;
      notify();
    });
    return flushing;
  }

  var delay = 15000;
  function flushSoon(ms) {
    clearTimeout(timer);
    timer = setTimeout(function () {
      flush().then(function (outcome) {
        delay = outcome.restants ? Math.min(delay * 2, 120000) : 15000;
        flushSoon(delay);
      });
    }, ms === undefined ? delay : ms);
  }

  function retry_(key) {
    return db().then(function (d) { return d.get(STORE, key); }).then(function (item) {
      if (!item) { return null; }
      item.state = "attente";
      item.error = "";
      return put(item).then(function () { return flush(); });
    });
  }

  /* The banner of the field pages (#reseau, #outbox-count, #outbox-voir, #outbox-liste):
   * the network state, the number waiting (always visible) and what went wrong for each.
   * options: libelle (default item label), connexion {etat, texte, href} (what to do when
   * the session is gone), supprimer (offer to drop a refused item), apres(items). */
  function bandeau(options) {
    var byId = function (id) { return document.getElementById(id); };
    var labels = { attente: "en attente", en_cours: "envoi en cours", conflit: "conflit", refuse: "refusé",
                   connexion: options.connexion.etat };
    var node = Quartier.el;
    function network() {
      var badge = byId("reseau");
      badge.textContent = navigator.onLine ? "En ligne" : "Hors ligne";
      badge.className = "reseau " + (navigator.onLine ? "en-ligne" : "hors-ligne");
    }
    function render(items) {
      var count = byId("outbox-count");
      count.textContent = items.length;
      count.setAttribute("data-count", String(items.length));
      byId("outbox-bandeau").classList.toggle("a-envoyer", items.length > 0);
      var list = byId("outbox-liste");
      list.innerHTML = "";
      items.forEach(function (item) {
        var li = node("li", null, { "data-state": item.state });
        li.appendChild(node("strong", item.label || options.libelle));
        li.appendChild(node("span", " — " + (labels[item.state] || item.state)));
        if (item.error) { li.appendChild(node("div", item.error, { "class": "aide" })); }
        if (item.state === "connexion") {
          li.appendChild(node("a", options.connexion.texte, { href: options.connexion.href }));
        }
        if (item.state === "conflit" || item.state === "refuse") {
          var retry = node("button", "Réessayer", { type: "button", "class": "lien-bouton" });
          retry.addEventListener("click", function () { retry_(item.key); });
          li.appendChild(retry);
          if (options.supprimer) {
            var drop = node("button", "Supprimer", { type: "button", "class": "lien-bouton" });
            drop.addEventListener("click", function () {
              if (window.confirm("Supprimer définitivement cet envoi ? Il ne pourra pas être récupéré.")) { remove(item.key); }
            });
            li.appendChild(drop);
          }
        }
        list.appendChild(li);
      });
      if (options.apres) { options.apres(items); }
    }
    byId("outbox-voir").addEventListener("click", function () {
      var list = byId("outbox-liste");
      list.hidden = !list.hidden;
      this.setAttribute("aria-expanded", String(!list.hidden));
    });
    window.addEventListener("online", network);
    window.addEventListener("offline", network);
    network();
    listeners.push(render);
    notify();
  }

  window.addEventListener("online", function () { delay = 15000; flushSoon(0); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { flushSoon(0); }
  });

  window.Outbox = {
    add: add, list: list, flush: flush, bandeau: bandeau,
    start: function () { flushSoon(0); },
    uuid: function () {
      if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
      var b = crypto.getRandomValues(new Uint8Array(16));
      b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
      var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
      return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
    },
  };
})();
