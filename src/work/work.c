/* work: the context shared by people and audit. */
#include <time.h>

#include "work/work.h"

int64_t work_now(const struct work_ctx *ctx)
{
	struct timespec ts;

	if (ctx != NULL && ctx->clock != NULL)
		return ctx->clock(ctx->clock_arg);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
