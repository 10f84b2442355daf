// 按编号查找记录：回访编号、复函编号、工单号或户号 → 记录所在页面和锚点。
// 查找文件 archive/lookup/<xx>.json 由 callback_archive/site/records.py 生成，xx 是键的最后两个字符；
// 每次只取一个小文件，档案再大也很快。结果一律用 textContent 显示，不解释为 HTML。
(function () {
  "use strict";

  function shard(key) {
    var tail = key.slice(-2);
    return /^[0-9A-Z]{2}$/.test(tail) ? tail : "__";
  }

  function show(result, message, matches) {
    result.textContent = "";
    var p = document.createElement("p");
    p.textContent = message;
    result.appendChild(p);
    if (!matches.length) return;
    var list = document.createElement("ul");
    matches.forEach(function (match) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = match.href;
      link.textContent = match.record;
      item.appendChild(link);
      item.appendChild(document.createTextNode(" · " + match.what + " · " + match.page));
      list.appendChild(item);
    });
    result.appendChild(list);
  }

  function find(form) {
    var input = form.querySelector("input");
    var result = form.querySelector(".ca-lookup-result");
    var key = input.value.replace(/\s+/g, "").toUpperCase();
    if (!key) {
      show(result, "请输入编号、工单号或户号。", []);
      return;
    }
    var base = new URL(form.getAttribute("data-shards"), window.location.href);
    var root = new URL(form.getAttribute("data-root"), window.location.href);
    fetch(new URL(shard(key) + ".json", base))
      .then(function (response) { return response.ok ? response.json() : { pages: [], keys: {} }; })
      .then(function (data) {
        var matches = (data.keys[key] || []).map(function (entry) {
          var page = data.pages[entry[1]];
          return { record: entry[0], what: entry[2], page: page[1],
                   href: new URL(page[0] + "#" + encodeURIComponent(entry[0]), root).href };
        });
        if (!matches.length) {
          show(result, "没有找到“" + input.value.trim() + "”：请输入完整的编号、工单号或户号。", []);
        } else if (matches.length === 1) {
          show(result, "找到 1 条记录，正在打开……", matches);
          window.location.href = matches[0].href;
        } else {
          show(result, "找到 " + matches.length + " 条记录：", matches);
        }
      })
      .catch(function () { show(result, "查找文件读取失败，请刷新页面后重试。", []); });
  }

  function setup() {
    document.querySelectorAll("form.ca-lookup").forEach(function (form) {
      if (form.dataset.ready) return;
      form.dataset.ready = "1";
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        find(form);
      });
    });
  }

  // Material 的“即时导航”打开时页面不重新加载：document$ 每换一页通知一次。
  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(setup);
  } else {
    document.addEventListener("DOMContentLoaded", setup);
  }
})();
