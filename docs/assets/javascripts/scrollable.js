// 无障碍：比页面宽、需要左右滚动的表格，键盘用户也要能滚动（WCAG 2.1.1）。Material 在页面载入后才把表格
// 包进 .md-typeset__scrollwrap，所以在它的 document$ 通知之后处理：真的能滚动的才加入 Tab 顺序，并说明这是什么。
(function () {
  "use strict";

  function mark() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", "表格（可用方向键左右滚动）");
      } else {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(mark);
  } else {
    document.addEventListener("DOMContentLoaded", mark);
  }
  window.addEventListener("resize", mark);
})();
