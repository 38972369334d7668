// 知识库: list the knowledge bases the user may see, create one (admin;
// guardian for their department), upload documents (the server runs the
// same ingest as `shuzhi kb add`), list documents with their metadata,
// remove a document, reindex, delete. Uploads and reindexing are jobs on
// the server (202 with a job): the page polls GET /api/kb/jobs/{id} and
// shows the files and chunks processed so far, then the counts or the reason. Text from the server goes in
// with textContent only (el()).
import { el, row, api, upload, loadMe, button, showError } from "/app.js";

const VIS = { public: "公开", internal: "内部", department: "本部门" };
let depts = new Map(), current = null;

function stats(s) {
  return "已处理 " + s.files + " 个文件：新增 " + s.added + "，更新 " + s.updated + "，未变 " + s.unchanged +
    "，移除 " + s.removed + "，重复 " + s.duplicates + (s.failed ? "，失败 " + s.failed : "") +
    "；写入 " + s.chunks + " 个分块";
}

const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

function progressText(what, j) {
  const p = j.progress;
  if (j.state === "queued") return what + "：排队中（等待前面的任务完成）…";
  if (p.vectors && j.progress_text && j.progress_text.startsWith("向量"))
    return what + "：文本已入库，正在计算" + j.progress_text + "…";
  return what + "：已处理 " + p.files_done + (p.files_total ? " / " + p.files_total : "") + " 个文件，写入 " +
    p.chunks + " 个分块…";
}

// Poll a kb job (GET /api/kb/jobs/{id}) until it ends, showing its progress;
// the finished job, or an Error with the server's reason.
async function followJob(job, what) {
  const prog = document.getElementById("kb-progress");
  for (;;) {
    if (job.state === "done") return job;
    if (job.state === "failed" || job.state === "interrupted") throw new Error(job.error);
    prog.textContent = progressText(what, job);
    await sleep(500);
    job = (await api("GET", "/api/kb/jobs/" + job.id)).job;
  }
}

async function loadKbs() {
  const j = await api("GET", "/api/kb");
  document.getElementById("kb-create").hidden = !j.can_create;
  document.getElementById("kbs").replaceChildren(...j.kbs.map((k) => {
    const tr = row([k.name, VIS[k.visibility] || k.visibility, depts.get(k.department_id) || "—",
      String(k.docs), String(k.chunks), button("查看文档", () => openKb(k.id), "secondary")]);
    tr.dataset.id = k.id;
    return tr;
  }));
  return j;
}

async function openKb(id) {
  showError("");
  const j = await api("GET", "/api/kb/" + id + "/docs?limit=1000");
  current = j.kb;
  document.getElementById("kb-detail").hidden = false;
  document.getElementById("kb-title").textContent = "知识库：" + j.kb.name;
  document.getElementById("kb-upload-label").hidden = !j.kb.can_upload;
  document.getElementById("kb-reindex").hidden = !j.kb.can_manage;
  document.getElementById("kb-delete").hidden = !j.kb.can_manage;
  document.getElementById("docs").replaceChildren(...j.docs.map((d) => {
    const cells = [d.file, d.title, d.doc_number || "—", d.issuer || "—", d.date || "—",
      d.validity || "—", d.duplicate_of ? "重复" : String(d.chunks)];
    cells.push(j.kb.can_manage && d.uploaded ? button("删除", async () => {
      if (!confirm("从知识库删除《" + d.title + "》？")) return;
      try {
        const r = await api("POST", "/api/kb/docs/" + d.id + "/delete");
        document.getElementById("kb-progress").textContent = "已删除 " + d.file + "。" + stats(r.stats);
        await openKb(id);
        await loadKbs();
      } catch (e) { showError(e.message); }
    }, "secondary") : "");
    const tr = row(cells);
    tr.dataset.file = d.file;
    return tr;
  }));
  document.getElementById("docs-total").textContent = "共 " + j.total + " 个文档" + (j.total > j.docs.length ? "（显示前 " + j.docs.length + " 个）" : "");
}

async function main() {
  const me = await loadMe();
  const { departments } = await api("GET", "/api/departments");
  depts = new Map(departments.map((d) => [d.id, d.name]));
  const sel = document.getElementById("kb-dept");
  for (const d of departments) {
    if (me.role === "guardian" && d.id !== me.department_id) continue;
    const o = el("option", d.name);
    o.value = String(d.id);
    sel.append(o);
  }
  if (me.role === "guardian") sel.value = String(me.department_id || 0);
  document.getElementById("kb-create").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    showError("");
    try {
      const k = await api("POST", "/api/kb", { name: document.getElementById("kb-name").value,
        visibility: document.getElementById("kb-vis").value, department_id: Number(sel.value) });
      document.getElementById("kb-name").value = "";
      await loadKbs();
      await openKb(k.id);
    } catch (e) { showError(e.message); }
  });
  document.getElementById("kb-file").addEventListener("change", async (ev) => {
    const files = [...ev.target.files];
    const prog = document.getElementById("kb-progress");
    showError("");
    let n = 0, chunks = 0;
    for (const f of files) {
      prog.textContent = "正在入库 " + f.name + "（" + (n + 1) + " / " + files.length + "）…";
      try {
        const j = await followJob((await upload("/api/kb/" + current.id + "/upload?async=1", f)).job,
          "正在入库 " + f.name + "（" + (n + 1) + " / " + files.length + "）");
        const r = { stats: j.stats };
        chunks += r.stats.chunks;
        n++;
        prog.textContent = "已入库 " + n + " / " + files.length + " 个文件，写入 " + chunks + " 个分块。" + stats(r.stats) +
          (j.note ? "（" + j.note + "）" : "");
      } catch (e) { showError(f.name + "：" + e.message); }
    }
    ev.target.value = "";
    await openKb(current.id);
    await loadKbs();
  });
  document.getElementById("kb-reindex").addEventListener("click", async () => {
    const prog = document.getElementById("kb-progress");
    prog.textContent = "正在重建索引…";
    const btn = document.getElementById("kb-reindex");
    btn.disabled = true;
    try {
      const r = await followJob((await api("POST", "/api/kb/" + current.id + "/reindex")).job, "正在重建索引");
      prog.textContent = "索引已重建。" + stats(r.stats) + (r.note ? "（" + r.note + "）" : "");
      await openKb(current.id);
      await loadKbs();
    } catch (e) { prog.textContent = ""; showError(e.message); }
    btn.disabled = false;
  });
  document.getElementById("kb-delete").addEventListener("click", async () => {
    if (!confirm("删除知识库“" + current.name + "”及其全部文档？")) return;
    try {
      await api("POST", "/api/kb/" + current.id + "/delete");
      document.getElementById("kb-detail").hidden = true;
      current = null;
      await loadKbs();
    } catch (e) { showError(e.message); }
  });
  await loadKbs();
}

main().catch((e) => showError(e.message));
