// Light or dark: the system's choice (prefers-color-scheme) until the reader presses "Dark mode",
// then theirs, remembered in this browser. Loaded in <head> so the page never flashes the other one.
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "booklib.theme";
  var system = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  try {
    var chosen = localStorage.getItem(KEY);
    if (chosen === "dark" || chosen === "light") root.dataset.theme = chosen;
  } catch (e) { /* storage disabled: follow the system */ }

  function isDark() {
    if (root.dataset.theme) return root.dataset.theme === "dark";
    return !!(system && system.matches);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("theme-toggle");
    if (!button) return;
    function show() { button.setAttribute("aria-pressed", isDark() ? "true" : "false"); }
    button.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      root.dataset.theme = next;
      try { localStorage.setItem(KEY, next); } catch (e) { /* this page only */ }
      show();
    });
    if (system && system.addEventListener) system.addEventListener("change", show);
    show();
    button.hidden = false;
  });
})();
