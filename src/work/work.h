/*
 * work: people (users, departments) and the audit chain today; digital
 * employees, guardians, tasks and reviews later. Built on store/.
 *
 * A struct work_ctx says who acts and what time it is: every state change
 * made through work/ is written together with its audit entry in one store
 * transaction, with ctx->actor as the entry's actor. The clock is injectable
 * so lockout windows can be tested without sleeping. The caller owns the
 * context and everything it points to.
 */
#ifndef SHUZHI_WORK_H
#define SHUZHI_WORK_H

#include <stdint.h>

#include "store/store.h"

struct work_ctx {
	struct store *st;
	const char *actor;	     /* "cli:alice" (OS user), "user:zhang" (web) */
	int64_t (*clock)(void *arg); /* Unix ms; NULL: the wall clock */
	void *clock_arg;
};

/* Current time in Unix milliseconds, from ctx->clock or the wall clock. */
int64_t work_now(const struct work_ctx *ctx);

#endif
