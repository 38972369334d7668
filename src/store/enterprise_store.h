/*
 * store/enterprise: tables of the enterprise-profile module (migration 3).
 *
 *   ent_import      one row per `shuzhi enterprise import` (folder, times,
 *                   the per-file counters as JSON text)
 *   ent_enterprise  one row per enterprise (normalised USCC, order of first
 *                   appearance, canonical row, source line, import)
 *   ent_record      the accepted child rows of the other eleven files
 *                   (file number, enterprise, key for keyed files, canonical
 *                   row, source line, import)
 *   ent_issue       every rejected, repaired, duplicate or superseded row
 *                   of an import with its file, line and reason
 *   ent_warning     the risk flags raised right after an import (as of its
 *                   date): the warnings feed compares two imports
 *   ent_setting     (migration 9) key -> value text: "access" (JSON array of
 *                   the roles granted read access to enterprise data),
 *                   "chains" (JSON object: 产业链 node -> industry codes) and
 *                   "rules" (the risk rules' differences from the defaults)
 *   ent_list        (migration 12, sq_entlist.c) saved 招商 screening lists:
 *                   name, owner, department, shared flag, the filter (JSON),
 *                   as-of date, number matched, created
 *   ent_list_item   the ranked rows of a saved list (uscc, the screening
 *                   row's cells as a JSON array)
 *   ent_import.kind (migration 15, sq_entsnap.c) an ent_import row is a
 *                   warnings snapshot: 'import' or 'rules' (a change of the
 *                   risk rules re-evaluated every enterprise; actor: who)
 *   ent_name_fts    (migration 12) trigram index of the enterprise names
 *                   (kept by triggers) for name-substring search; with the
 *                   index ent_enterprise(ord) for paging
 *
 * A canonical row is the row's fields in their canonical spelling joined by
 * U+001F (README R1.6); enterprise/ parses it, store/ only keeps it.
 * SQLite only: the functions fail with BASE_E_USAGE on another backend.
 * The writer keeps its prepared statements for a whole import; call it
 * inside store_tx_begin()/store_tx_commit(). Iteration callbacks borrow the
 * row's strings for the call only.
 */
#ifndef SHUZHI_ENTERPRISE_STORE_H
#define SHUZHI_ENTERPRISE_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

struct store_ent_writer;

struct store_ent_row {
	int64_t id;
	int file;	   /* 0 = enterprises.csv; 1..11 child files */
	int64_t ent_id;	   /* enterprise row id (records) */
	const char *uscc;  /* enterprises */
	const char *rkey;  /* records of keyed files, else NULL */
	const char *canon; /* canonical row */
	long line;	   /* physical line in the import's file */
	int64_t import_id;
	int64_t ord; /* enterprises: output order */
	bool repaired;
};

struct store_ent_issue {
	int64_t import_id;
	const char *file;
	long line;
	const char *kind;   /* rejected | repaired | duplicate | superseded */
	const char *reason; /* malformed, bad_uscc, bad_field, orphan, … */
	const char *detail; /* Chinese explanation */
};

struct store_ent_warning {
	int64_t import_id;
	const char *uscc;
	const char *rule;
	const char *level;
	const char *evidence; /* "file.csv:LINE" items joined by ", " */
};

typedef int (*store_ent_warning_cb)(const struct store_ent_warning *w, void *arg);
typedef int (*store_ent_row_cb)(const struct store_ent_row *r, void *arg);
typedef int (*store_ent_issue_cb)(const struct store_ent_issue *i, void *arg);

int store_ent_writer_open(struct store *st, struct store_ent_writer **w, struct err *e);
void store_ent_writer_close(struct store_ent_writer *w);

int store_ent_import_add(struct store_ent_writer *w, const char *dir, int64_t now, int64_t *id,
			 struct err *e);
int store_ent_import_finish(struct store_ent_writer *w, int64_t id, const char *stats_json,
			    int64_t now, struct err *e);
int store_ent_enterprise_insert(struct store_ent_writer *w, const struct store_ent_row *r,
				int64_t *id, struct err *e);
/* Set canon, line, import and repaired of row r->id. */
int store_ent_enterprise_update(struct store_ent_writer *w, const struct store_ent_row *r,
				struct err *e);
int store_ent_record_insert(struct store_ent_writer *w, const struct store_ent_row *r,
			    struct err *e);
int store_ent_record_update(struct store_ent_writer *w, const struct store_ent_row *r,
			    struct err *e);
int store_ent_issue_add(struct store_ent_writer *w, const struct store_ent_issue *i, struct err *e);
int store_ent_warning_add(struct store_ent_writer *w, const struct store_ent_warning *wa,
			  struct err *e);

/* Enterprises in output order; records in id order. */
int store_ent_iter_enterprises(struct store *st, store_ent_row_cb cb, void *arg, struct err *e);
int store_ent_iter_records(struct store *st, store_ent_row_cb cb, void *arg, struct err *e);
/* Counters JSON of the newest finished import (kind 'import') (*json malloc'ed; NULL and
 * *id 0 when there is none). */
int store_ent_last_import(struct store *st, int64_t *id, char **json, struct err *e);
/* Issues of one import in (file order, line) order. */
int store_ent_iter_issues(struct store *st, int64_t import_id, store_ent_issue_cb cb, void *arg,
			  struct err *e);
/* Warnings of one import, by uscc and rule. */
int store_ent_iter_warnings(struct store *st, int64_t import_id, store_ent_warning_cb cb, void *arg,
			    struct err *e);
/* The finished snapshot (import or rules change) before import_id (0 when none). */
int store_ent_previous_import(struct store *st, int64_t import_id, int64_t *prev, struct err *e);

/* One enterprise by row id, or by normalised uscc when uscc != NULL (cb
 * is not called when there is none). */
int store_ent_get(struct store *st, int64_t id, const char *uscc, store_ent_row_cb cb, void *arg,
		  struct err *e);
/* The records of one enterprise, by file and line. */
int store_ent_iter_records_of(struct store *st, int64_t ent_id, store_ent_row_cb cb, void *arg,
			      struct err *e);
/* Enterprises whose uscc starts with code_prefix or whose name contains
 * name_part ("" matches all when both are ""), in output order, one page
 * [offset, offset + limit); *total: all matches. */
int store_ent_search(struct store *st, const char *code_prefix, const char *name_part,
		     int64_t offset, int64_t limit, store_ent_row_cb cb, void *arg, int64_t *total,
		     struct err *e);
/* Settings: *value malloc'ed, NULL when the key was never set. */
int store_ent_setting_get(struct store *st, const char *key, char **value, struct err *e);
int store_ent_setting_set(struct store *st, const char *key, const char *value, int64_t now,
			  const char *by, struct err *e);

/* ---- saved screening lists (sq_entlist.c) ---- */

struct store_ent_list {
	int64_t id;
	const char *name;
	int64_t owner_id;
	const char *owner;     /* username (read only) */
	int64_t department_id; /* 0: none */
	bool shared;	       /* visible to the owner's department */
	const char *filter;    /* the screening request (JSON text) */
	const char *as_of;     /* YYYY-MM-DD */
	int64_t matched;
	int64_t created_at;
};
typedef int (*store_ent_list_cb)(const struct store_ent_list *l, void *arg);
typedef int (*store_ent_item_cb)(int64_t rank, const char *uscc, const char *cells, int64_t ent_id,
				 void *arg);

/* BASE_E_CONFLICT when the owner has a list of that name. */
int store_ent_list_add(struct store *st, const struct store_ent_list *l, int64_t *id,
		       struct err *e);
int store_ent_list_item_add(struct store *st, int64_t list_id, int64_t rank, const char *uscc,
			    const char *cells, struct err *e);
/* The lists user_id may see: its own and the shared ones of its
 * department (all: every list), newest first. */
int store_ent_list_iter(struct store *st, int64_t user_id, int64_t department_id, bool all,
			store_ent_list_cb cb, void *arg, struct err *e);
int store_ent_list_get(struct store *st, int64_t id, store_ent_list_cb cb, void *arg,
		       struct err *e);
/* Items in rank order; ent_id 0 when the enterprise is no longer stored. */
int store_ent_list_items(struct store *st, int64_t id, store_ent_item_cb cb, void *arg,
			 struct err *e);
int store_ent_list_delete(struct store *st, int64_t id, struct err *e);
/* A refresh that replaces the saved membership (in the caller's
 * transaction): the items removed (store_ent_list_item_add follows), then
 * the list's as-of date and number matched set. */
int store_ent_list_items_clear(struct store *st, int64_t id, struct err *e);
int store_ent_list_refreshed(struct store *st, int64_t id, const char *as_of, int64_t matched,
			     struct err *e);

/* ---- warnings snapshots of rule changes (sq_entsnap.c, migration 15) ---- */

struct store_ent_snapshot {
	int64_t id;
	char kind[16];	/* "import" | "rules" */
	char actor[96]; /* who changed the rules ("" for imports) */
	int64_t at;	/* finished, ms */
	char *dir;	/* the import's folder ("" for a rules change) */
	char *stats;	/* JSON text */
};
/* A finished snapshot row of kind 'rules'; its warnings follow with
 * store_ent_warning_add (same transaction). */
int store_ent_snapshot_add(struct store *st, const char *actor, const char *stats, int64_t now,
			   int64_t *id, struct err *e);
int store_ent_snapshot_set_stats(struct store *st, int64_t id, const char *stats, struct err *e);
/* The newest finished snapshot of either kind (0 when none). */
int store_ent_last_snapshot(struct store *st, int64_t *id, struct err *e);
/* BASE_E_NOTFOUND when there is no such finished snapshot. */
int store_ent_snapshot_get(struct store *st, int64_t id, struct store_ent_snapshot *s,
			   struct err *e);
void store_ent_snapshot_free(struct store_ent_snapshot *s);

#endif
