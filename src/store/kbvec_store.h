/*
 * store/kbvec: one embedding vector per knowledge-base chunk (SQLite
 * backend, migrations 14 and 17; other backends return BASE_E_INTERNAL). The kb/
 * module is the only caller.
 *
 * Invariants:
 *  - kb_vec(chunk_id PRIMARY KEY) references kb_chunk ON DELETE CASCADE:
 *    a chunk removed or re-read loses its vector with it, so a vector never
 *    outlives the text it was computed from.
 *  - A vector is float32 in host byte order, dim values, stored with the
 *    name of the model that made it; a chunk whose vector came from another
 *    model is "to do" again (re-embedding when the model changes).
 *  - Strings passed to callbacks borrow SQLite memory for the call only.
 */
#ifndef SHUZHI_STORE_KBVEC_STORE_H
#define SHUZHI_STORE_KBVEC_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "store/store.h"

/* A chunk without a vector of the model (kbvec_store_todo). */
struct kbvec_store_todo {
	int64_t chunk_id;
	const char *title;
	const char *heading;
	const char *body;
};

/* A stored vector with what ranking needs (kbvec_store_scan). */
struct kbvec_store_row {
	int64_t chunk_id;
	int64_t doc_id;
	int64_t kb_id;
	int stale;	 /* 0 现行/unknown, 1 已修改, 2 已废止 */
	bool article;	 /* the chunk is an article (第X条) */
	const void *vec; /* dim float32 values as stored: maybe unaligned, read
			    with memcpy (kb_vec_dot_bytes) */
	int dim;
};

/* Chunks of kb kb_id (0: every kb) with id > after lacking a vector of
 * model, in id order, at most limit. */
int kbvec_store_todo(struct store *st, int64_t kb_id, const char *model, int64_t after,
		     size_t limit, int (*cb)(const struct kbvec_store_todo *t, void *arg),
		     void *arg, struct err *e);
/* How many such chunks there are (progress). */
int kbvec_store_todo_count(struct store *st, int64_t kb_id, const char *model, int64_t *n,
			   struct err *e);
/* Store (or replace) the vector of a chunk. */
int kbvec_store_put(struct store *st, int64_t chunk_id, const char *model, const float *v, int dim,
		    struct err *e);
/* Every vector of model with dim dimensions, in chunk id order. */
int kbvec_store_scan(struct store *st, const char *model, int dim,
		     int (*cb)(const struct kbvec_store_row *r, void *arg), void *arg,
		     struct err *e);
/* The generation of the stored vectors (migration 17): it changes with
 * every insert, replacement or removal of a vector (cascades included) and
 * every change of a document's validity, committed by any connection. */
int kbvec_store_gen(struct store *st, int64_t *gen, struct err *e);
/* Number of vectors of model (any kb) and their dimension (0 when none). */
int kbvec_store_stat(struct store *st, const char *model, int64_t *n, int *dim, struct err *e);

#endif
