/* Service worker: keeps the field forms and their assets for offline use.
 * SW_CONFIG ({version, pages, assets}) is prepended by the server. API calls are never
 * cached: unsent work lives in the page's IndexedDB outbox, not here. */
var CACHE = "quartier-" + SW_CONFIG.version;
var NAVIGATION_TIMEOUT_MS = 4000;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      // One missing asset must not leave the form without any offline copy.
      return Promise.all(SW_CONFIG.assets.map(function (asset) {
        return cache.add(asset).catch(function (err) { console.warn("Non mis en cache :", asset, err); });
      })).then(function () {
        var concrete = SW_CONFIG.pages.filter(function (page) { return page.indexOf("*") < 0; });
        return Promise.all(concrete.map(function (page) {
          return fetch(page, { credentials: "same-origin" }).then(function (response) {
            if (response.ok && !response.redirected) { return cache.put(page, response); }
            return null;
          }).catch(function () { return null; });
        }));
      });
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k.indexOf("quartier-") === 0 && k !== CACHE; })
        .map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function isOfflinePage(url) {
  return SW_CONFIG.pages.some(function (page) {
    return url.pathname === page || (page.slice(-1) === "*" && url.pathname.indexOf(page.slice(0, -1)) === 0);
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }

  if (request.mode === "navigate" && isOfflinePage(url)) {
    // Network first (a fresh page when online); on a weak network, the cached copy after
    // NAVIGATION_TIMEOUT_MS, and whenever the network fails.
    var network = fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return response;
    });
    network.catch(function () {});  // when the timeout won, a later failure is expected
    var cached = caches.match(url.pathname);
    var timeout = new Promise(function (resolve) {
      setTimeout(function () { cached.then(function (hit) { if (hit) { resolve(hit); } }); }, NAVIGATION_TIMEOUT_MS);
    });
    event.respondWith(
      Promise.race([network, timeout]).catch(function () {
        return cached.then(function (hit) {
          return hit || new Response("<!DOCTYPE html><html lang=fr><meta charset=utf-8><title>Hors ligne</title>"
            + "<p>Hors ligne : cette page n'a pas encore été ouverte avec du réseau.</p>",
            { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
        });
      })
    );
    return;
  }

  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(
      caches.match(request).then(function (cached) {
        return cached || fetch(request).then(function (response) {
          if (response.ok) {
            var copy = response.clone();
            caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
          }
          return response;
        });
      })
    );
  }
});

/* A page asks to be kept for offline use (a page first opened before the worker
 * controlled it, such as a walk's participant page right after joining). */
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "garder" || !data.url) { return; }
  var url = new URL(data.url, self.location.origin);
  var reply = function (ok) { if (event.ports && event.ports[0]) { event.ports[0].postMessage({ ok: ok }); } };
  if (url.origin !== self.location.origin || !isOfflinePage(url)) { reply(false); return; }
  event.waitUntil(
    fetch(url.pathname, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok || response.redirected) { reply(false); return null; }
      return caches.open(CACHE).then(function (cache) { return cache.put(url.pathname, response); })
        .then(function () { reply(true); });
    }).catch(function () { reply(false); })
  );
});
