/* Lead intelligence tracking snippet.
 *
 * <script async src="https://PLATFORM/static/intel/tracker.js" data-site-key="KEY"
 *         data-endpoint="https://PLATFORM/api/intel/v1/collect/"></script>
 *
 * Reports page views (URL, title, referrer; UTM parameters are read from the URL by the
 * server), the time each page was visible, and an identify when a form with an e-mail
 * field is submitted or window.leadIntel.identify(email, name) is called. Batches are sent
 * as text/plain with navigator.sendBeacon, so no CORS preflight is needed.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.leadIntel) return;
  var siteKey = script.getAttribute("data-site-key");
  if (!siteKey) return;
  var endpoint = script.getAttribute("data-endpoint") || new URL("/api/intel/v1/collect/", script.src).href;
  var SESSION_IDLE_MS = 30 * 60 * 1000;
  var MAX_BATCH = 50;

  function randomId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function stored(name, fresh) {
    var store = storage();
    var value = store && store.getItem(name);
    if (!value || !fresh(value)) {
      value = randomId();
      if (store) store.setItem(name, value);
    }
    return value;
  }

  var visitor = stored("li_visitor", function () { return true; });
  // A visit ends after 30 idle minutes; the next page starts a new session.
  var session = (function () {
    var store = storage();
    var last = store ? Number(store.getItem("li_last") || 0) : 0;
    var id = stored("li_session", function () { return Date.now() - last < SESSION_IDLE_MS; });
    if (store) store.setItem("li_last", String(Date.now()));
    return id;
  })();

  var queue = [];
  var timer = null;

  function send() {
    timer = null;
    while (queue.length) {
      var body = JSON.stringify({
        site_key: siteKey, visitor: visitor, session: session, sent: Date.now(), actions: queue.splice(0, MAX_BATCH)
      });
      var blob = new Blob([body], { type: "text/plain;charset=UTF-8" });
      if (!(navigator.sendBeacon && navigator.sendBeacon(endpoint, blob))) {
        fetch(endpoint, { method: "POST", body: body, keepalive: true, mode: "no-cors",
                          headers: { "Content-Type": "text/plain;charset=UTF-8" } });
      }
    }
    var store = storage();
    if (store) store.setItem("li_last", String(Date.now()));
  }

  function push(action, now) {
    action.id = randomId();
    action.at = Date.now();
    queue.push(action);
    if (now) send();
    else if (!timer) timer = setTimeout(send, 1000);
    return action.id;
  }

  // Page view and the time it stays visible.
  var visibleMs = 0;
  var visibleSince = document.visibilityState === "visible" ? Date.now() : null;
  var pageView = { type: "page", url: location.href, title: document.title.slice(0, 500),
                   referrer: document.referrer.slice(0, 2000) };
  var pageId = push(pageView);
  var left = false;

  function leave() {
    if (visibleSince !== null) { visibleMs += Date.now() - visibleSince; visibleSince = null; }
    if (left) return;
    left = true;
    var action = { type: "leave", time_on_page: Math.min(86400, Math.round(visibleMs / 1000)) };
    action.id = pageId;
    action.at = Date.now();
    // Beacons arrive in any order and are recorded concurrently, and a leave recorded before its
    // page view would find no page to update: the leave carries the page view (unchanged, same id;
    // recording it again changes nothing) so they are recorded together.
    if (queue.indexOf(pageView) < 0) queue.push(pageView);
    queue.push(action);
    send();
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      leave();
    } else {
      left = false;
      visibleSince = Date.now();
    }
  });
  window.addEventListener("pagehide", leave);

  function identify(email, name) {
    if (!email || String(email).indexOf("@") < 1) return;
    push({ type: "identify", email: String(email).trim().slice(0, 254),
           name: String(name || "").trim().slice(0, 200) }, true);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.querySelector) return;
    var email = form.querySelector("input[type=email], input[name=email]");
    if (!email || !email.value) return;
    var name = form.querySelector("input[autocomplete=name], input[name=name], input[name=full_name]");
    identify(email.value, name ? name.value : "");
  }, true);

  window.leadIntel = { identify: identify };
})();
