// unspin report page: tabs, the suggestion tooltip, copy/source pair highlighting.
// Plain DOM, no build step; text is only ever set with textContent.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    var tabs = document.querySelectorAll(".tab");
    tabs.forEach(function (tab) {
      tab.addEventListener("click", function () {
        var view = tab.getAttribute("data-view");
        tabs.forEach(function (t) { t.classList.toggle("active", t === tab); });
        document.querySelectorAll(".view").forEach(function (v) {
          v.hidden = v.getAttribute("data-view") !== view;
        });
      });
    });

    var tip = document.getElementById("tip");
    function show(el) {
      if (!tip) return;
      var s = el.getAttribute("data-suggestion");
      var c = el.getAttribute("data-confidence");
      var restored = el.tagName === "INS";
      tip.textContent = s ? (restored ? "spun: " : "original: ") + s + " (" + Math.round(parseFloat(c) * 100) + "%)" : "no suggestion";
      var r = el.getBoundingClientRect();
      tip.style.left = (window.scrollX + r.left) + "px";
      tip.style.top = (window.scrollY + r.bottom + 4) + "px";
      tip.hidden = false;
      var li = document.querySelector('#flag-list li[data-flag="' + el.getAttribute("data-flag") + '"]');
      if (li) li.classList.add("hot");
    }
    function hide(el) {
      if (tip) tip.hidden = true;
      document.querySelectorAll("#flag-list li.hot").forEach(function (li) { li.classList.remove("hot"); });
    }
    document.querySelectorAll("mark.flag, ins.restored").forEach(function (el) {
      el.addEventListener("mouseenter", function () { show(el); });
      el.addEventListener("focus", function () { show(el); });
      el.addEventListener("mouseleave", function () { hide(el); });
      el.addEventListener("blur", function () { hide(el); });
    });
    document.querySelectorAll("mark.pair").forEach(function (el) {
      var k = el.getAttribute("data-pair");
      el.addEventListener("mouseenter", function () {
        document.querySelectorAll('mark.pair[data-pair="' + k + '"]').forEach(function (m) { m.classList.add("hot"); });
      });
      el.addEventListener("mouseleave", function () {
        document.querySelectorAll("mark.pair.hot").forEach(function (m) { m.classList.remove("hot"); });
      });
    });
  });
})();
