/*
 * store/taskfile_store: files a staff member attaches to a task (a 询问笔录
 * as .txt or .docx …), table task_files (migration 11).
 *
 * The original bytes are kept in the database as a blob (at most
 * STORE_TASKFILE_MAX bytes, checked here and by a CHECK constraint), with
 * the text read from them, the BLAKE2b-256 digest of the bytes, the
 * uploader and, once the task that uses it has been created, the task id.
 * A file is attached once and never changed afterwards: the task's inputs
 * are immutable once it runs. Who may read a file is decided by the caller
 * (server/api_taskfiles.c); this file only stores.
 *
 * Migration 11 also gives model_usage an employee_id column, so the model
 * tokens spent for a digital employee can be held against its daily quota.
 */
#ifndef SHUZHI_TASKFILE_STORE_H
#define SHUZHI_TASKFILE_STORE_H

#include <jansson.h>

#include "store/store.h"

#define STORE_TASKFILE_MAX ((size_t)4 << 20) /* bytes of one original */

struct store_taskfile {
	int64_t id;
	int64_t owner_id;
	int64_t task_id;   /* 0: not attached yet */
	const char *field; /* form field it fills, "" until attached */
	const char *name;
	const char *digest; /* BLAKE2b-256, hex */
	const char *text;   /* UTF-8 text read from the file */
	const void *data;
	size_t size;
	int64_t created_at;
};

int store_taskfile_insert(struct store *st, const struct store_taskfile *f, int64_t *id,
			  struct err *e);
/* Metadata and text (no bytes): {id, owner_id, task_id, field, name, size,
 * digest, text, created_at}; BASE_E_NOTFOUND when there is no such file. */
int store_taskfile_get(struct store *st, int64_t id, json_t **out, struct err *e);
/* The original bytes (*data malloc'd). */
int store_taskfile_data(struct store *st, int64_t id, char **data, size_t *size, struct err *e);
/* Attach an unattached file to task_id as field; BASE_E_CONFLICT when it
 * is already attached. */
int store_taskfile_attach(struct store *st, int64_t id, int64_t task_id, const char *field,
			  struct err *e);
/* Files of a task (metadata without text), by id: an array. */
int store_taskfile_list(struct store *st, int64_t task_id, json_t **out, struct err *e);

/* Remove the files never attached to a task that were uploaded before
 * `before` (ms); *count gets how many. */
int store_taskfile_purge_unattached(struct store *st, int64_t before, size_t *count, struct err *e);

#endif
