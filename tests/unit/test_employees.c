/* work/employees + work/tasks: the lifecycle rules, who may do what, the
 * brake, versions, review decisions, notifications and the provenance
 * anchoring (tampering with an event is detected). */
#include <string.h>

#include "db_fixture.h"
#include "store/employee_store.h"
#include "store/taskfile_store.h"
#include "test.h"
#include "work/audit.h"
#include "work/employees.h"
#include "work/users.h"

#define PW "Chunjie-2024!"

static struct store_user emp_user(struct db_fixture *f, const char *name, const char *role)
{
	struct work_user_new nu = {name, NULL, role, NULL};
	struct store_user u;
	struct err e = {0};
	int64_t id;

	if (work_user_add(&f->ctx, &nu, PW, strlen(PW), &id, &e) != 0 ||
	    store_user_get(f->st, name, &u, &e) != 0)
		TEST_FAIL_AT("user add %s: %s", name, e.msg);
	return u;
}

static const char *emp_state(struct db_fixture *f, int64_t id)
{
	static char state[16];
	json_t *row = NULL;
	struct err e = {0};

	ASSERT_EQ(store_emp_get(f->st, id, &row, &e), 0);
	snprintf(state, sizeof(state), "%s", json_string_value(json_object_get(row, "state")));
	json_decref(row);
	return state;
}

static int64_t emp_live(struct db_fixture *f, const struct store_user *admin,
			const struct store_user *guard)
{
	json_t *spec =
	    json_pack("{s:s,s:s,s:[s,s],s:i}", "name", "公文校对员", "guardian", guard->username,
		      "scenarios", "gongwen.check", "gongwen.notice", "minutes_saved", 30);
	json_t *pass = json_pack("{s:b,s:[]}", "passed", 1, "results");
	struct err e = {0};
	int64_t id = 0;

	ASSERT_EQ(work_emp_create(&f->ctx, spec, &id, &e), 0);
	ASSERT_STR_EQ(emp_state(f, id), "draft");
	ASSERT_EQ(work_emp_submit(&f->ctx, id, admin, pass, &e), 0);
	ASSERT_STR_EQ(emp_state(f, id), "pending");
	ASSERT_EQ(work_emp_transition(&f->ctx, id, guard, "approve", NULL, NULL, &e), 0);
	ASSERT_STR_EQ(emp_state(f, id), "active");
	json_decref(spec);
	json_decref(pass);
	return id;
}

TEST(employees_lifecycle_rules)
{
	struct db_fixture f;
	struct err e = {0};
	struct store_user admin, guard, other, staff;
	json_t *spec, *fail = json_pack("{s:b,s:[]}", "passed", 0, "results");
	json_t *pass = json_pack("{s:b,s:[]}", "passed", 1, "results");
	int64_t id = 0;
	size_t cancelled = 9;

	db_fixture_open(&f);
	admin = emp_user(&f, "admin", "admin");
	guard = emp_user(&f, "guard", "guardian");
	other = emp_user(&f, "guard2", "guardian");
	staff = emp_user(&f, "staff1", "staff");
	/* A guardian is required and must have the guardian role. */
	spec = json_pack("{s:s}", "name", "无人监护");
	ASSERT_EQ(work_emp_create(&f.ctx, spec, &id, &e), BASE_E_USAGE);
	json_decref(spec);
	spec = json_pack("{s:s,s:s}", "name", "员工甲", "guardian", "staff1");
	ASSERT_EQ(work_emp_create(&f.ctx, spec, &id, &e), BASE_E_USAGE);
	ASSERT_CONTAINS(e.msg, "监护人");
	json_decref(spec);
	spec = json_pack("{s:s,s:s,s:s}", "name", "员工甲", "guardian", "guard", "bogus", "x");
	ASSERT_EQ(work_emp_create(&f.ctx, spec, &id, &e), BASE_E_USAGE);
	json_decref(spec);
	spec = json_pack("{s:s,s:s,s:[s]}", "name", "员工甲", "guardian", "guard", "scenarios",
			 "gongwen.check");
	ASSERT_EQ(work_emp_create(&f.ctx, spec, &id, &e), 0);
	ASSERT_EQ(work_emp_create(&f.ctx, spec, &id, &e), BASE_E_CONFLICT); /* same name */
	json_decref(spec);
	/* Approval needs a passed acceptance of this version, by the guardian. */
	ASSERT_EQ(work_emp_transition(&f.ctx, id, &guard, "approve", NULL, NULL, &e),
		  BASE_E_CONFLICT);
	ASSERT_EQ(work_emp_submit(&f.ctx, id, &staff, pass, &e), BASE_E_AUTH);
	ASSERT_EQ(work_emp_submit(&f.ctx, id, &admin, fail, &e), 0);
	ASSERT_EQ(work_emp_transition(&f.ctx, id, &guard, "approve", NULL, NULL, &e),
		  BASE_E_CONFLICT);
	ASSERT_EQ(work_emp_submit(&f.ctx, id, &guard, pass, &e), 0);
	ASSERT_EQ(work_emp_transition(&f.ctx, id, &admin, "approve", NULL, NULL, &e), BASE_E_AUTH);
	ASSERT_EQ(work_emp_transition(&f.ctx, id, &other, "approve", NULL, NULL, &e), BASE_E_AUTH);
	ASSERT_EQ(work_emp_transition(&f.ctx, id, &guard, "approve", NULL, NULL, &e), 0);
	ASSERT_STR_EQ(emp_state(&f, id), "active");
	/* A change makes a new version and needs a new acceptance. */
	spec = json_pack("{s:s}", "description", "负责公文格式校对");
	ASSERT_EQ(work_emp_update(&f.ctx, id, spec, &e), 0);
	json_decref(spec);
	ASSERT_STR_EQ(emp_state(&f, id), "pending");
	ASSERT_EQ(work_emp_transition(&f.ctx, id, &guard, "approve", NULL, NULL, &e),
		  BASE_E_CONFLICT);
	ASSERT_EQ(work_emp_submit(&f.ctx, id, &guard, pass, &e), 0);
	ASSERT_EQ(work_emp_transition(&f.ctx, id, &guard, "approve", NULL, NULL, &e), 0);
	/* The brake: reason required; staff cannot; admin can. */
	ASSERT_EQ(work_emp_transition(&f.ctx, id, &guard, "pause", NULL, NULL, &e), BASE_E_USAGE);
	ASSERT_EQ(work_emp_transition(&f.ctx, id, &staff, "pause", "x", NULL, &e), BASE_E_AUTH);
	ASSERT_EQ(work_emp_transition(&f.ctx, id, &admin, "pause", "格式错误频发", &cancelled, &e),
		  0);
	ASSERT_EQ(cancelled, (size_t)0);
	ASSERT_EQ(work_emp_transition(&f.ctx, id, &admin, "resume", NULL, NULL, &e), BASE_E_AUTH);
	ASSERT_EQ(work_emp_transition(&f.ctx, id, &guard, "resume", NULL, NULL, &e), 0);
	ASSERT_EQ(work_emp_transition(&f.ctx, id, &guard, "retire", NULL, NULL, &e), BASE_E_AUTH);
	ASSERT_EQ(work_emp_transition(&f.ctx, id, &admin, "retire", NULL, NULL, &e), 0);
	ASSERT_EQ(work_emp_transition(&f.ctx, id, &admin, "retire", NULL, NULL, &e),
		  BASE_E_CONFLICT);
	spec = json_pack("{s:s}", "description", "x");
	ASSERT_EQ(work_emp_update(&f.ctx, id, spec, &e), BASE_E_CONFLICT);
	json_decref(spec);
	{
		json_t *versions = NULL;

		ASSERT_EQ(store_emp_versions(f.st, id, &versions, &e), 0);
		ASSERT_EQ(json_array_size(versions), (size_t)2);
		json_decref(versions);
	}
	json_decref(pass);
	json_decref(fail);
	db_fixture_close(&f);
}

static json_t *emp_result(const char *text)
{
	return json_pack("{s:s,s:s,s:[],s:s}", "text", text, "kind", "txt", "validators",
			 "reasoning", "思考过程");
}

TEST(tasks_review_and_provenance)
{
	struct db_fixture f;
	struct err e = {0};
	struct store_user admin, guard, staff;
	json_t *inputs = json_pack("{s:s}", "要点", "关于开展安全检查的通知");
	json_t *res, *prov = NULL, *notes = NULL, *task = NULL;
	int64_t emp, t1, t2, t3;

	db_fixture_open(&f);
	admin = emp_user(&f, "admin", "admin");
	guard = emp_user(&f, "guard", "guardian");
	staff = emp_user(&f, "staff1", "staff");
	emp = emp_live(&f, &admin, &guard);
	ASSERT_EQ(work_task_start(&f.ctx, &staff, emp, "not.mine", "1", inputs, &t1, &e),
		  BASE_E_USAGE);
	ASSERT_EQ(work_task_start(&f.ctx, &staff, emp, "gongwen.notice", "1", inputs, &t1, &e), 0);
	res = emp_result("第一行\n第二行\n第三行");
	ASSERT_EQ(work_task_drafted(&f.ctx, t1, res, &e), 0);
	ASSERT_EQ(work_task_drafted(&f.ctx, t1, res, &e), BASE_E_CONFLICT);
	ASSERT_EQ(store_notice_list(f.st, guard.id, &notes, &e), 0);
	ASSERT_EQ(json_array_size(notes), (size_t)1);
	json_decref(notes);
	/* Only the guardian reviews; edit, then approve: the edit counts. */
	ASSERT_EQ(work_task_edit(&f.ctx, t1, &staff, "x", &e), BASE_E_AUTH);
	ASSERT_EQ(work_task_decide(&f.ctx, t1, &admin, "approve", NULL, &e), BASE_E_AUTH);
	ASSERT_EQ(work_task_exported(&f.ctx, t1, &staff, "txt", &e), BASE_E_CONFLICT);
	ASSERT_EQ(work_task_edit(&f.ctx, t1, &guard, "第一行\n第二行（改）\n第三行", &e), 0);
	ASSERT_EQ(work_task_decide(&f.ctx, t1, &guard, "approve", NULL, &e), 0);
	ASSERT_EQ(work_task_decide(&f.ctx, t1, &guard, "reject", "晚了", &e), BASE_E_CONFLICT);
	ASSERT_EQ(store_task_get(f.st, t1, &task, &e), 0);
	ASSERT_STR_EQ(json_string_value(json_object_get(task, "state")), "approved");
	ASSERT_STR_EQ(work_task_text(task), "第一行\n第二行（改）\n第三行");
	ASSERT_EQ(json_integer_value(json_object_get(task, "edit_distance")), 3);
	json_decref(task);
	ASSERT_EQ(work_task_exported(&f.ctx, t1, &staff, "txt", &e), 0);
	ASSERT_EQ(store_notice_list(f.st, staff.id, &notes, &e), 0);
	ASSERT_EQ(json_array_size(notes), (size_t)1);
	ASSERT_CONTAINS(json_string_value(json_object_get(json_array_get(notes, 0), "message")),
			"通过");
	json_decref(notes);
	/* Reject and return need a reason. */
	ASSERT_EQ(work_task_start(&f.ctx, &staff, emp, "gongwen.check", "1", inputs, &t2, &e), 0);
	ASSERT_EQ(work_task_drafted(&f.ctx, t2, res, &e), 0);
	ASSERT_EQ(work_task_decide(&f.ctx, t2, &guard, "reject", "", &e), BASE_E_USAGE);
	ASSERT_EQ(work_task_decide(&f.ctx, t2, &guard, "maybe", "x", &e), BASE_E_USAGE);
	ASSERT_EQ(work_task_decide(&f.ctx, t2, &guard, "return", "缺少附件", &e), 0);
	/* The brake cancels a running task; its late result is refused. */
	ASSERT_EQ(work_task_start(&f.ctx, &staff, emp, "gongwen.check", "1", inputs, &t3, &e), 0);
	{
		size_t n = 0;

		ASSERT_EQ(work_emp_transition(&f.ctx, emp, &guard, "pause", "输出异常", &n, &e), 0);
		ASSERT_EQ(n, (size_t)1);
	}
	ASSERT_EQ(work_task_drafted(&f.ctx, t3, res, &e), BASE_E_CONFLICT);
	ASSERT_EQ(work_task_start(&f.ctx, &staff, emp, "gongwen.check", "1", inputs, &t3, &e),
		  BASE_E_CONFLICT);
	/* Provenance: every step, anchored; editing an event is detected and
	 * the audit chain still verifies (the event table is what changed). */
	ASSERT_EQ(work_task_provenance(&f.ctx, t1, &prov, &e), 0);
	ASSERT(json_is_true(json_object_get(prov, "intact")));
	ASSERT_EQ(json_array_size(json_object_get(prov, "events")), (size_t)5);
	json_decref(prov);
	db_fixture_sql(&f, "UPDATE task_events SET detail = replace(detail, '（改）', '（删）')"
			   " WHERE kind = 'edit'");
	ASSERT_EQ(work_task_provenance(&f.ctx, t1, &prov, &e), 0);
	ASSERT(json_is_false(json_object_get(prov, "intact")));
	json_decref(prov);
	json_decref(res);
	json_decref(inputs);
	db_fixture_close(&f);
}

static int emp_count_audit(const struct store_audit *a, void *arg)
{
	(void)a;
	++*(size_t *)arg;
	return 0;
}

/* Unattached task files expire after the given age; attached ones never;
 * the removal is audited (and nothing is audited when nothing expired). */
TEST(task_files_expire_unattached)
{
	struct db_fixture f;
	struct err e = {0};
	struct store_user admin, guard, staff;
	json_t *row = NULL, *files, *in;
	int64_t emp, old_free = 0, old_used = 0, fresh = 0, task = 0;
	size_t n = 9;

	db_fixture_open(&f);
	admin = emp_user(&f, "admin", "admin");
	guard = emp_user(&f, "guard", "guardian");
	staff = emp_user(&f, "staff1", "staff");
	emp = emp_live(&f, &admin, &guard);
	f.now = 1000000;
	ASSERT_EQ(work_task_file_add(&f.ctx, &staff, "a.txt", "甲", 3, "甲", &old_free, &e), 0);
	ASSERT_EQ(work_task_file_add(&f.ctx, &staff, "b.txt", "乙", 3, "乙", &old_used, &e), 0);
	files = json_pack("[{s:I,s:s}]", "id", (json_int_t)old_used, "field", "text");
	in = json_pack("{s:s}", "text", "乙");
	ASSERT_EQ(
	    work_task_start_files(&f.ctx, &staff, emp, "gongwen.check", "1", in, files, &task, &e),
	    0);
	json_decref(files);
	json_decref(in);
	f.now = 1000000 + 60000;
	ASSERT_EQ(work_task_file_add(&f.ctx, &staff, "c.txt", "丙", 3, "丙", &fresh, &e), 0);
	/* younger than the age: nothing goes, nothing is audited */
	f.now = 1000000 + 90000;
	ASSERT_EQ(work_task_files_expire(&f.ctx, 100000, &n, &e), 0);
	ASSERT_EQ(n, 0u);
	/* 120 s after the first uploads, age 100 s: only the unattached old one */
	f.now = 1000000 + 120000;
	ASSERT_EQ(work_task_files_expire(&f.ctx, 100000, &n, &e), 0);
	ASSERT_EQ(n, 1u);
	ASSERT_EQ(store_taskfile_get(f.st, old_free, &row, &e), BASE_E_NOTFOUND);
	ASSERT_EQ(store_taskfile_get(f.st, old_used, &row, &e), 0);
	json_decref(row);
	ASSERT_EQ(store_taskfile_get(f.st, fresh, &row, &e), 0);
	json_decref(row);
	ASSERT_EQ(work_task_files_expire(&f.ctx, 100000, &n, &e), 0);
	ASSERT_EQ(n, 0u);
	n = 0;
	/* the audit: exactly one expire entry */
	ASSERT_EQ(store_audit_iter(f.st, &(struct store_audit_filter){.action = "task_file.expire"},
				   emp_count_audit, &n, &e),
		  0);
	ASSERT_EQ(n, 1u);
	db_fixture_close(&f);
}
