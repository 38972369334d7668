/* model/curl_dl: libcurl, loaded with dlopen() when the first model client
 * or diagnosis needs it.
 *
 * Linking libcurl pulls some 27 further shared libraries into every process
 * (TLS, Kerberos, LDAP, SSH, IDN, ...), and every `shuzhi` command paid for
 * mapping and relocating them at start-up — about half of a CLI command's
 * start — although only the model gateway uses HTTP. Loading libcurl on
 * first use leaves that cost to the processes that call a model.
 *
 * The API is libcurl's own (the headers are still compiled against); only
 * the calls go through this table. */
#ifndef SHUZHI_MODEL_CURL_DL_H
#define SHUZHI_MODEL_CURL_DL_H

#include <curl/curl.h>

#include "base/base.h"

struct curl_api {
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
	CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
	CURLcode (*easy_perform)(CURL *h);
	void (*easy_cleanup)(CURL *h);
	const char *(*easy_strerror)(CURLcode res);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_setopt)(CURLM *m, CURLMoption opt, ...);
	CURLMcode (*multi_socket_action)(CURLM *m, curl_socket_t s, int ev, int *running);
	CURLMcode (*multi_assign)(CURLM *m, curl_socket_t s, void *p);
	CURLMcode (*multi_add_handle)(CURLM *m, CURL *h);
	CURLMcode (*multi_remove_handle)(CURLM *m, CURL *h);
	CURLMsg *(*multi_info_read)(CURLM *m, int *left);
	CURLMcode (*multi_cleanup)(CURLM *m);
};

/* libcurl's functions, loaded (and curl_global_init() run) once per
 * process, thread-safely. NULL when the library or one of its functions
 * cannot be loaded: e then names the library and the loader's reason, and
 * every later call gives the same answer. */
const struct curl_api *curl_api_get(struct err *e);

/* The same table, for calls made after curl_api_get() has succeeded in
 * this process (a client exists, or the call follows a successful get). */
extern struct curl_api curl_fn;

#endif
