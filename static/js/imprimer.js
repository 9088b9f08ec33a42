/* Buttons that print the page ([data-imprimer]) and selects that submit their form when
 * changed ([data-envoi-auto]): no inline handler in the templates (CSP). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-imprimer]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    document.querySelectorAll("[data-envoi-auto]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  });
})();
