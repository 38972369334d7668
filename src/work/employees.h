/*
 * work/employees: digital employees (数智员工), their guardians (监护人) and
 * the tasks they carry out. AI assists, people decide: nothing an employee
 * drafts becomes final without its guardian's decision.
 *
 * Lifecycle (state names stored / shown):
 *   draft 草稿 → pending 待上岗 → active 在岗 ⇄ paused 暂停; any → retired 退役.
 *   - submit (admin or guardian) stores the 上岗考核 results for the current
 *     version and moves draft → pending (also re-submits a pending one);
 *   - approve (the guardian or deputy) pending → active, only when the
 *     acceptance results are for the current version and all passed;
 *   - pause, the brake (guardian, deputy or admin) active → paused at once,
 *     cancelling its running tasks; resume (guardian or deputy) → active;
 *   - retire (admin) from any state but retired.
 *   Changing an employee makes a new version (kept in employee_versions);
 *   an active one goes back to pending (its acceptance no longer holds), a
 *   paused one stays paused. Tasks record the version they ran under.
 *
 * Tasks: running → draft (待审核) → approved 已通过 | rejected 已退回（驳回）
 *   | returned 补充材料; running → failed | cancelled. The guardian may edit
 *   the draft before approving (each edit kept as a line diff).
 *
 * Every change writes its audit entry in the same transaction. Task events
 * (the provenance timeline) are also anchored: each event's detail is
 * hashed (BLAKE2b-256 of its canonical JSON) and that digest is in the
 * audit entry, so editing an event afterwards shows up as a mismatch
 * (work_task_provenance) and editing the audit entry breaks the chain.
 *
 * Ownership: JSON results are new references the caller json_decref()s.
 */
#ifndef SHUZHI_WORK_EMPLOYEES_H
#define SHUZHI_WORK_EMPLOYEES_H

#include <jansson.h>

#include "work/work.h"

#define WORK_EMP_NAME_MAX    32		/* characters */
#define WORK_EMP_DESC_MAX    500	/* characters */
#define WORK_TASK_TEXT_MAX   (2u << 20) /* bytes of a draft or an edit */
#define WORK_TASK_REASON_MAX 500	/* characters */

/* Chinese name of a state ("在岗"); the state itself when unknown. */
const char *work_emp_state_zh(const char *state);
const char *work_task_state_zh(const char *state);

/*
 * spec: {"name", "description", "avatar", "department_id", "guardian"
 * (username of a user with the guardian role), "deputy" (username or null),
 * "scenarios": [ids], "kbs": [names], "model": "profile name",
 * "daily_tokens": N, "minutes_saved": N (per approved task, the office's own
 * estimate for the metrics)}. Unknown keys are refused.
 */
int work_emp_create(const struct work_ctx *ctx, const json_t *spec, int64_t *id, struct err *e);
/* Keys present in spec replace the current ones; a new version. */
int work_emp_update(const struct work_ctx *ctx, int64_t id, const json_t *spec, struct err *e);
/* Store acceptance ({"passed": bool, "results": [...]}) for the current
 * version; draft|pending → pending. who must be admin or the guardian. */
int work_emp_submit(const struct work_ctx *ctx, int64_t id, const struct store_user *who,
		    const json_t *acceptance, struct err *e);
/* action: "approve", "pause", "resume", "retire"; reason may be NULL
 * (pause needs one). *cancelled (may be NULL): tasks the brake stopped. */
int work_emp_transition(const struct work_ctx *ctx, int64_t id, const struct store_user *who,
			const char *action, const char *reason, size_t *cancelled, struct err *e);
/* Whether user_id is the guardian or deputy in row (a store_emp_get or
 * store_task_get row: both carry guardian_id and deputy_id). */
bool work_emp_guards(const json_t *emp, int64_t user_id);

/* Start a task: emp must be active and handle scenario. State running. */
int work_task_start(const struct work_ctx *ctx, const struct store_user *requester, int64_t emp_id,
		    const char *scenario, const char *scenario_version, const json_t *inputs,
		    int64_t *task_id, struct err *e);
/* The same with files: files is NULL or an array of {"id": file id,
 * "field": form field}; each must be the requester's own upload, not yet
 * used by a task. They are attached to the new task in the same
 * transaction and listed (name, size, BLAKE2b digest) in its "create"
 * provenance event; an attached file never changes. */
int work_task_start_files(const struct work_ctx *ctx, const struct store_user *requester,
			  int64_t emp_id, const char *scenario, const char *scenario_version,
			  const json_t *inputs, const json_t *files, int64_t *task_id,
			  struct err *e);
/* Keep an uploaded file (bytes, their UTF-8 text) for owner; its BLAKE2b-256
 * digest is computed here; audited as task_file.upload. */
int work_task_file_add(const struct work_ctx *ctx, const struct store_user *owner, const char *name,
		       const void *data, size_t size, const char *text, int64_t *file_id,
		       struct err *e);
/* The run finished: result {"text", "kind", "validators", "sources", "model",
 * "reasoning", ...}; running → draft; the guardian and deputy are notified.
 * A task cancelled meanwhile (the brake) stays cancelled: BASE_E_CONFLICT. */
int work_task_drafted(const struct work_ctx *ctx, int64_t task_id, const json_t *result,
		      struct err *e);
int work_task_failed(const struct work_ctx *ctx, int64_t task_id, const char *why, struct err *e);
/* Record the model calls made for a task (a "model" provenance event,
 * anchored like the others): provider, model and parameters, each call's
 * status, tokens and reasoning, and the outcome. Any task state. */
int work_task_model_event(const struct work_ctx *ctx, int64_t task_id, const json_t *detail,
			  struct err *e);
/* Remove the uploaded task files never attached to a task that are older
 * than max_age_ms; *count gets how many (audited as task_file.expire when
 * there were any). */
int work_task_files_expire(const struct work_ctx *ctx, int64_t max_age_ms, size_t *count,
			   struct err *e);
/* The guardian (or deputy) replaces the working text of a draft. */
int work_task_edit(const struct work_ctx *ctx, int64_t task_id, const struct store_user *who,
		   const char *text, struct err *e);
/* decision: "approve", "reject", "return" (reason required for the last
 * two). The requester is notified. */
int work_task_decide(const struct work_ctx *ctx, int64_t task_id, const struct store_user *who,
		     const char *decision, const char *reason, struct err *e);
/* Record an export of an approved task (format "txt", "docx" …). */
int work_task_exported(const struct work_ctx *ctx, int64_t task_id, const struct store_user *who,
		       const char *format, struct err *e);
/* Timeline of a task: {"task": row, "events": [... each with "anchored":
 * bool]}; "intact" is false when any event no longer matches its audit
 * entry's digest. */
int work_task_provenance(const struct work_ctx *ctx, int64_t task_id, json_t **out, struct err *e);
/* The text of a task as it stands: the approved text, else the reviewer's
 * working copy, else the draft. Borrowed from task. */
const char *work_task_text(const json_t *task);

#endif
