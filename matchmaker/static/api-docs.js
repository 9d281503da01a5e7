// Starts Swagger UI on /api/docs over the document named by the page (no inline script: the CSP).
window.addEventListener("DOMContentLoaded", function () {
  var node = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({url: node.dataset.specUrl, domNode: node, deepLinking: true});
});
