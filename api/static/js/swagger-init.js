// API documentation: starts the vendored Swagger UI (no inline script, so the CSP stays strict).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    // No call to the public validator: the service runs offline and the schema stays here.
    validatorUrl: null,
    oauth2RedirectUrl: window.location.origin + root.getAttribute("data-oauth2-redirect-url"),
    presets: [SwaggerUIBundle.presets.apis]
  });
})();
