/*
 * store/settings: runtime settings an administrator changed in the web UI
 * (table settings, migration 13). One row per key: the value as JSON text
 * ("30", "\"http://…\"", "true"), when and by whom it was set. Which keys
 * exist and what they may hold is decided by server/ (settings.c), not
 * here; a key without a row falls back to the config file or the default.
 * Rows may hold a secret (the model's API key): never log values.
 */
#ifndef SHUZHI_SETTINGS_STORE_H
#define SHUZHI_SETTINGS_STORE_H

#include <stdint.h>

#include "store/store.h"

#define STORE_SETTING_KEY_MAX	64
#define STORE_SETTING_VALUE_MAX (8 * 1024)

/* Schema of the settings table (migration 13). */
extern const char store_sq_settings_schema[];

/* Called per row, in key order; non-zero stops the walk with that code. */
typedef int (*store_setting_cb)(const char *key, const char *value, int64_t updated_at,
				const char *updated_by, void *arg);
int store_settings_iter(struct store *st, store_setting_cb cb, void *arg, struct err *e);
/* Insert or replace one row. Run inside the caller's transaction when the
 * change is audited together with it. */
int store_setting_put(struct store *st, const char *key, const char *value, int64_t now,
		      const char *by, struct err *e);
/* Remove a row (back to the config file or the default); absent is fine. */
int store_setting_delete(struct store *st, const char *key, struct err *e);

#endif
