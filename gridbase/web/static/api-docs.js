// gridbase API docs: renders an OpenAPI document with the vendored Swagger UI (no CDN).
// The per-database spec needs credentials: the header typed here is kept for this browser
// tab (sessionStorage), sent when fetching the spec and on every "Try it out" request.
(function () {
  "use strict";
  var KEY = "gridbase.authorization";
  var body = document.body;
  var specUrl = body.dataset.specUrl;
  var needsAuth = body.dataset.needsAuth === "true";
  var input = document.getElementById("gridbase-authorization");
  var status = document.getElementById("gridbase-status");

  // "abc" or "Bearer abc" -> the header gridbase understands: JWT <access token> or Token <key>.
  function normalize(value) {
    var v = (value || "").trim().replace(/^Bearer\s+/i, "");
    if (/^(JWT|Token)\s+\S/i.test(v)) return v;
    return v.split(".").length === 3 ? "JWT " + v : "Token " + v;
  }

  function interceptor(request) {
    var typed = input.value.trim();
    var current = request.headers.Authorization || request.headers.authorization;
    if (current) {
      request.headers.Authorization = normalize(current);
    } else if (typed) {
      request.headers.Authorization = normalize(typed);
    }
    return request;
  }

  function render(options) {
    window.ui = SwaggerUIBundle(Object.assign({
      dom_id: "#swagger-ui",
      deepLinking: true,
      docExpansion: "list",
      defaultModelsExpandDepth: 0,
      requestInterceptor: interceptor,
    }, options));
  }

  function load() {
    var typed = input.value.trim();
    if (typed) sessionStorage.setItem(KEY, typed); else sessionStorage.removeItem(KEY);
    if (!needsAuth) { status.textContent = ""; render({ url: specUrl }); return; }
    if (!typed) { status.textContent = "Enter a JWT or a database token to load this database's API."; return; }
    status.textContent = "Loading…";
    fetch(specUrl, { headers: { Authorization: normalize(typed) } })
      .then(function (r) { return r.json().then(function (data) { return [r.ok, data]; }); })
      .then(function (result) {
        if (!result[0]) {
          status.textContent = (result[1].error || "") + " " + JSON.stringify(result[1].detail);
          return;
        }
        status.textContent = "";
        render({ spec: result[1] });
      })
      .catch(function (err) { status.textContent = String(err); });
  }

  document.getElementById("gridbase-auth").addEventListener("submit", function (event) {
    event.preventDefault();
    load();
  });
  input.value = sessionStorage.getItem(KEY) || "";
  if (!needsAuth || input.value) load();
  else status.textContent = "Enter a JWT or a database token to load this database's API.";
})();
