/* Django admin's two-list selector (filter_horizontal) draws its filter icons as spans with an
   aria-label, which ARIA allows only on elements with a role: they are images, so say so. The
   selector is built on the window's load event; this runs right after it. */
(function () {
  "use strict";

  function nameFilterIcons() {
    document.querySelectorAll(".search-label-icon[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  window.addEventListener("load", function () { setTimeout(nameFilterIcons, 0); });
})();
