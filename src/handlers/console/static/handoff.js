// Cầu Nối staff console: refreshes a hand-off transcript every few seconds while the tab is visible.
// Progressive enhancement only: without this file the page works by reloading. Text is inserted with textContent
// (never innerHTML), so a message can never become markup.
"use strict";
(function () {
  var list = document.getElementById("transcript");
  if (!list || !window.fetch) return;
  var url = list.getAttribute("data-poll");
  var after = list.getAttribute("data-after") || "0";
  var busy = false;
  var delay = 4000;

  function line(m) {
    var li = document.createElement("li");
    li.className = m.direction === "in" ? "msg msg-in" : "msg msg-out";
    li.setAttribute("data-id", m.id);
    var meta = document.createElement("div");
    meta.className = "msg-meta";
    meta.textContent = m.author + " · " + m.atText + (m.status === "failed" ? " · gửi lỗi" : "");
    var body = document.createElement("div");
    body.className = "prewrap";
    body.textContent = m.text;
    li.appendChild(meta);
    li.appendChild(body);
    return li;
  }

  function poll() {
    if (busy || document.hidden) return;
    busy = true;
    fetch(url + "?after=" + encodeURIComponent(after), { credentials: "same-origin", headers: { accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (!j || !j.messages) return;
        for (var i = 0; i < j.messages.length; i++) {
          var m = j.messages[i];
          if (list.querySelector('[data-id="' + m.id + '"]')) continue;
          list.appendChild(line(m));
          after = m.id;
        }
        if (j.messages.length) {
          var empty = document.getElementById("transcript-empty");
          if (empty) empty.remove();
          var wrap = list.parentElement;
          if (wrap) wrap.scrollTop = wrap.scrollHeight;
        }
      })
      .catch(function () { /* offline for a moment: try again on the next tick */ })
      .then(function () { busy = false; });
  }

  var wrap = list.parentElement;
  if (wrap) wrap.scrollTop = wrap.scrollHeight;
  window.setInterval(poll, delay);
  document.addEventListener("visibilitychange", poll);
})();
