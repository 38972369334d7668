// 系统设置 in a real browser (tests/integration/test_browser_settings.sh
// starts the server with the stand-in model in its config file).
// SET_PHASE=main: the admin opens the page from the nav, sees each field's
// source and default, runs 测试连接 (every step passes), gets a Chinese
// error for an out-of-range value, saves two changes after the
// confirmation (source becomes 数据库, the key shows only 已设置), tests an
// unsaved wrong endpoint (连接被拒绝 with its explanation); a staff user is
// refused the page. SET_PHASE=outage (the stand-in stopped): 测试连接 fails
// at the first step and says why.
import { BASE, launch, step, expect, login, logout, shot, failed, fail } from "./lib.mjs";

const { context, page, jsErrors, badLoads } = await launch();
const phase = process.env.SET_PHASE || "main";
const field = (key) => page.locator(`.set-field[data-key="${key}"]`);
const expected400 = (l) => l !== "400 /api/settings";
let dialogs = 0;
page.on("dialog", (d) => { dialogs++; d.accept(); });

async function openSettings() {
  await page.click('#nav a:has-text("系统设置")');
  await page.waitForURL("**/settings.html");
  await field("portal_burst").waitFor();
}

async function runTest() {
  await page.click("#model-test");
  await page.locator('#model-diag li[data-step="reasoning"]').waitFor({ timeout: 30000 });
}

try {
  await login(page, "admin");
  if (phase === "main") {
    await step("settings-page-sources-and-defaults", async () => {
      await openSettings();
      for (const h of ["模型服务", "排队与配额", "门户限流", "登录与会话"])
        await page.locator("h3", { hasText: h }).waitFor();
      const burst = await field("portal_burst").textContent();
      expect(burst.includes("来源：默认") && burst.includes("默认：30"), "portal_burst: " + burst);
      const url = await field("model.base_url").textContent();
      expect(url.includes("来源：配置文件"), "base_url: " + url);
      const key = await field("model.api_key").textContent();
      expect(key.includes("未设置"), "api_key: " + key);
    });
    await step("settings-model-test-passes", async () => {
      await runTest();
      for (const s of ["reach", "chat", "reasoning"])
        await page.locator(`#model-diag li[data-step="${s}"].diag-ok`).waitFor();
      expect((await page.textContent("#model-test-status")).includes("模型服务可用"), "status");
      await shot(page, "settings-test-ok");
    });
    await step("settings-invalid-value-chinese-error", async () => {
      await page.fill("#set-portal_burst", "0");
      await page.click("#settings-save");
      await page.locator("#message", { hasText: "须在 1–100000 之间" }).waitFor();
      expect(dialogs === 1, "confirmation asked " + dialogs + " times");
    });
    await step("settings-save-confirmed-live", async () => {
      await page.fill("#set-portal_burst", "12");
      await page.fill("#set-model-api_key", "sk-browser-secret");
      await page.click("#settings-save");
      await page.locator("#saved", { hasText: "已保存 2 项" }).waitFor();
      const burst = await field("portal_burst").textContent();
      expect(burst.includes("来源：数据库"), "after save: " + burst);
      expect((await page.inputValue("#set-portal_burst")) === "12", "value");
      const key = field("model.api_key");
      expect((await key.textContent()).includes("已设置"), "key not shown as set");
      expect((await page.inputValue("#set-model-api_key")) === "", "key echoed into the form");
      expect(!(await page.content()).includes("sk-browser-secret"), "key in the page");
    });
    await step("settings-test-wrong-endpoint-diagnosis", async () => {
      await page.fill("#set-model-base_url", "http://127.0.0.1:1/v1");
      await runTest();
      const li = page.locator('#model-diag li[data-step="reach"].diag-failed');
      await li.waitFor();
      const t = await li.textContent();
      expect(t.includes("连接被拒绝") && t.includes("服务地址"), "diagnosis: " + t);
      await page.locator('#model-diag li[data-step="chat"].diag-skipped').waitFor();
      await shot(page, "settings-test-refused");
    });
    await step("settings-staff-denied", async () => {
      await logout(page);
      await login(page, "bob");
      expect(!(await page.locator('#nav a:has-text("系统设置")').count()), "nav shows the page to staff");
      await page.goto(BASE + "/settings.html");
      await page.locator("#forbidden").waitFor();
    });
  } else {
    await step("settings-outage-diagnosis", async () => {
      await openSettings();
      await runTest();
      const li = page.locator('#model-diag li[data-step="reach"].diag-failed');
      await li.waitFor();
      expect((await li.textContent()).includes("连接被拒绝"), await li.textContent());
      expect((await page.textContent("#model-test-status")).includes("未通过"), "summary");
      await shot(page, "settings-outage");
    });
  }
  await step("settings-" + phase + "-no-js-errors", async () => {
    expect(jsErrors.length === 0, jsErrors.join(" | "));
    const bad = [...new Set(badLoads)].filter(expected400);
    expect(bad.length === 0, bad.join(", "));
  });
} catch (e) {
  fail("browser-run", e.stack || e);
} finally {
  await context.close();
}
process.exit(failed() ? 1 : 0);
