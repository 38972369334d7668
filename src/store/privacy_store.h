/*
 * store/privacy: sensitive-word lists managed by admins, and the hits the
 * content filter records for the office's filing records (who, where,
 * which word, the surrounding text, when). SQLite backend: sq_privacy.c.
 *
 * Lists are created on first use by name. A word is unique within its
 * list; the same word may sit in several lists with different categories.
 * Hits keep a copy of the word and category, so deleting a word never
 * deletes its history (word_id becomes 0).
 * Records passed to iteration callbacks borrow the backend's memory for the
 * call only. Sizes below are byte limits, checked before writing.
 */
#ifndef SHUZHI_STORE_PRIVACY_STORE_H
#define SHUZHI_STORE_PRIVACY_STORE_H

#include <stdint.h>

#include "store/store.h"

#define STORE_WORD_MAX	       256  /* a sensitive word or phrase */
#define STORE_WORD_CAT_MAX     64   /* category name */
#define STORE_WORD_PLACE_MAX   256  /* where a hit happened: "chat:42", "task:7 output" */
#define STORE_WORD_CONTEXT_MAX 1024 /* text around a hit */

struct store_word {
	int64_t id;
	const char *list;
	const char *word;
	const char *category;
	const char *created_by;
	int64_t created_at;
};

struct store_word_hit {
	int64_t id;
	int64_t ts;
	const char *actor;     /* who sent or received the text */
	const char *place;     /* where */
	const char *direction; /* "input" (to the model) or "output" (from it) */
	int64_t word_id;       /* 0 when the word was deleted since */
	const char *word;
	const char *category;
	const char *context;
};

typedef int (*store_word_cb)(const struct store_word *w, void *arg);
typedef int (*store_word_hit_cb)(const struct store_word_hit *h, void *arg);

/* Add word to list (created when missing). BASE_E_CONFLICT when the list
 * already holds it; BASE_E_FORMAT for empty or oversized fields. */
int store_word_add(struct store *st, const char *list, const char *word, const char *category,
		   const char *actor, int64_t now, int64_t *id, struct err *e);
/* Remove word from list (list NULL: from every list); *count rows removed.
 * BASE_E_NOTFOUND when nothing matched. */
int store_word_remove(struct store *st, const char *list, const char *word, size_t *count,
		      struct err *e);
/* Words of list (NULL: all lists) ordered by list, then word. */
int store_word_iter(struct store *st, const char *list, store_word_cb cb, void *arg, struct err *e);

int store_word_hit_add(struct store *st, const struct store_word_hit *h, int64_t *id,
		       struct err *e);
/* Newest first; limit 0: all. */
int store_word_hit_iter(struct store *st, size_t limit, store_word_hit_cb cb, void *arg,
			struct err *e);

#endif
