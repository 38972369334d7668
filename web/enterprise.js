// 企业画像: search, profile (SVG line charts drawn here, no libraries),
// warnings feed, 招商 screening with CSV/.xlsx download, access setting
// (admin). Text from the server goes in with textContent only (el()).
import { el, row, api, loadMe, button, showError, getCsrf } from "/app.js";

const SVG = "http://www.w3.org/2000/svg";
const LEVEL = { red: "红色", orange: "橙色", yellow: "黄色" };
const PER = 20;
let page = 1;
let total = 0;

function svg(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  return e;
}

// A line chart of points [{t, v}] (v may be null: a gap).
function lineChart(title, points, unit) {
  const box = el("figure", null, "ent-chart");
  box.append(el("figcaption", title + (unit ? "（" + unit + "）" : "")));
  const pts = points.filter((p) => p.v !== null && p.v !== undefined);
  if (pts.length === 0) {
    box.append(el("p", "无数据", "hint"));
    return box;
  }
  const W = 360, H = 160, L = 56, R = 10, T = 10, B = 28;
  const s = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img" });
  s.setAttribute("aria-label", title);
  let lo = Math.min(...pts.map((p) => p.v)), hi = Math.max(...pts.map((p) => p.v));
  if (lo > 0) lo = 0;
  if (hi === lo) hi = lo + 1;
  const n = points.length;
  const x = (i) => L + (n === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (n - 1));
  const y = (v) => T + (H - T - B) * (1 - (v - lo) / (hi - lo));
  s.append(svg("line", { x1: L, y1: T, x2: L, y2: H - B, class: "ent-axis" }));
  s.append(svg("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, class: "ent-axis" }));
  for (const v of [lo, hi]) {
    const t = svg("text", { x: L - 4, y: y(v) + 4, "text-anchor": "end", class: "ent-tick" });
    t.textContent = Number(v.toFixed(2)).toLocaleString("zh-CN");
    s.append(t);
  }
  for (const i of [0, n - 1]) {
    const t = svg("text", { x: x(i), y: H - 8, "text-anchor": i === 0 ? "start" : "end", class: "ent-tick" });
    t.textContent = points[i].t;
    s.append(t);
  }
  let d = "", pen = false;
  points.forEach((p, i) => {
    if (p.v === null || p.v === undefined) { pen = false; return; }
    d += (pen ? " L " : " M ") + x(i).toFixed(1) + " " + y(p.v).toFixed(1);
    pen = true;
  });
  s.append(svg("path", { d: d.trim(), class: "ent-line", fill: "none" }));
  points.forEach((p, i) => {
    if (p.v === null || p.v === undefined) return;
    const c = svg("circle", { cx: x(i), cy: y(p.v), r: 2.5, class: "ent-dot" });
    const tip = svg("title");
    tip.textContent = p.t + "：" + p.v + "（" + p.source + "）";
    c.append(tip);
    s.append(c);
  });
  box.append(s);
  return box;
}

function kv(dl, k, v) {
  dl.append(el("dt", k), el("dd", v === null || v === undefined || v === "" ? "—" : v));
}

async function openProfile(id) {
  showError("");
  const box = document.getElementById("ent-profile");
  box.replaceChildren(el("p", "加载中…", "hint"));
  let p;
  try { p = await api("GET", "/api/enterprises/" + encodeURIComponent(id)); } catch (e) {
    box.replaceChildren();
    showError(e.message);
    return;
  }
  const g = p.grade;
  const head = el("div", null, "ent-head");
  head.append(el("h3", p.name || p.uscc), el("span", "评级 " + g.grade, "ent-grade ent-grade-" + g.grade));
  const reg = el("dl", null, "ent-facts");
  kv(reg, "统一社会信用代码", p.uscc + (p.uscc_valid ? "" : "（校验位不符）"));
  kv(reg, "登记状态", p.registration.status);
  kv(reg, "成立日期", p.registration.establish_date);
  kv(reg, "注册资本（万元）", p.registration.registered_capital_wan);
  kv(reg, "行业代码", p.registration.industry_code);
  kv(reg, "地区代码", p.registration.region_code);
  kv(reg, "法定代表人", p.registration.legal_rep);
  kv(reg, "最新财务年度", p.size.latest_year);
  kv(reg, "营业收入（万元）", p.size.revenue_wan);
  kv(reg, "主营收入增长率（%）", p.size.growth_pct);
  kv(reg, "参保人数", p.size.insured_count);
  kv(reg, "有效资质", (p.innovation.valid_certifications || []).join("、"));
  kv(reg, "评价日期", p.as_of);
  kv(reg, "来源", p.registration.source);

  const charts = el("div", null, "ent-charts");
  charts.append(lineChart("参保人数", p.series.headcount, "人"),
    lineChart("用电量", p.series.electricity, "千瓦时"),
    lineChart("营业收入", p.series.revenue, "万元"));

  const sc = p.scorecard;
  const st = el("table", null, "ent-scorecard");
  st.append(row(["维度", "指标", "得分", "满分"]));
  for (const i of sc.indicators) st.append(row([i.group, i.name, i.points, i.max]));
  st.append(row(["合计", sc.pass ? "通过" + (sc.direct.length ? "（直通：" + sc.direct.join("；") + "）" : "") : "未通过", sc.score, 100]));

  const ws = el("div", null, "ent-warnings");
  if (p.warnings.length === 0) ws.append(el("p", "按当前预警规则未发现预警。", "hint"));
  for (const w of p.warnings) {
    const item = el("details", null, "ent-warning ent-" + w.level);
    const sum = el("summary");
    sum.append(el("span", w.level_zh, "ent-level ent-level-" + w.level), el("span", " " + w.name + " — " + w.threshold + (w.default ? "（默认阈值）" : "（已调整，非默认）")));
    item.append(sum);
    const ul = el("ul");
    for (const ev of w.evidence) {
      const fields = Object.entries(ev.row || {}).filter(([k]) => !["line", "file", "source"].includes(k))
        .map(([k, v]) => k + "=" + v).join("，");
      ul.append(el("li", ev.source + "：" + fields));
    }
    item.append(ul);
    ws.append(item);
  }

  const gt = el("table", null, "ent-grade-table");
  gt.append(row(["维度", "得分", "满分"]));
  for (const d of g.dimensions) gt.append(row([d.name, d.points, d.max]));

  const report = el("a", "下载企业画像报告（.docx）");
  report.href = "/api/enterprises/" + encodeURIComponent(p.id) + "/report.docx";
  report.id = "ent-report";
  report.title = "配置了大模型时，分析一节由模型撰写，需等待模型写完（未配置或模型不可用时按规则生成，报告中注明）";

  box.replaceChildren(head, reg, el("h4", "指标走势"), charts, el("h4", "创新型中小企业评分"), st,
    el("p", sc.rule, "hint"), el("h4", "风险预警"), ws, el("h4", "信用评级"), gt,
    el("p", g.explanation), el("p", g.thresholds, "hint"), el("h4", "分析（规则生成，未使用大模型）"),
    ...String(p.analysis).split("\n").map((t) => el("p", t)), report);
}

async function search() {
  showError("");
  const q = document.getElementById("ent-q").value.trim();
  let d;
  try {
    d = await api("GET", "/api/enterprises?q=" + encodeURIComponent(q) + "&page=" + page + "&per_page=" + PER);
  } catch (e) { showError(e.message); return; }
  total = d.total;
  const ul = document.getElementById("ent-list");
  ul.replaceChildren();
  for (const e of d.enterprises) {
    const li = el("li");
    const b = button(e.name || e.uscc, () => openProfile(e.id), "ent-pick");
    li.append(b, el("span", " " + e.uscc + " " + (e.industry_code || ""), "hint"));
    ul.append(li);
  }
  document.getElementById("ent-count").textContent = "共 " + d.total + " 家";
  const pages = Math.max(1, Math.ceil(d.total / PER));
  document.getElementById("ent-page").textContent = " 第 " + page + " / " + pages + " 页 ";
  document.getElementById("ent-prev").disabled = page <= 1;
  document.getElementById("ent-next").disabled = page >= pages;
}

async function feed() {
  showError("");
  const level = document.getElementById("feed-level").value;
  let d;
  try { d = await api("GET", "/api/enterprise/warnings" + (level ? "?level=" + level : "")); } catch (e) { showError(e.message); return; }
  const tb = document.querySelector("#feed-table tbody");
  tb.replaceChildren();
  for (const i of d.items) {
    const name = i.id ? button(i.name || i.uscc, () => { show("search"); openProfile(i.id); }, "ent-pick") : i.uscc;
    tb.append(row([i.change === "new" ? "新增" : "解除", LEVEL[i.level] || i.level, name, i.rule_name || i.rule, i.evidence]));
  }
  document.getElementById("feed-count").textContent = (d.kind === "rules" ? "预警规则调整（" + String(d.by || "") + "，重新评估全部企业）" : "第 " + d.import + " 次导入") + "：新增 " + d.new + " 条，解除 " + d.cleared + " 条" + (level ? "（已按等级筛选，显示 " + d.items.length + " 条）" : "");
  const rt = document.querySelector("#rules-table tbody");
  rt.replaceChildren();
  for (const r of d.rules) rt.append(row([r.level_zh, r.name, r.threshold + (r.default ? "（默认）" : "（已调整）") + (r.enabled ? "" : "（已停用）")]));
}

function screenBody(format) {
  const f = document.getElementById("screen-form");
  const b = { format, sort: f.sort.value, cxzx_pass: f.cxzx_pass.checked, zjtx: f.zjtx.checked, no_red: f.no_red.checked };
  for (const k of ["industry", "region", "min_capital", "min_revenue", "min_headcount", "min_growth", "min_grade", "chain"]) {
    if (f[k].value.trim() !== "") b[k] = f[k].value.trim();
  }
  if (f.cert.value) b.certs = [f.cert.value];
  if (format !== "json") b.limit = 0;
  return b;
}

async function screen() {
  showError("");
  let d;
  try { d = await api("POST", "/api/enterprise/screen", screenBody("json")); } catch (e) { showError(e.message); return; }
  const tb = document.querySelector("#screen-table tbody");
  tb.replaceChildren();
  for (const r of d.results) {
    tb.append(row([r.rank, button(r.name || r.uscc, () => { show("search"); openProfile(r.id); }, "ent-pick"),
      r.industry_code, r.region_code, r.grade, r.credit_score, r.cxzx_score + (r.cxzx_pass === "是" ? " 通过" : ""),
      r.revenue_wan ?? "—", r.growth_pct ?? "—", r.insured_count ?? "—", r.certifications, r.flags]));
  }
  document.getElementById("screen-count").textContent = "符合 " + d.matched + " 家" + (d.matched > d.results.length ? "（显示前 " + d.results.length + " 家）" : "");
  document.getElementById("screen-note").textContent = "评价日期 " + d.as_of + "；" + d.note;
}

async function download(format) {
  showError("");
  const res = await fetch("/api/enterprise/screen", {
    method: "POST", credentials: "same-origin",
    headers: { "X-CSRF-Token": getCsrf(), "Content-Type": "application/json" },
    body: JSON.stringify(screenBody(format)),
  });
  if (!res.ok) {
    const d = await res.json().catch(() => ({}));
    showError((d.error && d.error.message) || "导出失败（" + res.status + "）");
    return;
  }
  const url = URL.createObjectURL(await res.blob());
  const a = el("a");
  a.href = url;
  a.download = "招商筛选." + format;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
}

const TABS = ["search", "feed", "screen", "lists", "rules", "access"];

function show(name) {
  for (const t of TABS) {
    document.getElementById("pane-" + t).hidden = t !== name;
    document.getElementById("tab-" + t).setAttribute("aria-selected", String(t === name));
  }
}

async function loadChains() {
  try {
    const d = await api("GET", "/api/enterprise/chains");
    const sel = document.querySelector("#screen-form select[name=chain]");
    sel.replaceChildren(el("option", "（不限）"));
    sel.firstChild.value = "";
    for (const k of Object.keys(d.chains)) {
      const o = el("option", k + "（" + d.chains[k].join("、") + "）");
      o.value = k;
      sel.append(o);
    }
    return d.chains;
  } catch (e) { return {}; }
}

async function access() {
  const d = await api("GET", "/api/enterprise/access");
  const f = document.getElementById("access-form");
  for (const r of ["guardian", "staff", "auditor"]) f[r].checked = d.roles.includes(r);
  f.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const roles = ["guardian", "staff", "auditor"].filter((r) => f[r].checked);
    try {
      const res = await api("POST", "/api/enterprise/access", { roles });
      document.getElementById("access-msg").textContent = "已保存：" + res.roles.join("、");
    } catch (e) { showError(e.message); }
  });
  const chains = await loadChains();
  document.getElementById("chains-text").value = JSON.stringify(chains, null, 1);
  document.getElementById("chains-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const c = JSON.parse(document.getElementById("chains-text").value || "{}");
      await api("POST", "/api/enterprise/chains", { chains: c });
      document.getElementById("chains-msg").textContent = "已保存";
      loadChains();
    } catch (e) { showError(e.message); }
  });
}

// ---- saved lists ----

async function saveList() {
  showError("");
  const f = document.getElementById("save-form");
  const name = f.elements.list_name.value.trim();
  if (!name) { showError("请填写名单名称"); return; }
  const filter = screenBody("json");
  delete filter.format;
  try {
    const d = await api("POST", "/api/enterprise/lists", { name, shared: f.elements.shared.checked, filter });
    document.getElementById("save-msg").textContent = "已保存“" + name + "”：" + d.saved + " 家（符合 " + d.matched + " 家）";
  } catch (e) { showError(e.message); }
}

function fileLink(text, href) {
  const a = el("a", text);
  a.href = href;
  return a;
}

async function openList(id) {
  showError("");
  let d;
  try { d = await api("GET", "/api/enterprise/lists/" + id); } catch (e) { showError(e.message); return; }
  document.getElementById("list-title").textContent = d.name + "（" + d.owner + "，" + d.created + "）";
  document.getElementById("list-filter").textContent = "筛选条件：" + JSON.stringify(d.filter) + "；评价日期 " + d.as_of + "；" + d.note;
  const tb = document.querySelector("#list-rows tbody");
  tb.replaceChildren();
  for (const r of d.results) {
    const name = r.id ? button(r.name || r.uscc, () => { show("search"); openProfile(r.id); }, "ent-pick") : (r.name || r.uscc);
    tb.append(row([r.rank, name, r.industry_code, r.region_code, r.grade, r.credit_score, r.flags]));
  }
}

// refresh: the saved filter re-run now; save replaces the membership
async function refreshList(l, save) {
  showError("");
  let d;
  try { d = await api("POST", "/api/enterprise/lists/" + l.id + "/refresh", { save }); } catch (e) { showError(e.message); return; }
  const box = document.getElementById("list-refresh");
  box.hidden = false;
  document.getElementById("list-title").textContent = l.name + "：刷新结果";
  document.getElementById("list-filter").textContent = "";
  document.querySelector("#list-rows tbody").replaceChildren();
  document.getElementById("refresh-summary").textContent = "按评价日期 " + d.as_of + " 重新筛选（保存时 " + d.saved_as_of + "）：符合 " + d.matched + " 家；新增 " + d.added.length + " 家，移出 " + d.removed.length + " 家，未变 " + d.kept + " 家" + (d.saved ? "；名单已更新。" : "。");
  const tb = document.querySelector("#refresh-rows tbody");
  tb.replaceChildren();
  for (const [what, rows] of [["新增", d.added], ["移出", d.removed]])
    for (const r of rows) tb.append(row([what, r.rank, r.name || r.uscc, r.industry_code, r.grade, r.flags]));
  const btn = document.getElementById("refresh-save");
  btn.hidden = d.saved || (d.added.length === 0 && d.removed.length === 0);
  btn.onclick = async () => { await refreshList(l, true); lists(); };
}

async function lists() {
  showError("");
  let d;
  try { d = await api("GET", "/api/enterprise/lists"); } catch (e) { showError(e.message); return; }
  const tb = document.querySelector("#lists-table tbody");
  tb.replaceChildren();
  if (d.lists.length === 0) tb.append(row(["（还没有保存的名单：在“招商筛选”中筛选后保存）", "", "", "", "", "", ""]));
  for (const l of d.lists) {
    const ops = el("span", null, "inline");
    ops.append(button("打开", () => { document.getElementById("list-refresh").hidden = true; openList(l.id); }),
      button("刷新", () => refreshList(l, false)),
      fileLink("CSV", "/api/enterprise/lists/" + l.id + "/export?format=csv"),
      fileLink(".xlsx", "/api/enterprise/lists/" + l.id + "/export?format=xlsx"),
      button("删除", async () => {
        if (!confirm("删除名单“" + l.name + "”？")) return;
        try { await api("DELETE", "/api/enterprise/lists/" + l.id); lists(); } catch (e) { showError(e.message); }
      }));
    tb.append(row([l.name, l.owner, l.created, l.as_of, l.matched, l.shared ? "本部门" : "仅本人", ops]));
  }
}

// ---- risk rules ----

let ruleRows = [];

async function rules(admin) {
  showError("");
  let d;
  try { d = await api("GET", "/api/enterprise/rules"); } catch (e) { showError(e.message); return; }
  document.getElementById("rules-note").textContent = d.note + (admin ? "" : "（只有管理员可以修改）");
  document.getElementById("rules-actions").hidden = !admin;
  const tb = document.querySelector("#rules-edit tbody");
  tb.replaceChildren();
  ruleRows = [];
  for (const r of d.rules) {
    const on = el("input");
    on.type = "checkbox";
    on.checked = r.enabled;
    on.disabled = !admin;
    on.setAttribute("aria-label", "启用 " + r.name);
    const lv = el("select");
    for (const [k, v] of Object.entries(LEVEL)) {
      const o = el("option", v);
      o.value = k;
      lv.append(o);
    }
    lv.value = r.level;
    lv.disabled = !admin;
    let th = el("span", "—");
    if (r.param) {
      th = el("input");
      th.type = "number";
      th.min = r.param.min;
      th.max = r.param.max;
      th.step = 1;
      th.value = r.param.value;
      th.disabled = !admin;
      th.setAttribute("aria-label", "阈值 " + r.name);
    }
    const thCell = el("span");
    thCell.append(th, el("span", r.param ? " " + r.param.unit : ""));
    const dflt = r.defaults.level_zh + "；" + r.defaults.threshold + (r.param ? "（" + r.param.default + " " + r.param.unit + "）" : "");
    const cur = el("span", r.threshold + (r.default ? "（默认）" : "（已调整）"), r.default ? "ent-rule-default" : "ent-rule-changed");
    const tr = row([on, r.name, lv, thCell, cur, dflt]);
    tr.dataset.rule = r.rule;
    tb.append(tr);
    ruleRows.push({ rule: r.rule, on, lv, th: r.param ? th : null, r });
  }
}

async function saveRules(reset) {
  showError("");
  let body;
  if (reset) {
    if (!confirm("恢复全部预警规则的默认值？")) return;
    body = { reset: true };
  } else {
    const rs = {};
    for (const x of ruleRows) {
      const c = {};
      if (!x.on.checked) c.enabled = false;
      if (x.lv.value !== x.r.defaults.level) c.level = x.lv.value;
      if (x.th) {
        const v = Number(x.th.value);
        if (!Number.isInteger(v)) { showError(x.r.name + "：阈值应为整数"); return; }
        if (v !== x.r.param.default) c.threshold = v;
      }
      if (Object.keys(c).length) rs[x.rule] = c;
    }
    body = { rules: rs };
  }
  try {
    await api("PUT", "/api/enterprise/rules", body);
    await rules(true);
    document.getElementById("rules-msg").textContent = reset ? "已恢复默认" : "已保存";
  } catch (e) { showError(e.message); }
}

async function main() {
  const me = await loadMe();
  for (const t of TABS) {
    document.getElementById("tab-" + t).addEventListener("click", () => {
      show(t);
      if (t === "feed") feed();
      if (t === "lists") lists();
      if (t === "rules") rules(me.role === "admin");
    });
  }
  document.getElementById("save-form").addEventListener("submit", (ev) => { ev.preventDefault(); saveList(); });
  document.getElementById("rules-save").addEventListener("click", () => saveRules());
  document.getElementById("rules-reset").addEventListener("click", () => saveRules(true));
  document.getElementById("ent-search").addEventListener("submit", (ev) => { ev.preventDefault(); page = 1; search(); });
  document.getElementById("ent-prev").addEventListener("click", () => { if (page > 1) { page--; search(); } });
  document.getElementById("ent-next").addEventListener("click", () => { if (page * PER < total) { page++; search(); } });
  document.getElementById("feed-level").addEventListener("change", feed);
  document.getElementById("screen-form").addEventListener("submit", (ev) => { ev.preventDefault(); screen(); });
  document.getElementById("screen-csv").addEventListener("click", () => download("csv"));
  document.getElementById("screen-xlsx").addEventListener("click", () => download("xlsx"));
  if (me.role === "admin") {
    document.getElementById("tab-access").hidden = false;
    access().catch((e) => showError(e.message));
  } else {
    loadChains();
  }
  search();
}

main().catch((e) => showError(e.message));
