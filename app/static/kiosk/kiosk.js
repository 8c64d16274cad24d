/* Kiosk pages: idle reset, card-reader input, the on-screen keypad, no double submits. No build step. */
(function () {
  "use strict";
  var body = document.body;
  if (body.dataset.kiosk !== "1") { return; }
  var idleMs = (parseInt(body.dataset.idleSeconds, 10) || 60) * 1000;
  var startUrl = body.dataset.startUrl;
  var isStart = body.classList.contains("page-start");
  var timer = null;

  /* After the idle time: forget the citizen on the server (POST /kiosk/reset) and show the start page. */
  function idleReset() {
    var form = document.getElementById("kiosk-reset");
    if (body.dataset.citizen === "1" && form) {
      document.getElementById("kiosk-reset-reason").value = "idle";
      form.submit();
      return;
    }
    var number = document.getElementById("number");
    var typed = number && number.value !== "";
    var shown = document.querySelector(".field-error, .notice, #name");
    if (!isStart || typed || shown) {
      window.location.replace(startUrl);
    } else {
      arm();
    }
  }
  function arm() {
    window.clearTimeout(timer);
    timer = window.setTimeout(idleReset, idleMs);
  }
  ["pointerdown", "touchstart", "keydown", "input", "wheel", "scroll"].forEach(function (name) {
    document.addEventListener(name, arm, { passive: true, capture: true });
  });
  arm();
  /* The start page's form token expires after an hour: reload it now and then while nobody uses it. */
  if (isStart) {
    window.setInterval(function () {
      var number = document.getElementById("number");
      if (!number || number.value === "") { window.location.replace(startUrl); }
    }, 20 * 60 * 1000);
  }

  /* A card reader types the number and Enter into the focused field: keep the number field focused. */
  var number = document.getElementById("number");
  if (number) {
    number.focus();
    document.addEventListener("click", function (event) {
      if (!event.target.closest("input, button, a, select, textarea, label")) { number.focus(); }
    });
    number.addEventListener("keydown", function (event) {
      /* Some readers end with Tab instead of Enter. */
      if (event.key === "Tab" && number.value.trim().length >= 9) {
        event.preventDefault();
        number.form.requestSubmit();
      }
    });
    number.addEventListener("input", function () {
      var clean = number.value.replace(/\s+/g, "").toUpperCase();
      if (clean !== number.value) { number.value = clean; }
    });
    document.querySelectorAll(".keypad .key").forEach(function (key) {
      key.addEventListener("click", function () {
        var k = key.dataset.key;
        if (k === "clear") { number.value = ""; }
        else if (k === "⌫") { number.value = number.value.slice(0, -1); }
        else if (number.value.length < 18) { number.value += k; }
        number.focus();
      });
    });
    document.querySelectorAll(".doc-choice .doc").forEach(function (button) {
      button.addEventListener("click", function () {
        document.getElementById("document").value = button.dataset.doc;
        document.querySelectorAll(".doc-choice .doc").forEach(function (b) { b.classList.toggle("on", b === button); });
        number.focus();
      });
    });
  }

  /* DEMO ONLY: simulate the card reader. The server's demo endpoint signs the number as the reader's software
     does with the kiosk's device token (kept from this page in an HttpOnly cookie); real kiosks read the card. */
  var demoReader = document.getElementById("demo-reader");
  if (demoReader && number) {
    demoReader.addEventListener("click", function () {
      var form = number.form;
      var body = new URLSearchParams({number: number.value, document: document.getElementById("document").value,
                                      csrf_token: form.querySelector("[name=csrf_token]").value});
      fetch(demoReader.dataset.url, {method: "POST", body: body, credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (read) {
          number.value = read.number;
          document.getElementById("read_at").value = read.read_at;
          document.getElementById("signature").value = read.signature;
          form.requestSubmit();
        });
    });
    /* A number typed after a read is a typed number: drop the read's signature. */
    number.addEventListener("input", function () {
      document.getElementById("signature").value = "";
      document.getElementById("read_at").value = "";
    });
  }

  /* One tap is one submit: a second tap on a slow network must not send the form twice. */
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function () {
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  });
})();
