/*
 * store/employee_store: digital employees (数智员工), their versions, tasks,
 * task events (the provenance timeline) and notifications.
 *
 * Reads return JSON objects (the caller owns them, json_decref): column
 * names as keys, the JSON text columns (config, acceptance, inputs, result)
 * parsed. Writes take the typed structs below; strings are borrowed.
 * The rules (lifecycle, who may decide) live in work/employees.c; this file
 * only stores.
 */
#ifndef SHUZHI_EMPLOYEE_STORE_H
#define SHUZHI_EMPLOYEE_STORE_H

#include <jansson.h>

#include "store/store.h"

struct store_emp {
	int64_t id;
	const char *name;
	int64_t department_id; /* 0: none */
	int64_t guardian_id;
	int64_t deputy_id; /* 0: none */
	const char *state; /* draft pending active paused retired */
	int version;
	const char *config;	/* JSON text */
	const char *acceptance; /* JSON text of the last 上岗考核, NULL: none */
	int acceptance_version; /* the version it was run against */
	int64_t now;
};

struct store_task {
	int64_t id;
	int64_t employee_id;
	int employee_version;
	const char *scenario;
	const char *scenario_version;
	int64_t requester_id;
	int64_t department_id;
	const char *state;	/* running draft approved rejected returned cancelled failed */
	const char *inputs;	/* JSON text */
	const char *result;	/* JSON text or NULL */
	const char *final_text; /* NULL until approved */
	const char *reason;	/* NULL: none */
	int64_t decided_by;	/* 0: none */
	int64_t edit_distance;	/* -1: not computed */
	int64_t created_at, drafted_at, decided_at;
};

/* Filter for store_task_list; zero fields do not filter. */
struct store_task_filter {
	int64_t employee_id;
	int64_t requester_id;
	int64_t guardian_id; /* tasks of employees this user guards or deputises */
	const char *state;
	size_t limit; /* 0: 500 */
};

int store_emp_insert(struct store *st, const struct store_emp *m, int64_t *id, struct err *e);
/* Write every column of m (by m->id). */
int store_emp_update(struct store *st, const struct store_emp *m, struct err *e);
int store_emp_get(struct store *st, int64_t id, json_t **out, struct err *e);
/* Every employee, by id; *out is an array. */
int store_emp_list(struct store *st, json_t **out, struct err *e);
int store_emp_version_insert(struct store *st, int64_t emp_id, int version, const char *config,
			     const char *actor, int64_t now, struct err *e);
int store_emp_versions(struct store *st, int64_t emp_id, json_t **out, struct err *e);

int store_task_insert(struct store *st, const struct store_task *t, int64_t *id, struct err *e);
int store_task_update(struct store *st, const struct store_task *t, struct err *e);
int store_task_get(struct store *st, int64_t id, json_t **out, struct err *e);
int store_task_list(struct store *st, const struct store_task_filter *f, json_t **out,
		    struct err *e);
/* Tasks of emp_id still running: set to cancelled; *count of them. */
int store_task_cancel_running(struct store *st, int64_t emp_id, int64_t now, size_t *count,
			      struct err *e);

int store_task_event_insert(struct store *st, int64_t task_id, int64_t ts, const char *actor,
			    const char *kind, const char *detail, const char *digest,
			    int64_t audit_id, struct err *e);
int store_task_events(struct store *st, int64_t task_id, json_t **out, struct err *e);

int store_notice_insert(struct store *st, int64_t user_id, int64_t task_id, const char *message,
			int64_t now, struct err *e);
/* The user's notifications, newest first (at most 100). */
int store_notice_list(struct store *st, int64_t user_id, json_t **out, struct err *e);
/* Mark one read (only the owner's; NOTFOUND otherwise). */
int store_notice_read(struct store *st, int64_t id, int64_t user_id, struct err *e);

#endif
