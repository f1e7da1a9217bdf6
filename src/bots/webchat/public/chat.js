// Cầu Nối web chat: plain JavaScript, no build step. Talks to /api/chat (JSON to send, Server-Sent Events to receive).
(function () {
  "use strict";
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("composer-input");
  var statusEl = document.getElementById("status");
  var sessionId = localStorage.getItem("cn_session");
  var cursor = 0;
  var seen = {};

  function uid() {
    var a = new Uint8Array(12);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function setStatus(t) { statusEl.textContent = t || ""; }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function addAction(box, label, handler) {
    var b = el("button", null, label);
    b.type = "button";
    b.addEventListener("click", handler);
    box.appendChild(b);
  }

  function render(m) {
    if (seen[m.id]) return;
    seen[m.id] = true;
    var msg = m.message || {};
    var li = el("li", "msg " + m.direction + (m.author && m.author.indexOf("staff") === 0 ? " staff" : ""));
    if (m.author && m.author.indexOf("staff") === 0) li.appendChild(el("span", "who", "Nhân viên Cầu Nối"));
    var text = msg.text || msg.caption || (m.direction === "in" ? (msg.payload ? "✓" : "") : "");
    if (text) li.appendChild(document.createTextNode(text));
    if (m.direction === "out") {
      var box = el("div", "actions");
      if (msg.kind === "choices") msg.choices.forEach(function (c) { addAction(box, c.label, function () { send({ payload: c.id, text: c.label }); }); });
      if (msg.kind === "call_buttons") msg.numbers.forEach(function (n) { var a = el("a", "call", n.label); a.href = "tel:" + n.phone; box.appendChild(a); });
      if (msg.kind === "link") { var a = el("a", null, msg.label); a.href = msg.url; a.rel = "noopener"; a.target = "_blank"; box.appendChild(a); }
      if (msg.kind === "image") { var img = el("img"); img.src = msg.url; img.alt = msg.alt; li.appendChild(img); }
      if (msg.kind === "location_request") {
        addAction(box, "📍 Chia sẻ vị trí", function () {
          if (!navigator.geolocation) return setStatus("Trình duyệt không hỗ trợ chia sẻ vị trí. Bạn hãy nhập tên xã/phường.");
          navigator.geolocation.getCurrentPosition(function (p) { send({ location: { lat: p.coords.latitude, lng: p.coords.longitude }, text: "📍 Vị trí đã chia sẻ" }); },
            function () { setStatus("Không lấy được vị trí. Bạn hãy nhập tên xã/phường."); });
        });
        addAction(box, "Bỏ qua", function () { send({ text: "bỏ qua" }); });
      }
      if (box.childNodes.length) li.appendChild(box);
    }
    log.appendChild(li);
    li.scrollIntoView({ block: "end" });
    if (Number(m.id) > cursor) cursor = Number(m.id);
  }

  function post(url, body) {
    return fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }).then(function (r) {
      return r.json().then(function (j) { if (!r.ok) throw new Error(j.message || "Lỗi " + r.status); return j; });
    });
  }

  function send(parts) {
    var body = { sessionId: sessionId, clientMessageId: uid() };
    if (parts.text) body.text = parts.text;
    if (parts.payload) body.payload = parts.payload;
    if (parts.location) body.location = parts.location;
    setStatus("Đang gửi…");
    var attempt = 0;
    (function go() {
      post("/api/chat/messages", body).then(function () { setStatus(""); }).catch(function () {
        // same clientMessageId: a retry can never create a duplicate
        if (++attempt < 5) { setStatus("Mạng chập chờn, đang thử lại…"); setTimeout(go, 1000 * attempt); }
        else setStatus("Chưa gửi được. Kiểm tra mạng rồi thử lại. Nếu khẩn cấp, hãy gọi 111.");
      });
    })();
  }

  function listen() {
    var es = new EventSource("/api/chat/stream?sessionId=" + encodeURIComponent(sessionId) + "&after=" + cursor);
    es.addEventListener("message", function (e) { render(JSON.parse(e.data)); });
    es.onerror = function () { es.close(); setTimeout(listen, 2000); };
  }

  function start() {
    fetch("/api/chat/messages?sessionId=" + encodeURIComponent(sessionId)).then(function (r) { return r.json(); }).then(function (j) {
      (j.messages || []).forEach(render);
      listen();
      if (!j.messages || j.messages.length === 0) send({ text: "Xin chào" });
    });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var t = input.value.trim();
    if (!t) return;
    input.value = "";
    send({ text: t });
  });

  if (sessionId) start();
  else post("/api/chat/sessions", {}).then(function (j) { sessionId = j.sessionId; localStorage.setItem("cn_session", sessionId); start(); })
    .catch(function () { setStatus("Không kết nối được máy chủ. Nếu khẩn cấp, hãy gọi 111."); });
})();
