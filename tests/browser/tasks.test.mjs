// Browser test of task files: a staff member picks a 询问笔录 file in the
// task form of a 执法文书 scenario; the draft comes back with the party from
// the file; the task page lists the file; the guardian approves and the page
// offers .docx, .pptx and .txt exports that download. Run by
// tests/integration/test_browser_tasks.sh (which makes the users and the
// live employee "执法文书助理" and passes SHUZHI_TRANSCRIPT). With the
// stand-in model: the guardian sees a draft the model wrote (the model call
// in the timeline with its reasoning, not in the draft) and a task 生成中.
import { BASE, launch, step, expect, login, logout, shot, failed, fail } from "./lib.mjs";

const EMP = "执法文书助理";
const FILE = process.env.SHUZHI_TRANSCRIPT;
const { context, page, jsErrors, badLoads } = await launch();
let taskUrl = null;
try {
  await login(page, "staff1");
  await step("tasks-file-field", async () => {
    await page.goto(BASE + "/tasks.html");
    await page.selectOption("#task-emp", { label: EMP });
    await page.selectOption("#task-scenario", "enforce-decision");
    await page.locator('#task-fields input[type="file"][data-file-for="transcript"]').waitFor();
  });
  await step("tasks-upload-and-run", async () => {
    await page.setInputFiles('#task-fields input[data-file-for="transcript"]', FILE);
    expect(await page.locator('#task-fields textarea[name="transcript"]').isDisabled(), "text field still active with a file");
    await page.click('#task-form button[type="submit"]');
    await page.locator("#task-status", { hasText: "等待监护人审核" }).waitFor();
    const row = page.locator("#tasks tr", { hasText: EMP }).filter({ hasText: "待审核" }).first();
    await row.locator("a", { hasText: "详情" }).click();
    await page.waitForURL("**/task.html?id=*");
    taskUrl = page.url();
    await page.locator("#t-files li", { hasText: "询问笔录.txt" }).waitFor();
    expect((await page.inputValue("#t-text")).includes("江汉区邓记烧烤店"), "draft lacks the party from the file");
    await shot(page, "task-file");
  });
  await logout(page);
  if (taskUrl) {
    await login(page, "guard");
    await step("tasks-guardian-approves", async () => {
      await page.goto(taskUrl);
      await page.locator("#t-review:not([hidden])").waitFor();
      await page.click("#t-approve");
      await page.locator("main h2", { hasText: "已通过" }).waitFor();
      await page.locator("#t-export:not([hidden])").waitFor();
    });
    await step("tasks-exports", async () => {
      for (const [id, ext] of [["#t-export-docx", ".docx"], ["#t-export-pptx", ".pptx"], ["#t-export-link", ".txt"]]) {
        const [dl] = await Promise.all([page.waitForEvent("download"), page.click(id)]);
        expect(dl.suggestedFilename().endsWith(ext), id + " downloaded " + dl.suggestedFilename());
      }
      await page.reload();
      await page.locator("#t-timeline li", { hasText: "导出正式结果" }).nth(2).waitFor();
      await shot(page, "task-exports");
    });
    await step("tasks-file-link", async () => {
      const href = await page.locator("#t-files a").first().getAttribute("href");
      const status = await page.evaluate(async (h) => (await fetch(h)).status, href);
      expect(status === 200, "guardian file download " + status);
    });
    // A draft the model wrote (SHUZHI_MODEL_TASK) and a task still waiting
    // for the model (SHUZHI_RUNNING_TASK), made by test_browser_tasks.sh.
    if (process.env.SHUZHI_MODEL_TASK) {
      await step("tasks-model-draft", async () => {
        await page.goto(BASE + "/task.html?id=" + process.env.SHUZHI_MODEL_TASK);
        await page.locator("#t-facts dd", { hasText: "模型撰写" }).waitFor();
        expect((await page.inputValue("#t-text")).includes("替身模型撰写此段"), "draft lacks the model's text");
        const call = page.locator("#t-timeline details.model-call").first();
        await call.locator("summary").click();
        await call.locator("pre", { hasText: "用户问候，礼貌回答" }).waitFor();
        expect(!(await page.inputValue("#t-text")).includes("礼貌回答"), "reasoning in the draft");
        await shot(page, "task-model");
      });
      await step("tasks-model-generating", async () => {
        await page.goto(BASE + "/task.html?id=" + process.env.SHUZHI_RUNNING_TASK);
        await page.locator("main h2", { hasText: "生成中" }).waitFor();
        await page.locator("#t-facts dd", { hasText: "页面自动刷新" }).waitFor();
      });
    }
  }
  await step("tasks-no-js-errors", async () => expect(jsErrors.length === 0, jsErrors.join(" | ")));
  await step("tasks-no-http-errors", async () => {
    const other = badLoads.filter((l) => l !== "401 /api/me");
    expect(other.length === 0, [...new Set(other)].join(", "));
  });
} catch (e) {
  fail("browser-tasks-run", e.stack || e);
} finally {
  await context.close();
}
process.exit(failed() ? 1 : 0);
