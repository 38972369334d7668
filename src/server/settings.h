/*
 * server/settings: runtime settings — an allow-listed set of keys an
 * administrator may change in the web UI (系统设置) without a restart,
 * stored in the database (store/settings_store.h) and applied live.
 *
 * Layers, each overriding the one before (docs/OPERATIONS.md):
 *   defaults < config file < database (this module) < environment < command line.
 * A key the environment or the command line set is pinned: shown with its
 * source, not editable here. Values are checked with the same tables as the
 * config file (config.c cfg_keys for server keys, model/provider.c pv_keys
 * for "model.*" keys). model.api_key is write-only: never returned, logged
 * or audited in clear ("***").
 */
#ifndef SHUZHI_SERVER_SETTINGS_H
#define SHUZHI_SERVER_SETTINGS_H

#include <jansson.h>

#include "server/server.h"
#include "store/store.h"
#include "work/work.h"

/* The effective configuration: base (defaults, file, environment, command
 * line) with the database rows over it. On an invalid combination of rows
 * (a row written by an older version, say) *out is base and e says why. */
int server_settings_compose(const struct server_config *base, struct store *st,
			    struct server_config *out, struct err *e);
/* The GET /api/settings view: {"settings":[{key, section, label, type,
 * value, default, source, editable, min, max, choices, set}], "model_configured"}. */
json_t *server_settings_view(const struct server_config *base, const struct server_config *live,
			     struct store *st, struct err *e);
/*
 * Apply changes ({"key": value or null to drop the database row}): check
 * every key (allowed, not pinned, type, range, the combination), write the
 * rows and one audit entry "settings.update" (each changed key with old and
 * new values, the API key as "***") in one transaction, and give the new
 * effective configuration in *out. BASE_E_USAGE with a Chinese message
 * naming the key when something is wrong; nothing is written then.
 */
int server_settings_update(const struct work_ctx *ctx, const struct server_config *base,
			   const struct server_config *live, const json_t *changes,
			   struct server_config *out, size_t *changed, struct err *e);
/* The configuration changes would give, without writing (the connection
 * test of unsaved values). */
int server_settings_preview(const struct server_config *base, struct store *st,
			    const json_t *changes, struct server_config *out, struct err *e);

#endif
