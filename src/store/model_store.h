/*
 * store/model: token usage of model calls (table model_usage, migration 5).
 * One row per call through the gateway: who, which endpoint and model, how
 * it ended, tokens, timings, and the reasoning text (kept for the record;
 * never sent back to a model or put into documents). Rows are only added.
 */
#ifndef SHUZHI_MODEL_STORE_H
#define SHUZHI_MODEL_STORE_H

#include <stdint.h>

#include "store/store.h"

#define STORE_MODEL_REASONING_MAX (64 * 1024) /* bytes of reasoning kept per call */

struct store_model_usage {
	int64_t ts; /* ms since the epoch */
	int64_t user_id;
	int64_t department_id; /* 0: none */
	const char *provider;
	const char *model;
	const char *status; /* "done", "error", "aborted" */
	int64_t prompt_tokens;
	int64_t completion_tokens;
	int64_t reasoning_tokens;
	int64_t first_token_ms;
	int64_t duration_ms;
	const char *reasoning; /* cut to STORE_MODEL_REASONING_MAX by the caller */
	int64_t employee_id;   /* 0: not for a digital employee (column of migration 11) */
};

int store_model_usage_add(struct store *st, const struct store_model_usage *u, int64_t *id,
			  struct err *e);
/* Tokens (prompt + completion) of the model calls made for employee emp_id
 * since a time (ms): model_usage.employee_id, added by migration 11. */
int store_emp_tokens_since(struct store *st, int64_t emp_id, int64_t since, int64_t *tokens,
			   struct err *e);
/* Tokens (prompt + completion) a user used since a time (ms). */
int store_model_usage_tokens_since(struct store *st, int64_t user_id, int64_t since,
				   int64_t *tokens, struct err *e);

#endif
