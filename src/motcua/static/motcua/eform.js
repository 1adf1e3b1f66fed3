/* motcua e-form: reload the communes when the province changes. Optional — without it the
   server shows the step again with the new list. */
(function () {
  "use strict";
  var d = document;
  if (window.motcuaEform) { return; }
  window.motcuaEform = true;
  d.documentElement.className += " js-eform";
  function say(sel, text) {
    var s = d.getElementById(sel.id + "-status");
    if (s) { s.textContent = text; }
  }
  function load(sel) {
    var commune = d.getElementById(sel.getAttribute("data-commune"));
    var built = d.getElementById(sel.getAttribute("data-for"));
    var btn = sel.parentNode.querySelector(".eform-refresh");
    var code = sel.value;
    if (!commune || !built || !window.fetch) { return; }
    sel.setAttribute("data-want", code);
    say(sel, sel.getAttribute("data-loading"));
    fetch(sel.getAttribute("data-url").replace("CODE", encodeURIComponent(code)), {
      headers: { Accept: "application/json" }
    }).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    }).then(function (units) {
      if (sel.getAttribute("data-want") !== code) { return; }
      var first = commune.options[0];
      commune.innerHTML = "";
      commune.appendChild(first);
      first.selected = true;
      units.sort(function (a, b) {
        return a.name.replace(/^(Xã|Phường|Đặc khu) /, "").localeCompare(b.name.replace(/^(Xã|Phường|Đặc khu) /, ""), "vi");
      }).forEach(function (u) {
        commune.appendChild(new Option(u.name, u.code));
      });
      built.value = code;
      if (btn) { btn.classList.remove("is-needed"); }
      say(sel, sel.getAttribute("data-loaded"));
    }).catch(function () {
      if (btn) { btn.classList.add("is-needed"); }
      say(sel, sel.getAttribute("data-failed"));
    });
  }
  d.addEventListener("change", function (e) {
    var t = e.target;
    if (t && t.hasAttribute && t.hasAttribute("data-eform-province")) { load(t); }
  });
})();
