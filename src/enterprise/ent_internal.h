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
	int64_t id; /* ent_enterprise row id (0 when not loaded from the store) */
	char uscc[19];
	long line;
	int64_t v[ENT_COLS_MAX]; /* typed values of enterprises.csv */
	char *name;		 /* canonical text (malloc'ed) */
	char industry[6];	 /* 2017 code or "" */
	char region[7];		 /* GB/T 2260 code or "" */
};

struct ent_dataset {
	size_t n;
	struct ent_company *c;
	struct ent_table t[ENT_NFILES];
};

/* Evaluation (README R3-R7). */
enum {
	ENT_R_DISHONEST,
	ENT_R_TAX_D,
	ENT_R_STATUS,
	ENT_R_ABNORMAL,
	ENT_R_SI_ARREARS,
	ENT_R_PENALTIES,
	ENT_R_LITIGATION_30,
	ENT_R_HEADCOUNT,
	ENT_R_ELECTRICITY,
	ENT_R_TAX_C,
	ENT_R_LITIGATION_3,
	ENT_R_COUNT
};

#define ENT_EV_MAX 256 /* evidence rows kept per flag */
struct ent_flag {
	bool on;
	size_t n;
	int file[ENT_EV_MAX];
	long line[ENT_EV_MAX];
};

struct ent_ctx {
	int64_t as_of, y1, y2, y3;     /* YYYYMMDD: the date and 1/2/3 years back */
	int64_t am;		       /* month index of as_of */
	int last_fy;		       /* latest usable financial / tax year */
	const struct ent_rules *rules; /* the risk rules (ent_ctx_init: the defaults) */
};

struct ent_result {
	int cx_score, ind[6]; /* ip, rd_ratio, growth, debt_ratio, strategic, main_business_share */
	bool cx_pass, direct_cert, direct_equity;
	int year; /* latest financial year L, -1: none */
	bool age_ok, rd_ok, rev_ok;
	int credit, dim[5];
	char grade, base;
	bool red;
	unsigned certs;	   /* bit ENT_CERT_* set: a certification of that kind valid at as_of */
	int64_t revenue;   /* year L, fixed point (ENT_UNKNOWN) */
	int64_t headcount; /* latest insured_count in 12 months (ENT_UNKNOWN) */
	int64_t growth_bp; /* MBR growth in 1/100 % (ENT_UNKNOWN) */
	struct ent_flag fl[ENT_R_COUNT];
};

void ent_ctx_init(struct ent_ctx *x, int64_t as_of);
void ent_eval_one(const struct ent_dataset *d, const struct ent_ctx *x, size_t i,
		  struct ent_result *res);

/* Split a canonical row into typed values (v[0] unused for the uscc). */
int ent_canon_parse(int file, const char *canon, int64_t *v, const char **fields, size_t *flen);
/* Load every stored enterprise and record, grouped (free with ent_dataset_free). */
/* ent_import.c: the flags of every stored enterprise as of as_of under
 * the stored rules, written as the warnings of snapshot snap_id with w (in
 * the caller's transaction); *count: how many. */
struct store_ent_writer;
int ent_snapshot_flags(struct store *st, struct store_ent_writer *w, int64_t snap_id, int64_t as_of,
		       long *count, struct err *e);
int ent_dataset_load(struct store *st, struct ent_dataset *d, struct err *e);
void ent_dataset_free(struct ent_dataset *d);
/* Load one stored enterprise (row id, or uscc when not NULL) and its
 * records; d->n is 0 when there is none. */
int ent_dataset_load_one(struct store *st, int64_t id, const char *uscc, struct ent_dataset *d,
			 struct err *e);
/* Group table rows by enterprise (counting sort, stable). */
void ent_dataset_group(struct ent_dataset *d);
/* Evaluate every enterprise as of as_of and write the JSON entries. */
void ent_eval_write(const struct ent_dataset *d, const struct ent_ctx *x, FILE *out);

#endif
