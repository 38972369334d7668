/*
 * model/config_internal: what the parsers of the "model" object
 * (provider.c) and the "embedding" object (embed.c) share — the walk over
 * the JSON object with its size limit and messages, and the endpoint
 * checks after it. Internal to src/model.
 */
#ifndef SHUZHI_MODEL_CONFIG_INTERNAL_H
#define SHUZHI_MODEL_CONFIG_INTERNAL_H

#include <stddef.h>

#include <jansson.h>

#include "base/base.h"

/* set() answers MODEL_CONFIG_UNKNOWN for a key it does not know. */
#define MODEL_CONFIG_UNKNOWN (-1)

typedef int (*model_config_set_fn)(void *arg, const char *key, json_t *v, const char *src,
				   struct err *e);

/* text must be a JSON object of at most MODEL_CONFIG_MAX bytes without
 * duplicate keys; set() is called for each member in order and the walk
 * stops at the first error. what ("model") names the object in messages,
 * label ("模型配置项") an unknown key. */
int model_config_walk(const char *text, size_t len, const char *what, const char *label,
		      const char *src, model_config_set_fn set, void *arg, struct err *e);

/* After a walk: base_url starts with http:// or https:// (url_example in
 * the message), a model name is given (model_hint), and base_url loses its
 * trailing slashes. */
int model_config_endpoint(char *base_url, const char *model, const char *what,
			  const char *url_example, const char *model_hint, const char *src,
			  struct err *e);

/* The object `what` of the config file at path, as compact JSON text
 * (free it), with the message source "配置文件 PATH" in src. A missing
 * object is BASE_E_NOTFOUND. */
int model_config_file_object(const char *path, const char *what, char **text, char *src,
			     size_t srcsize, struct err *e);

#endif
