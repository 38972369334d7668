/*
 * enterprise internals: the file schema (README §1), a string hash map and
 * the in-memory data set the evaluation runs on. Only enterprise/ and its
 * tests include this.
 */
#ifndef SHUZHI_ENT_INTERNAL_H
#define SHUZHI_ENT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "enterprise/ent_field.h"
#include "enterprise/enterprise.h"

#define ENT_COLS_MAX 11
#define ENT_SEP	     '\x1f' /* joins the fields of a canonical row */

enum {
	ENT_F_ENTERPRISES,
	ENT_F_FINANCIALS,
	ENT_F_TAX,
	ENT_F_SI,
	ENT_F_UT,
	ENT_F_PENALTIES,
	ENT_F_ABNORMAL,
	ENT_F_DISHONEST,
	ENT_F_COURT,
	ENT_F_IP,
	ENT_F_CERT,
	ENT_F_EQUITY
};

struct ent_col {
	const char *name;
	enum ent_type type;
	bool mandatory;
};

struct ent_file_spec {
	const char *name;
	size_t ncols;
	int key_col; /* -1: event file; 0: keyed by uscc; k: keyed by (uscc, column k) */
	struct ent_col cols[ENT_COLS_MAX];
};

extern const struct ent_file_spec ent_files[ENT_NFILES];

/* String -> int64 hash map; keys are copied into the map's arena. */
struct ent_map;
struct ent_map *ent_map_new(void);
void ent_map_free(struct ent_map *m);
/* Pointer to the value of key (inserted with value init when absent; *found
 * tells which). The pointer is valid until the next insertion. */
int64_t *ent_map_put(struct ent_map *m, const char *key, size_t len, int64_t init, bool *found);
int64_t *ent_map_get(struct ent_map *m, const char *key, size_t len);
uint64_t ent_hash(const char *s, size_t len);

/* One table of typed rows: v[row * stride + 0] = enterprise index,
 * [1] = line, [2 + c - 1] = value of column c (c >= 1). */
struct ent_table {
	size_t n, cap, stride;
	int64_t *v;
	size_t *start; /* rows of enterprise i: [start[i], start[i + 1]) once grouped */
};

struct ent_company {
	char uscc[19];
	long line;
	int64_t v[ENT_COLS_MAX]; /* typed values of enterprises.csv */
	char *name;		 /* canonical text (malloc'ed) */
	char industry[6];	 /* 2017 code or "" */
};

struct ent_dataset {
	size_t n;
	struct ent_company *c;
	struct ent_table t[ENT_NFILES];
};

/* Split a canonical row into typed values (v[0] unused for the uscc). */
int ent_canon_parse(int file, const char *canon, int64_t *v, const char **fields, size_t *flen);
/* Load every stored enterprise and record, grouped (free with ent_dataset_free). */
int ent_dataset_load(struct store *st, struct ent_dataset *d, struct err *e);
void ent_dataset_free(struct ent_dataset *d);
/* Group table rows by enterprise (counting sort, stable). */
void ent_dataset_group(struct ent_dataset *d);
/* Evaluate every enterprise as of as_of and write the JSON entries. */
void ent_eval_write(const struct ent_dataset *d, int64_t as_of, FILE *out);

#endif
