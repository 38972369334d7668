// Browser test of the shuzhi serve pages: headless Chromium driven by
// playwright-core. Run by tests/integration/test_browser.sh, which starts the
// server and passes SHUZHI_URL, SHUZHI_PW, SHUZHI_ARTIFACTS and a fresh
// SHUZHI_PROFILE. Prints "ok NAME" / "FAIL NAME: reason" lines; a failed step
// stops the steps that depend on it.
import { BASE, PW, step, expect, shot, fail, failed, launch, login as loginAs } from "./lib.mjs";

const { context, page, jsErrors, badLoads } = await launch();

async function login(name, user) {
  return step(name, async () => {
    await loginAs(page, user);
    await page.locator("main h2", { hasText: "工作台" }).waitFor();
  });
}

const stamp = String(Date.now() % 100000);
const DEPT = "测试处" + stamp;
const USER = "zhang" + stamp;
const DISPLAY = "张三" + stamp;

try {
  // The public portal: no login; the answer on top with [n] citations that
  // open their article, classic results below with highlights and filters.
  await step("portal-answer-and-results", async () => {
    await page.goto(BASE + "/portal.html");
    await page.fill("#q", "当事人要求听证的，应当在告知后几日内提出");
    await page.click('#portal-form button[type="submit"]');
    await page.locator("#answer-text a.cite").first().waitFor();
    expect((await page.textContent("#answer-note")).includes("未使用模型"), "extractive answer not labelled");
    await page.locator("#results li").first().waitFor();
    expect(await page.locator("#results mark").count() > 0, "no highlighted terms");
    expect((await page.textContent("#results")).includes("第六十四条"), "article 64 not among the results");
    await shot(page, "portal");
  });
  await step("portal-citation-opens-article", async () => {
    await page.click("#answer-text a.cite >> nth=0");
    const full = page.locator("#results li.flash pre.fulltext");
    await full.waitFor();
    expect((await full.textContent()).length > 20, "article text empty");
  });
  await step("portal-filter-validity", async () => {
    await page.selectOption("#f-validity", "已废止");
    await page.locator("#total", { hasText: "共 0 条" }).waitFor();
    await page.selectOption("#f-validity", "");
    await page.waitForFunction(() => document.querySelectorAll("#results li").length > 0);
  });
  await step("login-page-renders", async () => {
    await page.goto(BASE + "/");
    await page.locator("#login-form").waitFor();
    await shot(page, "login");
  });
  await step("login-wrong-password-message", async () => {
    await page.fill('#login-form input[name="username"]', "admin");
    await page.fill('#login-form input[name="password"]', "Wrong-pass-99");
    await page.click('#login-form button[type="submit"]');
    await page.locator("#message", { hasText: "用户名或密码错误" }).waitFor();
    expect(page.url().endsWith("/"), "left the login page: " + page.url());
  });
  const adminIn = await login("admin-login-to-dashboard", "admin");
  if (adminIn) {
    await step("dashboard-shows-admin", async () => {
      await page.locator("#who", { hasText: "管理员" }).waitFor();
      for (const t of ["用户与部门", "审计日志"]) await page.locator("#links a", { hasText: t }).waitFor();
      await shot(page, "dashboard-admin");
    });
    const onAdmin = await step("open-admin-page", async () => {
      await page.click('#links a:has-text("用户与部门")');
      await page.waitForURL("**/admin.html");
      await page.locator("#users tr", { hasText: "admin" }).first().waitFor();
      await page.locator("#nav a[aria-current=page]", { hasText: "用户与部门" }).waitFor();
    });
    let deptMade = false;
    if (onAdmin) {
      deptMade = await step("create-department", async () => {
        await page.fill('#dept-form input[name="name"]', DEPT);
        await page.click('#dept-form button[type="submit"]');
        await page.locator("#depts tr", { hasText: DEPT }).waitFor();
        expect(await page.inputValue('#dept-form input[name="name"]') === "", "form not reset");
        expect((await page.textContent("#message")).trim() === "", "error: " + await page.textContent("#message"));
      });
      await step("create-user", async () => {
        expect(deptMade, "no department to put the user in");
        await page.fill('#user-form input[name="username"]', USER);
        await page.fill('#user-form input[name="display_name"]', DISPLAY);
        await page.selectOption('#user-form select[name="role"]', "staff");
        await page.selectOption('#user-form select[name="department_id"]', { label: DEPT });
        await page.fill('#user-form input[name="password"]', PW);
        await page.click('#user-form button[type="submit"]');
        const tr = page.locator("#users tr", { hasText: USER });
        await tr.waitFor();
        const text = await tr.textContent();
        for (const want of [DISPLAY, "工作人员", DEPT, "正常"]) expect(text.includes(want), `row lacks ${want}: ${text}`);
        await shot(page, "admin");
      });
      await step("duplicate-department-error", async () => {
        await page.fill('#dept-form input[name="name"]', DEPT);
        await page.click('#dept-form button[type="submit"]');
        await page.waitForFunction(() => document.getElementById("message").textContent.trim() !== "");
        expect((await page.locator("#depts tr", { hasText: DEPT }).count()) === 1, "department listed twice");
      });
    }
    const onAudit = await step("open-audit-page", async () => {
      await page.click('#nav a:has-text("审计日志")');
      await page.waitForURL("**/audit.html");
      await page.locator("#verify.ok", { hasText: "哈希链完整" }).waitFor();
      await page.locator("#entries tr").first().waitFor();
    });
    if (onAudit) {
      await step("audit-shows-dept-add", async () => {
        await page.locator("#entries tr", { hasText: "dept.add" }).filter({ hasText: "user:admin" })
          .filter({ hasText: DEPT }).first().waitFor();
      });
      await step("audit-shows-user-add", async () => {
        await page.locator("#entries tr", { hasText: "user.add" }).filter({ hasText: "user:admin" })
          .filter({ hasText: USER }).first().waitFor();
      });
      await step("audit-shows-logins", async () => {
        await page.locator("#entries tr", { hasText: "user.login_failed" }).first().waitFor();
        await page.locator("#entries tr", { hasText: "user.login" }).filter({ hasText: "user:admin" }).first().waitFor();
        await shot(page, "audit");
      });
      await step("audit-filter-by-action", async () => {
        await page.fill('#audit-form input[name="action"]', "user.add");
        await page.click('#audit-form button[type="submit"]');
        await page.waitForFunction(() => {
          const rows = [...document.querySelectorAll("#entries tr")];
          return rows.length > 0 && rows.every((r) => r.cells[3].textContent === "user.add");
        });
        expect((await page.getAttribute("#csv", "href")).includes("action=user.add"), "CSV link not filtered");
      });
    }
    await step("admin-logout", async () => {
      await page.click("#logout");
      await page.waitForURL(BASE + "/");
      await page.locator("#login-form").waitFor();
      await page.goto(BASE + "/dashboard.html");
      await page.waitForURL(BASE + "/"); // 401 sends the page back to 登录
    });
  }

  const staffIn = await login("staff-login-to-dashboard", "staff1");
  if (staffIn) {
    await step("staff-dashboard-no-admin-links", async () => {
      await page.locator("#who", { hasText: "工作人员" }).waitFor();
      await page.locator("#links li").first().waitFor();
      expect(await page.locator('#nav a:has-text("用户与部门"), #links a:has-text("用户与部门")').count() === 0,
        "admin link shown to staff");
      await shot(page, "dashboard-staff");
    });
    await step("staff-api-token-create-and-revoke", async () => {
      const name = "脚本" + stamp;
      await page.fill('#token-form input[name="name"]', name);
      await page.fill('#token-form input[name="days"]', "30");
      await page.click('#token-form button[type="submit"]');
      await page.locator("#new-token", { hasText: "szt_" }).waitFor();
      const tr = page.locator("#tokens tr", { hasText: name });
      await tr.filter({ hasText: "有效" }).waitFor();
      const secret = (await page.textContent("#new-token")).match(/szt_[0-9a-f]{64}/)[0];
      const me = await page.evaluate(async (t) => (await fetch("/api/me", { headers: { Authorization: "Bearer " + t } })).status, secret);
      expect(me === 200, "token did not authenticate: " + me);
      expect(!(await tr.textContent()).includes(secret), "secret shown in the list");
      await shot(page, "dashboard-tokens");
      await tr.locator("button", { hasText: "撤销" }).click();
      await tr.filter({ hasText: "已撤销" }).waitFor();
      const after = await page.evaluate(async (t) => (await fetch("/api/me", { headers: { Authorization: "Bearer " + t } })).status, secret);
      expect(after === 401, "revoked token still works: " + after);
    });
    await step("staff-admin-page-says-forbidden", async () => {
      await page.goto(BASE + "/admin.html");
      await page.locator("#forbidden", { hasText: "无权访问此页面" }).waitFor();
      expect(await page.locator("#user-form, #dept-form").count() === 0, "admin forms shown to staff");
      await shot(page, "admin-denied");
    });
    await step("staff-logout", async () => {
      await page.click("#logout");
      await page.waitForURL(BASE + "/");
    });
  }
  // Digital employees end to end: admin creates one with a guardian and runs
  // its 上岗考核; the guardian takes it live; staff runs a task; the guardian
  // edits and approves it, sees the provenance, brakes the employee and
  // reads the metrics.
  const EMP = "公文校对员" + stamp;
  let empLive = false, taskDone = false;
  if (await login("emp-admin-login", "admin")) {
    await step("emp-create-and-acceptance", async () => {
      await page.goto(BASE + "/employees.html");
      await page.locator("#create-card:not([hidden])").waitFor();
      await page.fill('#emp-form input[name="name"]', EMP);
      await page.selectOption('#emp-form select[name="guardian"]', "guard");
      await page.selectOption("#scenario-select", ["gongwen.check", "gongwen-tongzhi"]);
      await page.fill('#emp-form textarea[name="description"]', "按国标校对公文格式");
      await page.click('#emp-form button[type="submit"]');
      await page.locator("#employees tr", { hasText: EMP }).filter({ hasText: "草稿" }).waitFor();
      await page.locator("#d-name", { hasText: EMP }).waitFor();
      await page.click('#d-actions button:has-text("运行上岗考核")');
      await page.locator("#d-acc-summary.ok", { hasText: "考核通过" }).waitFor();
      expect(await page.locator("#d-acc tr").count() >= 2, "acceptance rows missing");
      expect(await page.locator('#d-actions button:has-text("批准上岗")').count() === 0, "admin offered 批准上岗");
      await shot(page, "employees-admin");
    });
    await step("emp-admin-logout", async () => { await page.click("#logout"); await page.waitForURL(BASE + "/"); });
  }
  if (await login("emp-guardian-login", "guard")) {
    empLive = await step("emp-guardian-approves", async () => {
      await page.goto(BASE + "/employees.html");
      await page.click(`#employees a:has-text("${EMP}")`);
      await page.locator("#d-acc-summary.ok", { hasText: "考核通过" }).waitFor();
      await page.click('#d-actions button:has-text("批准上岗")');
      await page.locator("#employees tr", { hasText: EMP }).filter({ hasText: "在岗" }).waitFor();
    });
    await step("emp-guardian-logout", async () => { await page.click("#logout"); await page.waitForURL(BASE + "/"); });
  }
  if (empLive && await login("emp-staff-login", "staff1")) {
    await step("scenario-gallery-search-and-link", async () => {
      await page.goto(BASE + "/scenarios.html");
      await page.locator(".scn").first().waitFor();
      const total = await page.locator(".scn").count();
      expect(total >= 40, "gallery shows " + total + " scenarios");
      await page.fill("#s-q", "演练");
      await page.waitForFunction((n) => document.querySelectorAll(".scn").length < n, total);
      await page.fill("#s-q", "通知（公文起草）");
      const card = page.locator('.scn[data-id="gongwen-tongzhi"]');
      await card.locator("a", { hasText: "请数智员工办理" }).click();
      await page.waitForURL("**/tasks.html?*");
      await page.locator('#task-fields input[name="doc_no"]').waitFor();
      expect(await page.inputValue("#task-scenario") === "gongwen-tongzhi", "scenario not preselected");
      await shot(page, "scenarios");
    });
    taskDone = await step("emp-staff-runs-task", async () => {
      await page.goto(BASE + "/tasks.html");
      await page.selectOption("#task-emp", { label: EMP });
      await page.selectOption("#task-scenario", "gongwen.check");
      await page.fill('#task-fields textarea[name="text"]', "关于做好2025年防汛工作的通知\n各区人民政府:\n为切实做好防汛工作,现通知如下.\n2025年5月6日");
      await page.click('#task-form button[type="submit"]');
      await page.locator("#task-status", { hasText: "等待监护人审核" }).waitFor();
      await page.locator("#tasks tr", { hasText: EMP }).filter({ hasText: "待审核" }).waitFor();
      // A library scenario: its form comes from the definition, 填入样例 fills it.
      await page.selectOption("#task-scenario", "gongwen-tongzhi");
      await page.locator('#task-fields input[name="doc_no"]').waitFor();
      await page.click('#task-fields button:has-text("填入样例")');
      expect((await page.inputValue('#task-fields input[name="doc_no"]')).includes("〔"), "sample not filled");
      await page.click('#task-form button[type="submit"]');
      await page.locator("#tasks tr", { hasText: "通知（公文起草）" }).filter({ hasText: "待审核" }).waitFor();
      await shot(page, "tasks-staff");
    });
    await step("emp-staff-logout", async () => { await page.click("#logout"); await page.waitForURL(BASE + "/"); });
  }
  if (taskDone && await login("emp-guardian-login-2", "guard")) {
    await step("emp-guardian-reviews-and-approves", async () => {
      await page.goto(BASE + "/review.html");
      const tr = page.locator("#queue tr", { hasText: EMP }).filter({ hasText: "gongwen.check" });
      await tr.waitFor();
      expect(await page.locator("#queue tr", { hasText: "gongwen-tongzhi" }).count() === 1, "library task not queued");
      await tr.locator("a", { hasText: "审核" }).click();
      await page.waitForURL("**/task.html?id=*");
      await page.locator("#t-review:not([hidden])").waitFor();
      const text = await page.inputValue("#t-text");
      expect(text.includes("GW-PUNC-001"), "draft lacks the punctuation finding");
      await page.fill("#t-text", text + "\n监护人意见：请按上述问题修改后重新报送。");
      await page.click("#t-save");
      await page.locator("#t-timeline li", { hasText: "监护人修改" }).waitFor();
      await page.click("#t-approve");
      await page.locator("main h2", { hasText: "已通过" }).waitFor();
      await page.locator("#t-timeline li", { hasText: "审核通过" }).waitFor();
      await page.locator("#t-intact.ok").waitFor();
      await page.locator("#t-timeline .diff .add", { hasText: "监护人意见" }).waitFor();
      await page.locator("#t-export:not([hidden])").waitFor();
      expect(await page.locator("#t-review").isHidden(), "review buttons still shown after approval");
      expect(await page.locator("#t-text").getAttribute("readonly") !== null, "approved text still editable");
      await shot(page, "task-provenance");
    });
    await step("emp-guardian-brakes", async () => {
      page.once("dialog", (d) => d.accept("校对结果需复核"));
      await page.goto(BASE + "/employees.html");
      await page.click(`#employees a:has-text("${EMP}")`);
      await page.click('#d-actions button:has-text("暂停（刹车）")');
      await page.locator("#employees tr", { hasText: EMP }).filter({ hasText: "暂停" }).waitFor();
    });
    await step("emp-guardian-sees-metrics", async () => {
      await page.goto(BASE + "/metrics.html");
      const tr = page.locator("#m-by_employee tr", { hasText: EMP });
      await tr.waitFor();
      const cells = await tr.locator("td").allTextContents();
      expect(cells[3] === "1" && cells[6] === "100.0%", "metrics row: " + cells.join("|"));
      await shot(page, "metrics");
    });
    await step("emp-guardian-logout", async () => { await page.click("#logout"); await page.waitForURL(BASE + "/"); });
  }
  await step("no-js-errors", async () => {
    expect(jsErrors.length === 0, jsErrors.join(" | "));
  });
  await step("no-unexpected-http-errors", async () => {
    // expected: wrong password, logged-out /api/me, duplicate department, staff /api/users
    const expected = new Set(["401 /api/login", "401 /api/me", "409 /api/departments", "403 /api/users"]);
    const other = badLoads.filter((l) => !expected.has(l));
    expect(other.length === 0, [...new Set(other)].join(", "));
  });
} catch (e) {
  fail("browser-run", e.stack || e);
} finally {
  await context.close();
}
process.exit(failed() ? 1 : 0);
