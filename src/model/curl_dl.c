/* model/curl_dl: libcurl loaded on first use (see curl_dl.h). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

#include "base/dl.h"
#include "model/curl_dl.h"

/* Debian's libcurl4 package (OpenSSL) provides this soname; libcurl3-gnutls
 * ships libcurl-gnutls.so.4 instead, which this build does not use. */
#define CURL_DL_SONAME "libcurl.so.4"

static pthread_once_t once = PTHREAD_ONCE_INIT;
struct curl_api curl_fn;
static bool loaded;
static char why[256];

static void load(void)
{
	CURLcode (*global_init)(long flags) = NULL;
	void *lib;
	const struct base_dl_sym want[] = {
	    {"curl_global_init", &global_init},
	    {"curl_easy_init", &curl_fn.easy_init},
	    {"curl_easy_setopt", &curl_fn.easy_setopt},
	    {"curl_easy_getinfo", &curl_fn.easy_getinfo},
	    {"curl_easy_perform", &curl_fn.easy_perform},
	    {"curl_easy_cleanup", &curl_fn.easy_cleanup},
	    {"curl_easy_strerror", &curl_fn.easy_strerror},
	    {"curl_slist_append", &curl_fn.slist_append},
	    {"curl_slist_free_all", &curl_fn.slist_free_all},
	    {"curl_multi_init", &curl_fn.multi_init},
	    {"curl_multi_setopt", &curl_fn.multi_setopt},
	    {"curl_multi_socket_action", &curl_fn.multi_socket_action},
	    {"curl_multi_assign", &curl_fn.multi_assign},
	    {"curl_multi_add_handle", &curl_fn.multi_add_handle},
	    {"curl_multi_remove_handle", &curl_fn.multi_remove_handle},
	    {"curl_multi_info_read", &curl_fn.multi_info_read},
	    {"curl_multi_cleanup", &curl_fn.multi_cleanup},
	};

	lib = base_dl_load(CURL_DL_SONAME, want, sizeof(want) / sizeof(want[0]), why, sizeof(why));
	if (lib == NULL)
		return;
	if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(why, sizeof(why), "curl_global_init 失败");
		dlclose(lib);
		return;
	}
	loaded = true; /* lib stays loaded for the life of the process */
}

const struct curl_api *curl_api_get(struct err *e)
{
	pthread_once(&once, load);
	if (!loaded) {
		err_set(e, BASE_E_INTERNAL, "无法加载 HTTP 客户端库 %s（模型调用不可用）：%s",
			CURL_DL_SONAME, why);
		return NULL;
	}
	return &curl_fn;
}
