// 数智 pages: one module for all of them; document.body.dataset.page picks the
// page. Text from the server is only ever put into the page with textContent
// (el() below), never as HTML.
let csrf = "";

const ROLE_NAMES = { admin: "管理员", guardian: "监护人", staff: "工作人员", auditor: "审计员" };
const PAGES = [
  { href: "/dashboard.html", title: "工作台", roles: ["admin", "guardian", "staff", "auditor"] },
  { href: "/admin.html", title: "用户与部门", roles: ["admin"] },
  { href: "/audit.html", title: "审计日志", roles: ["admin", "auditor"] },
];

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function row(cells) {
  const tr = el("tr");
  for (const c of cells) tr.append(c instanceof Node ? c : el("td", c));
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

const pages = { login, dashboard, admin, audit };
const run = pages[document.body.dataset.page];
if (run) Promise.resolve(run()).catch((e) => showError(e.message));
