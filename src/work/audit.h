/*
 * work/audit: the tamper-evident, hash-chained audit log.
 *
 * Entry i has id i (1, 2, 3 … without gaps), ts (Unix ms), actor, action,
 * target, detail (a JSON object, stored canonical), prev_hash and hash:
 *
 *   prev_hash(1) = 64 × "0"
 *   prev_hash(i) = hash(i - 1)
 *   hash(i)      = hex(BLAKE2b-256(P || F("shuzhi-audit-v1") || F(id) || F(ts) ||
 *                                  F(actor) || F(action) || F(target) || F(detail)))
 *
 * where P is prev_hash(i) decoded to its 32 raw bytes, F(x) is the decimal
 * byte length of x in ASCII, ':', the bytes of x and ',' (a netstring, so no
 * two different entries serialize alike), id and ts are written in decimal
 * ASCII without leading zeros (ts may be negative: '-' then digits), and
 * detail is the JSON object as jansson prints it with JSON_COMPACT |
 * JSON_SORT_KEYS (keys sorted bytewise, no whitespace, UTF-8 unescaped).
 * The stored detail text is exactly those bytes; verify hashes what is
 * stored, so even a formatting-only edit is caught. hex is lowercase.
 *
 * Appends run inside a store write transaction (SQLite BEGIN IMMEDIATE):
 * reading the head and inserting id = head + 1 cannot interleave with
 * another appender, so the chain never forks.
 *
 * What the chain proves: any edit, deletion or reordering of rows before
 * the newest one. It cannot by itself detect truncation of the newest
 * entries or a full recomputation by someone with write access to the file;
 * record the head (id and hash printed by `audit verify`) elsewhere to
 * anchor it.
 */
#ifndef SHUZHI_WORK_AUDIT_H
#define SHUZHI_WORK_AUDIT_H

#include <jansson.h>

#include "work/work.h"

#define WORK_AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* Append one entry inside the caller's open store transaction. detail is
 * borrowed (NULL: {}); it must be a JSON object. */
int work_audit_append_tx(const struct work_ctx *ctx, const char *action, const char *target,
			 const json_t *detail, struct err *e);
/* The same in a transaction of its own. */
int work_audit_append(const struct work_ctx *ctx, const char *action, const char *target,
		      const json_t *detail, struct err *e);

/* hash(i) as above into out (65 bytes, NUL-terminated). prev_hex must be
 * 64 hex digits; returns BASE_E_FORMAT otherwise. */
int work_audit_hash(const char *prev_hex, const struct store_audit *a, char out[STORE_HASH_HEX + 1],
		    struct err *e);

enum work_audit_break {
	WORK_AUDIT_INTACT = 0,
	WORK_AUDIT_GAP,	   /* ids jump: rows before this one were deleted */
	WORK_AUDIT_RELINK, /* prev_hash is not the previous row's hash: deleted or reordered */
	WORK_AUDIT_EDITED  /* the row's content no longer matches its hash */
};

struct work_audit_report {
	int64_t entries;   /* rows checked, including the broken one */
	int64_t broken_id; /* id of the first broken row, 0 when intact */
	int reason;	   /* enum work_audit_break */
	int64_t expected_id;
	int64_t head_id; /* last intact row */
	char head_hash[STORE_HASH_HEX + 1];
	char message[256]; /* Chinese explanation of the first break */
};

/* Walk the whole chain in id order and stop at the first broken link.
 * Returns 0 when the walk completed (intact or not: see r->reason), or a
 * negative code when the log could not be read. */
int work_audit_verify(struct store *st, struct work_audit_report *r, struct err *e);
/* Stable English keyword for a break reason ("intact", "gap", "relinked",
 * "edited"), for --json output. */
const char *work_audit_reason_key(int reason);

#endif
