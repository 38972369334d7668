// 系统设置: runtime settings (GET/PUT /api/settings) and the model
// connection test (POST /api/model/test). Server text goes in with
// textContent only (el()).
import { el, api, loadMe, showError, fmtTime } from "/app.js";

const SOURCE = { default: "默认", file: "配置文件", db: "数据库", env: "环境变量或命令行" };
const STATE = { ok: "✔", failed: "✘", warn: "!", info: "i", skipped: "–" };
const STATE_NAME = { ok: "通过", failed: "失败", warn: "注意", info: "提示", skipped: "未测试" };
let items = [];
let admin = false;

function fmtValue(it, v) {
  if (it.type === "bool") return v ? "是" : "否";
  if (v === "" || v === null || v === undefined) return "（空）";
  return String(v);
}

function input(it) {
  let f;
  if (it.type === "bool") {
    f = el("input");
    f.type = "checkbox";
    f.checked = !!it.value;
  } else if (it.type === "enum") {
    f = el("select");
    for (const c of it.choices.split(",")) {
      const o = el("option", c);
      o.value = c;
      f.append(o);
    }
    f.value = it.value;
  } else {
    f = el("input");
    if (it.type === "int") {
      f.type = "number";
      f.min = String(it.min);
      f.max = String(it.max);
      f.step = "1";
      f.value = String(it.value);
    } else if (it.type === "secret") {
      f.type = "password";
      f.value = "";
      f.placeholder = it.set ? "已设置（留空不修改）" : "未设置";
    } else {
      f.type = "text";
      f.value = it.value;
    }
  }
  f.id = "set-" + it.key.replace(/\./g, "-");
  f.name = it.key;
  f.disabled = !admin || !it.editable;
  f.addEventListener("input", pending);
  f.addEventListener("change", pending);
  return f;
}

function render() {
  for (const box of document.querySelectorAll(".set-fields")) box.replaceChildren();
  for (const it of items) {
    const box = document.querySelector(`.set-fields[data-section="${it.section}"]`);
    if (!box) continue;
    const line = el("div", null, "set-field");
    line.dataset.key = it.key;
    const lab = el("label", it.label);
    const f = input(it);
    lab.htmlFor = f.id;
    const meta = el("span", null, "set-meta");
    const src = el("span", "来源：" + (SOURCE[it.source] || it.source), "set-source src-" + it.source);
    meta.append(src);
    if (it.type === "secret") {
      meta.append(el("span", it.set ? "已设置" : "未设置", "set-secret"));
    } else {
      meta.append(el("span", "默认：" + fmtValue(it, it.default)));
    }
    if (it.type === "int") meta.append(el("span", "范围 " + it.min + "–" + it.max));
    if (it.updated_at) meta.append(el("span", "修改于 " + fmtTime(it.updated_at) + "（" + it.updated_by + "）"));
    line.append(lab, f, meta);
    if (admin && it.editable && it.source === "db") {
      const reset = el("button", "恢复", "set-reset");
      reset.type = "button";
      reset.title = "删除本页的修改，回到配置文件或默认值";
      reset.addEventListener("click", () => {
        line.dataset.reset = line.dataset.reset ? "" : "1";
        reset.textContent = line.dataset.reset ? "取消恢复" : "恢复";
        f.disabled = !!line.dataset.reset;
        pending();
      });
      line.append(reset);
    }
    box.append(line);
  }
  pending();
}

// {key: value} of the fields that differ from what the server holds.
function changes(section) {
  const out = {};
  for (const it of items) {
    if (section && it.section !== section) continue;
    const line = document.querySelector(`.set-field[data-key="${it.key}"]`);
    if (!line || !it.editable) continue;
    if (line.dataset.reset) { out[it.key] = null; continue; }
    const f = line.querySelector("input, select");
    let v;
    if (it.type === "bool") v = f.checked;
    else if (it.type === "int") {
      if (f.value.trim() === "") continue;
      v = Number(f.value);
    } else v = f.value;
    if (it.type === "secret") { if (v !== "") out[it.key] = v; continue; }
    if (v !== it.value) out[it.key] = v;
  }
  return out;
}

function describe(ch) {
  return Object.entries(ch).map(([k, v]) => {
    const it = items.find((i) => i.key === k);
    const label = it ? it.label : k;
    if (v === null) return label + "：恢复为配置文件或默认值";
    if (it && it.type === "secret") return label + "：设置新密钥";
    return label + "：" + fmtValue(it || {}, it ? it.value : "") + " → " + fmtValue(it || {}, v);
  });
}

function pending() {
  const n = Object.keys(changes()).length;
  document.getElementById("settings-pending").textContent = n ? "有 " + n + " 项未保存的修改" : "";
}

async function load() {
  const data = await api("GET", "/api/settings");
  items = data.settings;
  render();
}

async function save(ev) {
  ev.preventDefault();
  showError("");
  document.getElementById("saved").textContent = "";
  const ch = changes();
  const lines = describe(ch);
  if (lines.length === 0) { showError("没有修改"); return; }
  for (const [k, v] of Object.entries(ch)) {
    const it = items.find((i) => i.key === k);
    if (it && it.type === "int" && v !== null && !Number.isInteger(v)) {
      showError("“" + it.label + "”须为整数");
      return;
    }
  }
  if (!window.confirm("确定保存以下修改？保存后即时生效。\n\n" + lines.join("\n"))) return;
  try {
    const res = await api("PUT", "/api/settings", { settings: ch });
    items = res.settings;
    render();
    document.getElementById("saved").textContent = "已保存 " + res.changed + " 项修改，已即时生效。";
  } catch (e) {
    showError("保存失败：" + e.message);
  }
}

async function test() {
  const btn = document.getElementById("model-test");
  const status = document.getElementById("model-test-status");
  const list = document.getElementById("model-diag");
  showError("");
  list.replaceChildren();
  btn.disabled = true;
  status.textContent = "正在测试…（使用表单中的值，未保存的修改不会保存）";
  try {
    const ch = changes("model");
    const res = await api("POST", "/api/model/test", { settings: ch });
    for (const s of res.steps) {
      const li = el("li", null, "diag-" + s.state);
      li.dataset.step = s.step;
      li.append(el("span", STATE[s.state] || "?", "diag-mark"),
        el("strong", s.title + "：" + (STATE_NAME[s.state] || s.state)),
        el("span", s.detail, "diag-detail"));
      if (s.advice && s.state !== "ok") li.append(el("div", s.advice, "diag-advice"));
      list.append(li);
    }
    status.textContent = res.summary;
    status.className = res.ok ? "hint diag-ok" : "hint diag-failed";
  } catch (e) {
    status.textContent = "";
    showError("测试失败：" + e.message);
  } finally {
    btn.disabled = false;
  }
}

async function main() {
  const me = await loadMe();
  const role = me.user ? me.user.role : me.role;
  if (role !== "admin" && role !== "auditor") return; // loadMe shows 无权访问
  admin = role === "admin";
  document.getElementById("settings-form").addEventListener("submit", save);
  document.getElementById("model-test").addEventListener("click", test);
  if (!admin) {
    document.getElementById("settings-save").hidden = true;
    document.getElementById("model-test").hidden = true;
    document.getElementById("saved").textContent = "只读：审计员可查看设置，不能修改。";
  }
  try {
    await load();
  } catch (e) {
    showError("无法读取设置：" + e.message);
  }
}

main().catch((e) => showError(e.message));
