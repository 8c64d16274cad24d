/* Suggest points while typing in an <input data-point-search>: at most 20 from /points/search, never the full list. */
(function () {
  "use strict";
  function bind(input) {
    if (input.dataset.bound) { return; }
    input.dataset.bound = "1";
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (!q || q === asked) { return; }
        asked = q;
        var url = input.dataset.pointSearch + "?q=" + encodeURIComponent(q);
        if (input.dataset.town) { url += "&town=" + encodeURIComponent(input.dataset.town); }
        if (input.dataset.open) { url += "&open=1"; }
        fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
          .then(function (r) { return r.ok ? r.json() : {points: []}; })
          .then(function (data) {
            if (input.value.trim() !== q) { return; }  // a newer keystroke has its own request
            list.textContent = "";
            data.points.forEach(function (p) {
              var option = document.createElement("option");
              option.value = p.code;
              option.label = p.name + "（" + p.town_name + (p.open ? "" : "，已停用") + "）";
              option.textContent = option.label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* offline or signed out: the input still takes a typed code */ });
      }, 200);
    });
  }
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-point-search]"), bind);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
