// 数智 pages: one module for all of them; document.body.dataset.page picks the
// page. Text from the server is only ever put into the page with textContent
// (el() below), never as HTML.
let csrf = "";

const ROLE_NAMES = { admin: "管理员", guardian: "监护人", staff: "工作人员", auditor: "审计员" };
const PAGES = [
  { href: "/dashboard.html", title: "工作台", roles: ["admin", "guardian", "staff", "auditor"] },
  { href: "/portal.html", title: "政策问答", roles: ["admin", "guardian", "staff", "auditor"] },
  { href: "/gongwen.html", title: "公文校对", roles: ["admin", "guardian", "staff"] },
  { href: "/slides.html", title: "演示文稿", roles: ["admin", "guardian", "staff"] },
  { href: "/scenarios.html", title: "场景库", roles: ["admin", "guardian", "staff", "auditor"] },
  { href: "/employees.html", title: "数智员工", roles: ["admin", "guardian", "staff", "auditor"] },
  { href: "/tasks.html", title: "任务", roles: ["admin", "guardian", "staff"] },
  { href: "/review.html", title: "审核队列", roles: ["guardian"] },
  { href: "/kb.html", title: "知识库", roles: ["admin", "guardian", "staff", "auditor"] },
  { href: "/enterprise.html", title: "企业画像", roles: ["admin", "guardian", "staff", "auditor"] },
  { href: "/metrics.html", title: "成效统计", roles: ["admin", "guardian", "auditor"] },
  { href: "/admin.html", title: "用户与部门", roles: ["admin"] },
  { href: "/audit.html", title: "审计日志", roles: ["admin", "auditor"] },
  { href: "/settings.html", title: "系统设置", roles: ["admin", "auditor"] },
];

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function row(cells) {
  const tr = el("tr");
  for (const c of cells) {
    if (c instanceof Node && c.nodeName === "TD") tr.append(c);
    else if (c instanceof Node) { const td = el("td"); td.append(c); tr.append(td); }
    else tr.append(el("td", c));
  }
  return tr;
}

function fmtTime(ms) {
  return new Date(ms).toLocaleString("zh-CN", { hour12: false });
}

function showError(msg) {
  const m = document.getElementById("message");
  if (m) m.textContent = msg || "";
}

async function api(method, path, body) {
  const opt = { method, headers: {}, credentials: "same-origin" };
  if (method !== "GET") opt.headers["X-CSRF-Token"] = csrf;
  if (body !== undefined) {
    opt.headers["Content-Type"] = "application/json";
    opt.body = JSON.stringify(body);
  }
  const res = await fetch(path, opt);
  const data = await res.json().catch(() => ({}));
  if (res.status === 401 && path !== "/api/login") {
    location.href = "/";
    throw new Error("请先登录");
  }
  if (!res.ok) throw new Error((data.error && data.error.message) || "请求失败（" + res.status + "）");
  return data;
}

async function loadMe() {
  const me = await api("GET", "/api/me");
  csrf = me.csrf;
  const nav = document.getElementById("nav");
  for (const p of PAGES) {
    if (!p.roles.includes(me.user.role)) continue;
    const a = el("a", p.title);
    a.href = p.href;
    if (location.pathname === p.href) a.setAttribute("aria-current", "page");
    nav.append(a);
  }
  document.getElementById("who").textContent =
    me.user.display_name + "（" + (ROLE_NAMES[me.user.role] || me.user.role) + "）";
  document.getElementById("logout").addEventListener("click", async () => {
    await api("POST", "/api/logout").catch(() => {});
    location.href = "/";
  });
  const here = PAGES.find((p) => p.href === location.pathname);
  if (here && !here.roles.includes(me.user.role)) {
    // Reached by a typed URL: say so instead of showing forms that would fail.
    const msg = el("p", "无权访问此页面（需要角色：" + here.roles.map((r) => ROLE_NAMES[r]).join("、") + "）。", "error");
    msg.id = "forbidden";
    document.querySelector("main").replaceChildren(el("h2", here.title), msg);
    throw new Error("无权访问此页面");
  }
  return me.user;
}

function login() {
  const form = document.getElementById("login-form");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    showError("");
    const f = new FormData(form);
    try {
      await api("POST", "/api/login", { username: f.get("username"), password: f.get("password") });
      location.href = "/dashboard.html";
    } catch (e) {
      showError(e.message);
    }
  });
}

async function dashboard() {
  const user = await loadMe();
  const dl = document.getElementById("me");
  const facts = [["用户名", user.username], ["显示名称", user.display_name],
    ["角色", ROLE_NAMES[user.role] || user.role], ["部门", user.department || "—"]];
  for (const [k, v] of facts) dl.append(el("dt", k), el("dd", v));
  const ul = document.getElementById("links");
  for (const p of PAGES.slice(1)) {
    if (!p.roles.includes(user.role)) continue;
    const li = el("li"), a = el("a", p.title);
    a.href = p.href;
    li.append(a);
    ul.append(li);
  }
  if (!ul.children.length) ul.append(el("li", "更多功能（公文、数智员工）将在后续版本加入。"));
  await tokens();
}

const TOKEN_STATES = { active: "有效", expired: "已过期", revoked: "已撤销" };

async function tokens() {
  const form = document.getElementById("token-form");
  const shown = document.getElementById("new-token");
  async function refresh() {
    const { tokens } = await api("GET", "/api/tokens");
    document.getElementById("tokens").replaceChildren(...tokens.map((t) => {
      const td = el("td");
      if (t.state === "active") {
        const b = el("button", "撤销");
        b.type = "button";
        b.addEventListener("click", () => act(() => api("POST", "/api/tokens/" + t.id + "/revoke")));
        td.append(b);
      }
      return row([t.id, t.name, TOKEN_STATES[t.state] || t.state, fmtTime(t.created_at),
        t.expires_at ? fmtTime(t.expires_at) : "不过期", t.last_used_at ? fmtTime(t.last_used_at) : "从未使用", td]);
    }));
  }
  async function act(fn) {
    showError("");
    try { await fn(); await refresh(); } catch (e) { showError(e.message); }
  }
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    act(async () => {
      const t = await api("POST", "/api/tokens", { name: f.get("name"), days: Number(f.get("days")) });
      shown.textContent = "新令牌（只显示这一次，请立即保存）：" + t.token;
      shown.hidden = false;
      form.reset();
    });
  });
  await act(async () => {});
}

async function admin() {
  const me = await loadMe();
  const deptForm = document.getElementById("dept-form");
  const userForm = document.getElementById("user-form");
  async function refresh() {
    const { departments } = await api("GET", "/api/departments");
    const names = new Map(departments.map((d) => [d.id, d.name]));
    const tbody = document.getElementById("depts");
    tbody.replaceChildren(...departments.map((d) => row([d.id, d.name, names.get(d.parent_id) || "—"])));
    for (const sel of document.querySelectorAll(".dept-select")) {
      const opts = [el("option", "（无）")];
      opts[0].value = "0";
      for (const d of departments) {
        const o = el("option", d.name + (d.parent_id ? "（" + (names.get(d.parent_id) || "") + "）" : ""));
        o.value = String(d.id);
        opts.push(o);
      }
      sel.replaceChildren(...opts);
    }
    const { users } = await api("GET", "/api/users");
    document.getElementById("users").replaceChildren(...users.map((u) => {
      const td = el("td");
      if (!u.disabled && u.id !== me.id) {
        const b = el("button", "停用");
        b.type = "button";
        b.addEventListener("click", () => act(() => api("POST", "/api/users/" + u.id + "/disable")));
        td.append(b);
      }
      return row([u.username, u.display_name, ROLE_NAMES[u.role] || u.role, u.department || "—",
        u.disabled ? "已停用" : (u.locked ? "已锁定" : "正常"), td]);
    }));
  }
  async function act(fn) {
    showError("");
    try { await fn(); await refresh(); } catch (e) { showError(e.message); }
  }
  deptForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = new FormData(deptForm);
    act(async () => {
      await api("POST", "/api/departments", { name: f.get("name"), parent_id: Number(f.get("parent_id")) });
      deptForm.reset();
    });
  });
  userForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = new FormData(userForm);
    act(async () => {
      await api("POST", "/api/users", {
        username: f.get("username"), display_name: f.get("display_name"), role: f.get("role"),
        department_id: Number(f.get("department_id")), password: f.get("password"),
      });
      userForm.reset();
    });
  });
  await act(async () => {});
}

async function audit() {
  await loadMe();
  const form = document.getElementById("audit-form");
  const v = await api("GET", "/api/audit/verify").catch((e) => ({ error: e.message }));
  const st = document.getElementById("verify");
  if (v.error) st.textContent = v.error;
  else if (v.intact) { st.textContent = "哈希链完整：共 " + v.entries + " 条，最新 #" + v.head_id; st.className = "status ok"; }
  else { st.textContent = "哈希链断裂：" + v.message; st.className = "status bad"; }
  async function query() {
    showError("");
    const q = new URLSearchParams();
    for (const [k, val] of new FormData(form)) if (val) q.set(k, val);
    document.getElementById("csv").href = "/api/audit.csv?" + q;
    try {
      const { entries } = await api("GET", "/api/audit?" + q);
      document.getElementById("entries").replaceChildren(...entries.map((a) =>
        row([a.id, fmtTime(a.ts), a.actor, a.action, a.target, el("td", JSON.stringify(a.detail), "detail")])));
    } catch (e) {
      showError(e.message);
    }
  }
  form.addEventListener("submit", (ev) => { ev.preventDefault(); query(); });
  await query();
}

function fmtAge(ms) {
  const m = Math.max(0, Math.round((Date.now() - ms) / 60000));
  if (m < 60) return m + " 分钟";
  if (m < 1440) return Math.round(m / 60) + " 小时";
  return Math.round(m / 1440) + " 天";
}

function button(text, onClick, cls) {
  const b = el("button", text, cls);
  b.type = "button";
  b.addEventListener("click", onClick);
  return b;
}

function link(text, href) {
  const a = el("a", text);
  a.href = href;
  return a;
}

async function employees() {
  const me = await loadMe();
  const isAdmin = me.role === "admin";
  const { scenarios } = await api("GET", "/api/scenarios");
  const scenarioName = new Map(scenarios.map((s) => [s.id, s.name]));
  let selected = Number(new URLSearchParams(location.search).get("id")) || 0;
  async function act(fn) {
    showError("");
    try { await fn(); await refresh(); } catch (e) { showError(e.message); }
  }
  async function showDetail(id) {
    selected = id;
    const { employee: m } = await api("GET", "/api/employees/" + id);
    document.getElementById("detail").hidden = false;
    document.getElementById("d-name").textContent = (m.config.avatar ? m.config.avatar + " " : "") + m.name;
    const facts = [["状态", m.state_zh], ["版本", "第 " + m.version + " 版"], ["监护人", m.guardian_name || m.guardian],
      ["副监护人", m.deputy || "—"], ["部门", m.department || "—"], ["职责说明", m.config.description || "—"],
      ["场景", (m.config.scenarios || []).map((x) => scenarioName.get(x) || x).join("、") || "—"]];
    document.getElementById("d-facts").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", k), el("dd", v)]));
    const acts = document.getElementById("d-actions");
    acts.replaceChildren();
    const mine = m.mine;
    const post = (path, body) => act(() => api("POST", "/api/employees/" + id + path, body || {}));
    if ((isAdmin || mine) && (m.state === "draft" || m.state === "pending"))
      acts.append(button("运行上岗考核", () => post("/submit")));
    if (mine && m.state === "pending") acts.append(button("批准上岗", () => post("/approve")));
    if ((mine || isAdmin) && m.state === "active") {
      acts.append(button("暂停（刹车）", () => {
        const reason = prompt("暂停原因（必填）：");
        if (reason) post("/pause", { reason });
      }, "secondary"));
    }
    if (mine && m.state === "paused") acts.append(button("恢复上岗", () => post("/resume")));
    if (isAdmin && m.state !== "retired") {
      acts.append(button("退役", () => { if (confirm("确定让该数智员工退役？此操作不可撤销。")) post("/retire", {}); }, "secondary"));
    }
    const acc = m.acceptance;
    const sum = document.getElementById("d-acc-summary");
    if (!acc) { sum.textContent = "尚未进行上岗考核。"; sum.className = "status"; }
    else {
      const current = m.acceptance_version === m.version;
      sum.textContent = (acc.passed ? "考核通过" : "考核未通过") + "（第 " + m.acceptance_version + " 版" + (current ? "" : "，非当前版本") + "）";
      sum.className = "status " + (acc.passed && current ? "ok" : "bad");
    }
    document.getElementById("d-acc").replaceChildren(...((acc && acc.results) || []).map((r) =>
      row([scenarioName.get(r.scenario) || r.scenario, r.sample, r.ok ? "通过" : "未通过",
        r.checks.map((c) => (c.ok ? "✓ " : "✗ ") + c.detail).join("；")])));
    document.getElementById("d-versions").replaceChildren(...m.versions.map((v) =>
      row([v.version, v.actor, fmtTime(v.created_at), el("td", JSON.stringify(v.config), "detail")])));
  }
  async function refresh() {
    const { employees: list } = await api("GET", "/api/employees");
    document.getElementById("employees").replaceChildren(...list.map((m) => {
      const tr = row([el("td", m.config.avatar || Array.from(m.name)[0], "avatar"), link(m.name, "?id=" + m.id),
        el("td", m.state_zh, "state-" + m.state), m.version, m.guardian_name || m.guardian, m.department || "—",
        (m.config.scenarios || []).map((x) => scenarioName.get(x) || x).join("、")]);
      tr.querySelector("a").addEventListener("click", (ev) => { ev.preventDefault(); history.replaceState(null, "", "?id=" + m.id); showDetail(m.id).catch((e) => showError(e.message)); });
      if (m.id === selected) tr.className = "selected";
      return tr;
    }));
    if (selected) await showDetail(selected);
  }
  if (isAdmin) {
    document.getElementById("create-card").hidden = false;
    const { departments } = await api("GET", "/api/departments");
    const { users } = await api("GET", "/api/users");
    for (const sel of document.querySelectorAll(".dept-select")) {
      sel.replaceChildren(el("option", "（无）"), ...departments.map((d) => { const o = el("option", d.name); o.value = String(d.id); return o; }));
      sel.firstChild.value = "0";
    }
    for (const sel of document.querySelectorAll(".guardian-select")) {
      const opts = users.filter((u) => u.role === "guardian" && !u.disabled).map((u) => { const o = el("option", u.display_name + "（" + u.username + "）"); o.value = u.username; return o; });
      if (sel.classList.contains("optional")) { const none = el("option", "（无）"); none.value = ""; opts.unshift(none); }
      sel.replaceChildren(...opts);
    }
    document.getElementById("scenario-select").replaceChildren(...scenarios.map((x) => { const o = el("option", x.name + "（" + x.category + "）"); o.value = x.id; return o; }));
    const form = document.getElementById("emp-form");
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const f = new FormData(form);
      act(async () => {
        const body = { name: f.get("name"), avatar: f.get("avatar"), guardian: f.get("guardian"),
          department_id: Number(f.get("department_id")), scenarios: f.getAll("scenarios"),
          description: f.get("description"), minutes_saved: Number(f.get("minutes_saved")) };
        if (f.get("deputy")) body.deputy = f.get("deputy");
        const { id } = await api("POST", "/api/employees", body);
        selected = id;
        form.reset();
      });
    });
  }
  await act(async () => {});
}

function noticeList(list) {
  document.getElementById("notices").replaceChildren(...(list.length ? list : [{ message: "暂无通知", read: 1 }]).map((n) => {
    const li = el("li", (n.created_at ? fmtTime(n.created_at) + "  " : "") + n.message, n.read ? "" : "unread");
    if (n.task_id) {
      li.append(" ", link("查看", "/task.html?id=" + n.task_id));
      if (!n.read) li.append(" ", button("已读", async () => { await api("POST", "/api/notifications/" + n.id + "/read"); li.className = ""; }, "secondary"));
    }
    return li;
  }));
}

async function tasks() {
  await loadMe();
  const { scenarios } = await api("GET", "/api/scenarios");
  const byId = new Map(scenarios.map((s) => [s.id, s]));
  const { employees: emps } = await api("GET", "/api/employees");
  const live = emps.filter((m) => m.state === "active");
  const empSel = document.getElementById("task-emp");
  const scnSel = document.getElementById("task-scenario");
  const fields = document.getElementById("task-fields");
  empSel.replaceChildren(...live.map((m) => { const o = el("option", m.name); o.value = String(m.id); return o; }));
  function fillScenarios() {
    const m = live.find((x) => String(x.id) === empSel.value);
    scnSel.replaceChildren(...((m && m.config.scenarios) || []).filter((id) => byId.has(id)).map((id) => { const o = el("option", byId.get(id).name); o.value = id; return o; }));
    fillFields();
  }
  // One input per form field of the scenario (types of docs/SCENARIOS.md):
  // text → textarea; list → one item per line; table → one row per line,
  // cells separated by "|"; enum → select; bool → checkbox.
  function fillFields() {
    const s = byId.get(scnSel.value);
    const hint = el("p", s ? s.description : "", "hint");
    const sampleBtn = button("填入样例", () => fillSample(s), "secondary");
    fields.replaceChildren(hint, ...((s && s.form) || []).map((f) => {
      const lab = el("label", (f.label || f.name) + (f.required ? "（必填）" : ""));
      let input;
      if (f.type === "enum") {
        input = el("select");
        if (!f.required) input.append(el("option", ""));
        for (const v of f.enum || []) input.append(el("option", v));
      } else if (f.type === "text" || f.type === "textarea" || f.type === "list" || f.type === "table") {
        input = el("textarea");
        input.rows = f.type === "text" || f.type === "textarea" ? 6 : 3;
        if (f.type === "list") input.placeholder = "每行一项";
        if (f.type === "table") input.placeholder = "每行一条，各列用 | 分隔：" + (f.fields || []).map((c) => c.label || c.name).join(" | ");
      } else {
        input = el("input");
        input.type = f.type === "date" ? "date" : (f.type === "number" || f.type === "integer") ? "number" : f.type === "bool" ? "checkbox" : "text";
        if (f.placeholder) input.placeholder = f.placeholder;
        if (f.type === "integer") input.step = "1";
        if (f.type === "number") input.step = "any";
      }
      input.name = f.name;
      input.dataset.type = f.type;
      if (f.required && f.type !== "bool") input.required = true;
      if (f.max_len || f.max_length) input.maxLength = f.max_len || f.max_length;
      if (f.default !== undefined) setField(input, f, f.default);
      lab.append(input);
      // A field that takes a file (.txt/.docx, e.g. the 询问笔录): the file's
      // text fills it on the server; the original is kept with the task.
      if (f.file) {
        const pick = el("input");
        pick.type = "file";
        pick.accept = f.file;
        pick.dataset.fileFor = f.name;
        pick.addEventListener("change", () => { input.required = !!f.required && !pick.files.length; input.disabled = !!pick.files.length; });
        lab.append(el("span", "或上传文件（" + f.file + "）：", "hint"), pick);
      }
      return lab;
    }));
    if (s && s.samples && s.samples.length) fields.prepend(sampleBtn);
  }
  function setField(input, f, v) {
    if (f.type === "bool") input.checked = !!v;
    else if (f.type === "list") input.value = (v || []).join("\n");
    else if (f.type === "table") input.value = (v || []).map((r) => (f.fields || []).map((c) => r[c.name] ?? "").join(" | ")).join("\n");
    else input.value = v ?? "";
  }
  function fillSample(s) {
    const sample = s.samples[0].input || {};
    for (const f of s.form || []) {
      const input = fields.querySelector(`[name="${CSS.escape(f.name)}"]`);
      if (input && sample[f.name] !== undefined) setField(input, f, sample[f.name]);
    }
  }
  function readFields() {
    const s = byId.get(scnSel.value);
    const out = {};
    for (const f of (s && s.form) || []) {
      const input = fields.querySelector(`[name="${CSS.escape(f.name)}"]`);
      if (!input || input.disabled) continue;
      const raw = input.value;
      if (f.type === "bool") out[f.name] = input.checked;
      else if (raw === "") continue;
      else if (f.type === "number" || f.type === "integer") out[f.name] = Number(raw);
      else if (f.type === "list") out[f.name] = raw.split("\n").map((x) => x.trim()).filter(Boolean);
      else if (f.type === "table") out[f.name] = raw.split("\n").filter((l) => l.trim()).map((l) => {
        const cells = l.split("|").map((x) => x.trim());
        return Object.fromEntries((f.fields || []).map((c, i) => [c.name, cells[i] ?? ""]));
      });
      else out[f.name] = raw;
    }
    return out;
  }
  empSel.addEventListener("change", fillScenarios);
  scnSel.addEventListener("change", fillFields);
  const want = new URLSearchParams(location.search);
  if (want.get("employee") && live.some((m) => String(m.id) === want.get("employee"))) empSel.value = want.get("employee");
  fillScenarios();
  if (want.get("scenario") && [...scnSel.options].some((o) => o.value === want.get("scenario"))) {
    scnSel.value = want.get("scenario");
    fillFields();
  }
  if (!live.length) document.getElementById("task-status").textContent = "目前没有在岗的数智员工。";
  async function refresh() {
    const { tasks: list } = await api("GET", "/api/tasks?scope=mine");
    document.getElementById("tasks").replaceChildren(...list.map((t) => row([t.id, t.employee, (byId.get(t.scenario) || {}).name || t.scenario,
      t.state_zh, fmtTime(t.created_at), t.reason || "—", link("详情", "/task.html?id=" + t.id)])));
    const { notifications } = await api("GET", "/api/notifications");
    noticeList(notifications);
  }
  const form = document.getElementById("task-form");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    showError("");
    const inputs = readFields();
    const st = document.getElementById("task-status");
    st.textContent = "正在生成……";
    try {
      const files = {};
      for (const pick of fields.querySelectorAll("input[data-file-for]")) {
        if (!pick.files.length) continue;
        st.textContent = "正在上传 " + pick.files[0].name + "……";
        files[pick.dataset.fileFor] = (await upload("/api/task-files", pick.files[0])).id;
      }
      st.textContent = "正在生成……";
      const r = await api("POST", "/api/tasks", { employee_id: Number(empSel.value), scenario: scnSel.value, inputs, files });
      st.textContent = r.state === "draft" ? "任务 #" + r.id + " 已生成草稿，等待监护人审核。"
        : r.state === "running" ? "任务 #" + r.id + " 生成中（模型撰写），完成后通知监护人审核。" : "任务 #" + r.id + " 未能生成：" + (r.message || "");
      await refresh();
    } catch (e) { st.textContent = ""; showError(e.message); }
  });
  await refresh();
}

async function review() {
  await loadMe();
  const form = document.getElementById("queue-form");
  async function refresh() {
    showError("");
    const state = new FormData(form).get("state");
    try {
      const { tasks: list } = await api("GET", "/api/tasks?scope=queue" + (state ? "&state=" + encodeURIComponent(state) : ""));
      document.getElementById("queue-count").textContent = "共 " + list.length + " 项";
      document.getElementById("queue").replaceChildren(...list.map((t) => row([t.id, t.employee, t.scenario,
        t.requester_name || t.requester, t.state_zh, t.state === "draft" ? fmtAge(t.drafted_at || t.created_at) : "—",
        link(t.state === "draft" ? "审核" : "查看", "/task.html?id=" + t.id)])));
    } catch (e) { showError(e.message); }
  }
  form.addEventListener("submit", (ev) => { ev.preventDefault(); refresh(); });
  await refresh();
}

const EVENT_NAMES = { create: "提交任务", draft: "生成草稿", edit: "监护人修改", approve: "审核通过", reject: "驳回",
  return: "退回补充", export: "导出正式结果", fail: "生成失败", model: "模型调用" };
const MODEL_OUTCOMES = { model: "采用模型稿", fallback: "未采用模型，已使用规则生成", aborted: "已中止" };

async function task() {
  await loadMe();
  const id = Number(new URLSearchParams(location.search).get("id"));
  async function refresh() {
    const { task: t } = await api("GET", "/api/tasks/" + id);
    document.querySelector("main h2").textContent = "任务 #" + t.id + " · " + t.state_zh;
    const facts = [["数智员工", t.employee + "（第 " + t.employee_version + " 版）"], ["场景", t.scenario + "（第 " + t.scenario_version + " 版）"],
      ["提交人", t.requester_name || t.requester], ["部门", t.department || "—"], ["提交时间", fmtTime(t.created_at)],
      ["审核", t.decider ? t.decider + "，" + fmtTime(t.decided_at) : "—"], ["意见", t.reason || "—"],
      ["生成方式", t.state === "running" ? "生成中（模型撰写，页面自动刷新）" : t.result && t.result.path === "model" ? "模型撰写（" + t.result.model + "），已通过场景校验"
        : t.result && t.result.path === "deterministic" ? "确定性模板（未使用模型）" : "—"],
      ["模型配置", (t.result && t.result.model_profile) ? t.result.model_profile : "—"]];
    if (t.result && t.result.model_note) facts.push(["模型说明", t.result.model_note]);
    document.getElementById("t-facts").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", k), el("dd", v)]));
    document.getElementById("t-inputs").textContent = Object.entries(t.inputs || {}).map(([k, v]) => k + "：\n" + v).join("\n\n");
    document.getElementById("t-files").replaceChildren(...(t.files || []).map((f) => {
      const li = el("li");
      li.append(link(f.name, "/api/task-files/" + f.id), " · " + f.field + " · " + f.size + " 字节 · BLAKE2b " + f.digest.slice(0, 16) + "…");
      return li;
    }));
    document.getElementById("t-files-head").hidden = !(t.files || []).length;
    const res = t.result || {};
    const kbs = (res.retrieval && res.retrieval.kbs) || [];
    document.getElementById("t-sources-head").textContent = kbs.length ? "依据（检索自本员工可读的知识库：" + kbs.join("、") + "）" : "依据（该数智员工未配置知识库，未检索）";
    document.getElementById("t-sources").replaceChildren(...(res.sources || []).map((src) => el("li", [src.title, src.article, src.snippet].filter(Boolean).join(" · "))));
    document.getElementById("t-validators").replaceChildren(...((t.result && t.result.validators) || []).map((v) => el("li", (v.ok ? "✓ " : "✗ ") + v.message, v.ok ? "status ok" : "status bad")));
    const ta = document.getElementById("t-text");
    ta.value = t.text || "";
    const reviewing = t.can_review && t.state === "draft";
    ta.readOnly = !reviewing;
    document.getElementById("t-review").hidden = !reviewing;
    document.getElementById("t-edit-hint").textContent = reviewing ? "（可直接修改后保存，再审核）" : "";
    document.getElementById("t-export").hidden = t.state !== "approved";
    document.getElementById("t-export-link").href = "/api/tasks/" + id + "/export?format=txt";
    document.getElementById("t-export-docx").href = "/api/tasks/" + id + "/export?format=docx";
    document.getElementById("t-export-pptx").href = "/api/tasks/" + id + "/export?format=pptx";
    const p = await api("GET", "/api/tasks/" + id + "/provenance");
    const intact = document.getElementById("t-intact");
    intact.textContent = p.intact ? "（记录完整，已锚定审计链）" : "（记录与审计链不符！）";
    intact.className = "status " + (p.intact ? "ok" : "bad");
    document.getElementById("t-timeline").replaceChildren(...p.events.map((e) => {
      const li = el("li");
      li.append(el("span", fmtTime(e.ts), "when"), el("strong", EVENT_NAMES[e.kind] || e.kind), " · " + e.actor + (e.anchored ? "" : " ⚠ 与审计记录不符"));
      if (e.kind === "edit" && Array.isArray(e.detail.diff)) {
        const d = el("div", null, "diff");
        for (const l of e.detail.diff) {
          if (l.op === "+" || l.op === "-") d.append(el("div", l.op + " " + l.line, l.op === "+" ? "add" : "del"));
          else if (l.op === "=") d.append(el("div", "…（" + l.lines + " 行未变）"));
        }
        li.append(d);
      } else if (e.kind === "model") {
        const d = e.detail;
        li.append(" · " + d.model + " · " + (MODEL_OUTCOMES[d.outcome] || d.outcome) + (d.note ? " · " + d.note : ""));
        for (const c of d.calls || []) {
          const item = el("details", null, "model-call");
          item.append(el("summary", (c.status === "done" ? "✓ " : "✗ ") + c.status + " · 输入 " + c.prompt_tokens + " / 输出 " + c.completion_tokens + " 词元 · "
            + c.duration_ms + " ms · 脱敏 " + c.masked_values + " 处" + (c.error ? " · " + c.error : "")));
          item.append(el("div", "参数：" + JSON.stringify(d.parameters)));
          if (c.reasoning) item.append(el("pre", "推理过程（仅存档，不进入草稿）：\n" + c.reasoning, "box"));
          li.append(item);
        }
      } else if (e.detail.reason) li.append(" · 理由：" + e.detail.reason);
      return li;
    }));
    if (t.state === "running") setTimeout(() => act(async () => {}), 1500);
  }
  async function act(fn) {
    showError("");
    try { await fn(); await refresh(); } catch (e) { showError(e.message); }
  }
  const decide = (decision) => act(() => api("POST", "/api/tasks/" + id + "/decide", { decision, reason: document.getElementById("t-reason").value }));
  document.getElementById("t-save").addEventListener("click", () => act(() => api("POST", "/api/tasks/" + id + "/edit", { text: document.getElementById("t-text").value })));
  document.getElementById("t-approve").addEventListener("click", () => decide("approve"));
  document.getElementById("t-reject").addEventListener("click", () => decide("reject"));
  document.getElementById("t-return").addEventListener("click", () => decide("return"));
  await act(async () => {});
}

async function metrics() {
  await loadMe();
  const m = await api("GET", "/api/metrics");
  document.getElementById("metrics-total").textContent = "共 " + m.tasks + " 项任务";
  const pct = (x) => (x * 100).toFixed(1) + "%";
  for (const key of ["by_employee", "by_scenario", "by_department", "guardians"]) {
    const t = document.getElementById("m-" + key);
    const head = el("tr");
    for (const h of ["名称", "任务", "待审核", "通过", "驳回", "退回", "采纳率", "平均修改字数", "平均审核用时（分钟）", "节省（小时）"]) head.append(el("th", h));
    t.replaceChildren(head, ...m[key].map((r) => row([r.name, r.tasks, r.pending, r.approved, r.rejected, r.returned, pct(r.acceptance_rate),
      r.mean_edit_distance.toFixed(1), r.mean_decision_minutes.toFixed(1), r.hours_saved.toFixed(2)])));
    if (!m[key].length) t.append(row(["暂无数据"]));
  }
}

// Text with highlighted spans. spans are [byteStart, byteLen] in the UTF-8
// of text (as the server counts); built from text nodes, never HTML.
function highlighted(tag, text, spans) {
  const node = el(tag);
  const bytes = new TextEncoder().encode(text);
  const dec = new TextDecoder();
  let at = 0;
  for (const [start, len] of [...(spans || [])].sort((a, b) => a[0] - b[0])) {
    if (start < at || start + len > bytes.length) continue;
    node.append(dec.decode(bytes.slice(at, start)), el("mark", dec.decode(bytes.slice(start, start + len))));
    at = start + len;
  }
  node.append(dec.decode(bytes.slice(at)));
  return node;
}

async function scenarios() {
  await loadMe();
  const { scenarios: all } = await api("GET", "/api/scenarios");
  const { employees: emps } = await api("GET", "/api/employees");
  const qIn = document.getElementById("s-q");
  const cat = document.getElementById("s-cat");
  const cats = [...new Set(all.map((x) => x.category))];
  cat.append(...cats.map((c) => el("option", c)));
  function render() {
    const q = qIn.value.trim();
    const shown = all.filter((x) => (!cat.value || x.category === cat.value) &&
      (!q || (x.name + x.description + x.id).includes(q)));
    document.getElementById("s-count").textContent = "共 " + shown.length + " 个场景";
    document.getElementById("gallery").replaceChildren(...cats.filter((c) => shown.some((x) => x.category === c)).map((c) => {
      const sec = el("section", null, "gallery-cat");
      sec.append(el("h3", c));
      const grid = el("div", null, "cards");
      for (const x of shown.filter((y) => y.category === c)) {
        const card = el("div", null, "scn");
        card.dataset.id = x.id;
        const who = emps.filter((m) => m.state === "active" && (m.config.scenarios || []).includes(x.id));
        card.append(el("h4", x.name), el("p", x.description),
          el("p", "输入项：" + (x.form || []).map((f) => f.label || f.name).join("、")),
          el("p", who.length ? "在岗数智员工：" + who.map((m) => m.name).join("、") : "暂无在岗数智员工承担此场景"));
        if (who.length) card.append(link("请数智员工办理", "/tasks.html?employee=" + who[0].id + "&scenario=" + encodeURIComponent(x.id)));
        grid.append(card);
      }
      sec.append(grid);
      return sec;
    }));
  }
  qIn.addEventListener("input", render);
  cat.addEventListener("change", render);
  render();
}

// For the page modules in their own files (web/<page>.js import these).
async function upload(path, file) {
  const res = await fetch(path, {
    method: "POST", credentials: "same-origin", body: file,
    headers: { "X-CSRF-Token": csrf, "Content-Type": "application/octet-stream",
      "X-File-Name": encodeURIComponent(file.name) },
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((data.error && data.error.message) || "上传失败（" + res.status + "）");
  return data;
}
function getCsrf() { return csrf; }
export { el, row, fmtTime, fmtAge, showError, api, upload, getCsrf, loadMe, button, link, highlighted, noticeList };

const pages = { login, dashboard, admin, audit, employees, tasks, review, task, metrics, scenarios };
const run = pages[document.body.dataset.page];
if (run) Promise.resolve(run()).catch((e) => showError(e.message));
