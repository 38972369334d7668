// The portal's search mode in a real browser (tests/integration/
// test_browser_kb_hybrid.sh starts the server with the stand-in embedding
// endpoint). HY_PHASE=up: the admin uploads a document on the 知识库 page
// (the job computes its vectors on the server), sees the 知识库检索
// settings with their defaults, and the portal labels its results
// （语义＋关键词检索）. HY_PHASE=down (the stand-in stopped): a new
// question is labelled （仅关键词检索） with the reason in its title, and a
// further upload still succeeds, saying the vectors are missing.
import { BASE, launch, step, expect, login, shot, failed, fail } from "./lib.mjs";

const { context, page, jsErrors, badLoads } = await launch();
const phase = process.env.HY_PHASE || "up";
const DOC = process.env.HY_DOC;
const DOC2 = process.env.HY_DOC2;

async function ask(q) {
  await page.goto(BASE + "/portal.html");
  await page.fill("#q", q);
  await page.click('#portal-form button[type="submit"]');
  await page.locator("#results li").first().waitFor();
}

async function openKb() {
  await page.goto(BASE + "/kb.html");
  await page.locator("#kbs tr", { hasText: "公开指南" }).locator("button").click();
  await page.locator("#kb-title", { hasText: "公开指南" }).waitFor();
}

try {
  await login(page, "admin");
  if (phase === "up") {
    await step("hy-upload-computes-vectors", async () => {
      await page.goto(BASE + "/kb.html");
      await page.fill("#kb-name", "公开指南");
      await page.selectOption("#kb-vis", "public");
      await page.click('#kb-create button[type="submit"]');
      await page.locator("#kb-title", { hasText: "公开指南" }).waitFor();
      await page.setInputFiles("#kb-file", DOC);
      await page.locator("#kb-progress", { hasText: "已入库" }).waitFor();
      const t = await page.textContent("#kb-progress");
      expect(!t.includes("向量未能计算"), "vectors missing with the endpoint up: " + t);
    });
    await step("hy-settings-show-defaults", async () => {
      await page.goto(BASE + "/settings.html");
      const f = page.locator('.set-field[data-key="kb_embed_wait_ms"] input');
      await f.waitFor();
      expect((await f.inputValue()) === "1000", "wait default: " + (await f.inputValue()));
      expect((await page.textContent("#sec-kb")).includes("内存中向量副本上限"), "memory cap not shown");
      const m = page.locator('.set-field[data-key="kb_vector_memory_mb"] input');
      expect((await m.inputValue()) === "256", "memory default: " + (await m.inputValue()));
    });
    await step("hy-portal-labelled-hybrid", async () => {
      await ask("电动自行车如何办理登记上牌");
      await page.locator("#mode", { hasText: "语义＋关键词检索" }).waitFor();
      expect((await page.textContent("#results")).includes("电动自行车"), "upload not found");
      await shot(page, "portal-hybrid");
    });
  } else {
    await step("hy-portal-labelled-keywords-only", async () => {
      await ask("电动自行车登记需要哪些材料");
      await page.locator("#mode", { hasText: "仅关键词检索" }).waitFor();
      const why = await page.getAttribute("#mode", "title");
      expect(why.includes("向量服务"), "reason not given: " + why);
      expect(!(await page.textContent("#mode")).includes("语义"), "still labelled hybrid");
      await shot(page, "portal-keywords-only");
    });
    await step("hy-upload-down-says-vectors-missing", async () => {
      await openKb();
      await page.setInputFiles("#kb-file", DOC2);
      try {
        await page.locator("#kb-progress", { hasText: "已入库" }).waitFor();
      } catch (e) {
        throw new Error("progress: " + (await page.textContent("#kb-progress")) + " / message: " +
          (await page.textContent("#message")));
      }
      const t = await page.textContent("#kb-progress");
      expect(t.includes("向量未能计算") && t.includes("关键词"), "no note: " + t);
    });
  }
  await step("hy-" + phase + "-no-js-errors", async () => {
    expect(jsErrors.length === 0, jsErrors.join(" | "));
    expect(badLoads.length === 0, [...new Set(badLoads)].join(", "));
  });
} catch (e) {
  fail("browser-run", e.stack || e);
} finally {
  await context.close();
}
process.exit(failed() ? 1 : 0);
