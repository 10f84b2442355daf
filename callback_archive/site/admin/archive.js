// 登记表单的档案规则（Decap CMS 之外的部分，见 design/clerk-form.md）：
// - 保存前：去掉空白字段，检查表单字段表达不了的条件规则（archive.json，由 schemas/ 生成），自动编号；
// - 保存时：把文件放进档案要求的位置 records/<类别>/<单位>/<年>/<月>/<编号>.yaml（Decap 的路径模板
//   会把文件名变成小写，也不能按触发业务的归档月份分文件夹），编号已被占用时顺延；
// - 不改写已合并的记录：表单只登记新记录，更正走更正程序（scripts/new_record.py amend）。
(function () {
  "use strict";
  var CMS = window.CMS;
  var AMEND = "已合并的记录不能在表单中修改或删除：更正请运行 scripts/new_record.py amend <编号> --set 字段=值 " +
    "--by 姓名 --reason 原因（作废用 void），见网站“使用指南”的“更正和作废”。";
  var rules = null; // admin/archive.json: by collection
  var pending = {}; // lower-case id → {id, dir, prefix, number}: records being saved, by Decap's (lower-case) slug
  var created = {}; // Decap's path → the real path, for records created in this browser session
  var backend = null; // the backend Decap made (archiveBackend)
  var workflow = false; // editorial workflow: each entry on its own branch and pull request until published

  function get(data, path) {
    return path.split(".").reduce(function (value, key) {
      return value === undefined || value === null ? undefined : value[key];
    }, data);
  }

  function isImmutable(value) {
    return value !== null && typeof value === "object" && typeof value.toJS === "function";
  }

  // Empty text, lists and objects are left out: the archive's files say only what was filled in.
  function prune(value) {
    if (isImmutable(value)) {
      var kept = value.map(prune).filter(function (item) { return item !== undefined; });
      return kept.size ? kept : undefined;
    }
    if (value === null || value === undefined) return undefined;
    if (typeof value === "string" && value.trim() === "") return undefined;
    return value;
  }

  function matches(data, when) {
    return Object.keys(when).every(function (path) {
      var value = get(data, path);
      return when[path] === null ? value !== undefined : when[path].indexOf(value) >= 0;
    });
  }

  function problems(data, spec) {
    var found = [];
    (spec.rules || []).forEach(function (rule) {
      if (!matches(data, rule.when)) return;
      var missing = rule.require.some(function (path) { return get(data, path) === undefined; });
      var extra = rule.forbid.some(function (path) { return get(data, path) !== undefined; });
      if (missing || extra) found.push(rule.message);
    });
    return found;
  }

  // 表单的编号：当天（回访日或收函日）的 5000–9799 号，按保存时刻（北京时间）每 18 秒一个号；命令行
  // 的 new_record.py 从当天最大的号加一。号已被占用（文件已在档案中，或另一条记录还在自己的合并请求里）
  // 时顺延，见 firstFree。
  function formNumber() {
    var beijing = new Date(Date.now() + 8 * 3600 * 1000);
    var seconds = beijing.getUTCHours() * 3600 + beijing.getUTCMinutes() * 60 + beijing.getUTCSeconds();
    return 5000 + Math.floor(seconds / 18);
  }

  function pad(number) { return ("000" + number).slice(-4); }

  function dayOf(data, spec) {
    var day = String(get(data, spec.day_field) || "").slice(0, 10).replace(/-/g, "");
    if (!/^[0-9]{8}$/.test(day)) throw new Error("请先填写日期，编号按它生成。");
    return day;
  }

  function folderOf(data, spec) {
    var start = spec.month_from.map(function (path) { return get(data, path); })
      .filter(function (value) { return value !== undefined; })[0];
    return spec.folder + "/" + data.unit + "/" + String(start).slice(0, 4) + "/" + String(start).slice(5, 7);
  }

  async function exists(path) {
    try {
      var found = await backend.getEntry(path);
      return Boolean(found && typeof found.data === "string" && found.data !== "");
    } catch (error) {
      return false; // not found (the hosts answer 404; decap-server an error)
    }
  }

  // Slugs (lower-case ids) of the entries still in their own pull requests (editorial workflow): their ids are
  // taken although their files are not in the archive yet.
  async function unpublishedSlugs() {
    if (!workflow || typeof backend.unpublishedEntries !== "function") return [];
    try {
      return (await backend.unpublishedEntries()).map(function (key) { return String(key).split("/").pop(); });
    } catch (error) {
      return []; // the host's list failed: the check at placing and CI's id-duplicate remain
    }
  }

  // The first id from ``prefix`` + ``number`` on that is neither a file in ``dir`` nor in ``taken``.
  async function firstFree(prefix, number, dir, taken) {
    for (;; number++) {
      if (number > 9999) throw new Error("当天的编号已用完：请用命令行登记（scripts/new_record.py）。");
      var id = prefix + pad(number);
      if (taken.indexOf(id.toLowerCase()) < 0 && !(await exists(dir + "/" + id + ".yaml"))) return id;
    }
  }

  CMS.registerEventListener({
    name: "preSave",
    handler: async function (event) {
      var entry = event.entry;
      var spec = rules[entry.get("collection")];
      if (!spec) return undefined;
      var data = prune(entry.get("data")) || entry.get("data").clear();
      var plain = data.toJS();
      var found = problems(plain, spec);
      if (found.length) throw new Error(found.join("；"));
      if (spec.prefix && entry.get("newRecord")) {
        // Chosen before Decap makes the entry's slug (and, in the editorial workflow, its branch) from the id.
        var dir = folderOf(plain, spec);
        var prefix = spec.prefix + "-" + dayOf(plain, spec) + "-";
        var id = await firstFree(prefix, formNumber(), dir, await unpublishedSlugs());
        data = data.set("id", id);
        pending[id.toLowerCase()] = {id: id, dir: dir, prefix: prefix, number: parseInt(id.slice(prefix.length), 10)};
      }
      return data;
    },
  });

  // A record's real place (Decap's path is lower-case and has no unit or month folders). The number moves on
  // if the id was taken since it was chosen: its file has landed meanwhile, or Decap found another entry's branch
  // under the same slug and added “-1” to this one's.
  async function place(file) {
    var name = file.path.split("/").pop().replace(/\.yaml$/, "");
    var base = name.replace(/-[0-9]+$/, "");
    var target = pending[name] || (/^[a-z]+-[0-9]{8}-[0-9]{4}$/.test(base) ? pending[base] : undefined);
    if (!target) return null;
    var taken = pending[name] ? [] : [target.id.toLowerCase()];
    var id = await firstFree(target.prefix, target.number, target.dir, taken);
    var real = target.dir + "/" + id + ".yaml";
    created[file.path] = real;
    return Object.assign({}, file, {path: real, raw: file.raw.replace(/^id: .*$/m, "id: " + id)});
  }

  function archiveBackend(base) {
    return function ArchiveBackend(config, options) {
      var inner = CMS.getBackend(base).init(config, options);
      backend = inner;
      var persist = inner.persistEntry.bind(inner);
      var getEntry = inner.getEntry.bind(inner);
      inner.getEntry = function (path) { return getEntry(created[path] || path); };
      inner.persistEntry = async function (entry, opts) {
        var files = [];
        for (var i = 0; i < entry.dataFiles.length; i++) {
          var file = entry.dataFiles[i];
          if (created[file.path]) {
            files.push(Object.assign({}, file, {path: created[file.path]}));
          } else if (opts && opts.newEntry) {
            var placed = await place(file);
            if (placed === null && await exists(file.path)) throw new Error("这个文件已经存在。" + AMEND);
            files.push(placed || file);
          } else if (opts && opts.unpublished) {
            files.push(file); // still in its own pull request: not landed yet
          } else {
            throw new Error(AMEND);
          }
        }
        return persist(Object.assign({}, entry, {dataFiles: files}), opts);
      };
      ["deleteFiles", "deleteFile"].forEach(function (method) {
        if (typeof inner[method] === "function") {
          inner[method] = function () { return Promise.reject(new Error(AMEND)); };
        }
      });
      return inner;
    };
  }

  [["github", "github"], ["gitlab", "gitlab"], ["gitea", "gitea"], ["bitbucket", "bitbucket"], ["local", "proxy"]]
    .forEach(function (pair) { CMS.registerBackend("archive-" + pair[0], archiveBackend(pair[1])); });

  // 本机模式：/admin/?local（或 ?local=端口）连接本机的 decap-server（docs/clerk-form.md），只连 localhost。
  // decap-server 的 Git 模式（MODE=git）支持编辑工作流：和在 GitLab、GitHub 上一样，每条记录存进自己的分支
  // cms/…，在“工作流”里送审、发布（合并进 Git 网站设置的分支，没有设置时为 main，或 ?branch= 指定）；
  // 文件模式（默认）直接写文件。
  async function localOverride(configured) {
    var query = new URLSearchParams(window.location.search);
    var port = query.get("local");
    if (port === null) return {};
    if (port !== "" && !/^[0-9]{2,5}$/.test(port)) return {};
    var proxy = "http://localhost:" + (port || "8081") + "/api/v1";
    var modes = [];
    try {
      var info = await fetch(proxy, {method: "POST", headers: {"Content-Type": "application/json"},
                                     body: JSON.stringify({action: "info"})});
      modes = (await info.json()).publish_modes || [];
    } catch (error) {
      // not running: Decap says so when the clerk logs in
    }
    var branch = query.get("branch") ||
      (configured.backend && configured.backend.branch) || "main";
    return {backend: {name: "archive-local", proxy_url: proxy, branch: branch},
            publish_mode: modes.indexOf("editorial_workflow") >= 0 ? "editorial_workflow" : "simple"};
  }

  // Decap 中文界面里几处说法：工作流卡片的日期是英文（December 4）、“新建帖子”、看板的“审查中”与状态菜单的
  // “审核中”不一致。改 Decap 已登记的中文词条（其余照旧）。
  function amendChinese() {
    var zh = CMS.getLocale("zh_Hans");
    if (!zh || !zh.workflow) return;
    Object.assign(zh.workflow.workflow, {dateFormat: "M月D日", newPost: "新建记录"});
    zh.workflow.workflowList.inReviewHeader = "审核中";
  }

  function json(name) {
    return fetch(name, {cache: "no-cache"}).then(function (response) {
      if (!response.ok) throw new Error(name + "：" + response.status);
      return response.json();
    });
  }

  // config.yml is generated as JSON (which is YAML too): read here, whatever type the web server gives it.
  Promise.all([json("config.yml"), json("archive.json")]).then(async function (loaded) {
    rules = loaded[1];
    amendChinese();
    var config = Object.assign(loaded[0], await localOverride(loaded[0]), {load_config_file: false});
    workflow = config.publish_mode === "editorial_workflow";
    CMS.init({config: config});
  }).catch(function (error) {
    document.body.insertAdjacentHTML("afterbegin", "<p role=\"alert\">登记表单的配置没有加载：</p>");
    document.querySelector("[role=alert]").textContent += String(error.message);
  });
})();
