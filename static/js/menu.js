// The header's disclosure menus (<details>) open and close without JavaScript; this only makes them behave like
// menus people know: one open at a time, Escape closes the open one and returns focus to its button, and a click
// or focus outside closes it.
(function () {
  "use strict";
  var menus = Array.prototype.slice.call(document.querySelectorAll(".portal-disclosure"));
  if (!menus.length) { return; }

  function closeAll(except) {
    menus.forEach(function (menu) {
      if (menu !== except) { menu.open = false; }
    });
  }

  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (menu.open) { closeAll(menu); }
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
        event.preventDefault();
      }
    });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".portal-disclosure")) { closeAll(null); }
  });
  document.addEventListener("focusin", function (event) {
    if (!event.target.closest(".portal-disclosure")) { closeAll(null); }
  });
})();
