// 公文校对: upload a .docx/.txt to /api/gongwen/check, list the findings;
// "下载修正稿" posts the same file to /api/gongwen/fix and saves the reply.
import { el, row, loadMe, showError, upload, getCsrf } from "/app.js";

const SEVERITY = { error: "错误", warning: "警告", info: "提示" };
const FIX = { auto: "可自动修正", suggest: "建议修改", manual: "需人工处理" };

function render(report) {
  const rank = { error: 0, warning: 1, info: 2 };
  const list = (report.findings || []).slice().sort((a, b) =>
    (rank[a.severity] - rank[b.severity]) || ((a.paragraph ?? -1) - (b.paragraph ?? -1)));
  const only = document.getElementById("gw-only-errors").checked;
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of list) counts[f.severity] = (counts[f.severity] || 0) + 1;
  document.getElementById("gw-title").textContent =
    report.file + (report.doc_type ? "（" + report.doc_type + "）" : "（文种未识别）");
  document.getElementById("gw-summary").textContent = list.length === 0
    ? "未发现问题。"
    : `共 ${list.length} 项：错误 ${counts.error} 项，警告 ${counts.warning} 项，提示 ${counts.info} 项；` +
      `其中 ${list.filter((f) => f.fix === "auto").length} 项可自动修正。`;
  const body = document.getElementById("gw-findings");
  body.replaceChildren(...list.filter((f) => !only || f.severity === "error").map((f) => {
    const sev = el("td", SEVERITY[f.severity] || f.severity, "sev-" + f.severity);
    const tr = row([sev, f.rule, f.paragraph === null ? "全文" : "第 " + (f.paragraph + 1) + " 段",
      f.message, f.excerpt || "", (FIX[f.fix] || f.fix) + (f.suggestion ? "：" + f.suggestion : "")]);
    tr.dataset.rule = f.rule;
    return tr;
  }));
  document.getElementById("gw-result").hidden = false;
}

async function main() {
  await loadMe();
  const form = document.getElementById("gw-form");
  const input = document.getElementById("gw-file");
  const fixBtn = document.getElementById("gw-fix");
  let last = null;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    showError("");
    const file = input.files[0];
    if (!file) return;
    fixBtn.disabled = true;
    try {
      last = await upload("/api/gongwen/check", file);
      render(last);
      fixBtn.disabled = false;
    } catch (e) {
      document.getElementById("gw-result").hidden = true;
      showError(e.message);
    }
  });
  document.getElementById("gw-only-errors").addEventListener("change", () => { if (last) render(last); });
  fixBtn.addEventListener("click", async () => {
    showError("");
    const file = input.files[0];
    if (!file) return;
    const res = await fetch("/api/gongwen/fix", {
      method: "POST", credentials: "same-origin", body: file,
      headers: { "X-CSRF-Token": getCsrf(), "Content-Type": "application/octet-stream",
        "X-File-Name": encodeURIComponent(file.name) },
    });
    if (!res.ok) {
      const data = await res.json().catch(() => ({}));
      showError((data.error && data.error.message) || "修正失败（" + res.status + "）");
      return;
    }
    const blob = await res.blob();
    const dot = file.name.lastIndexOf(".");
    const a = el("a");
    a.href = URL.createObjectURL(blob);
    a.download = file.name.slice(0, dot) + "（已修正）" + file.name.slice(dot);
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    document.getElementById("gw-summary").textContent +=
      ` 修正稿已下载：自动修正 ${res.headers.get("X-Shuzhi-Fixed")} 项，批注 ${res.headers.get("X-Shuzhi-Commented")} 条。`;
  });
}

main().catch((e) => showError(e.message));
