/*
 * store/kbjob: the knowledge-base jobs of the server (uploads, reindexes;
 * server/api_kb_jobs.c), kept so that a job can be followed after a
 * restart (SQLite backend, migration 18; other backends return
 * BASE_E_USAGE).
 *
 * Invariants:
 *  - A row holds the job as the API shows it (JSON text, written by the
 *    server) beside the columns it is found by; ids are never reused
 *    (AUTOINCREMENT), so a job id in an old link names that job or none.
 *  - Rows go with their kb (ON DELETE CASCADE).
 *  - state is queued, running, done, failed or interrupted; a row still
 *    queued or running when a server starts was cut short by a stop or a
 *    crash, and kbjob_store_interrupt marks it so.
 */
#ifndef SHUZHI_STORE_KBJOB_STORE_H
#define SHUZHI_STORE_KBJOB_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "store/store.h"

#define KBJOB_STORE_KEEP 50 /* finished jobs kept per kb */

struct kbjob_store_row {
	int64_t id;
	int64_t kb_id;
	int64_t user_id; /* who started it */
	const char *state;
	const char *job; /* JSON text (borrowed for the callback) */
};

/* A new row (state queued); *id its id. */
int kbjob_store_insert(struct store *st, int64_t kb_id, int64_t user_id, int64_t created_at,
		       const char *job, int64_t *id, struct err *e);
/* Replace the state and JSON of job id. */
int kbjob_store_update(struct store *st, int64_t id, const char *state, const char *job,
		       struct err *e);
/* Job id through cb (BASE_E_NOTFOUND when none). */
int kbjob_store_get(struct store *st, int64_t id,
		    int (*cb)(const struct kbjob_store_row *r, void *arg), void *arg,
		    struct err *e);
/* The last KBJOB_STORE_KEEP jobs of kb kb_id (and any unfinished), oldest
 * first. */
int kbjob_store_list(struct store *st, int64_t kb_id,
		     int (*cb)(const struct kbjob_store_row *r, void *arg), void *arg,
		     struct err *e);
/* Every queued or running row becomes interrupted with reason as its
 * "error" (state_text 已中断); *ids gets their ids (malloc'd, *n of them). */
int kbjob_store_interrupt(struct store *st, const char *reason, int64_t **ids, size_t *n,
			  struct err *e);
/* Forget the finished jobs of kb_id beyond the last KBJOB_STORE_KEEP. */
int kbjob_store_prune(struct store *st, int64_t kb_id, struct err *e);

#endif
