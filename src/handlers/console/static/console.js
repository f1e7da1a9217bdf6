// Cầu Nối staff console: small progressive enhancements only; every page works without this file.
// Loaded as an external file because the Content-Security-Policy forbids inline scripts.
"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  // <form data-confirm="…">: ask before irreversible actions (closing a case, running retention…).
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  // Avoid double submissions on slow mobile connections.
  if (form.dataset.submitted === "1") {
    event.preventDefault();
    return;
  }
  form.dataset.submitted = "1";
  window.setTimeout(function () { form.dataset.submitted = ""; }, 5000);
});
