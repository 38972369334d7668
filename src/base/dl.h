/*
 * base/dl: a shared library loaded with dlopen() and a table of its
 * functions filled by name (libcurl and libzip are loaded so only where
 * they are used: model/curl_dl.c, doc/zip.c).
 */
#ifndef SHUZHI_BASE_DL_H
#define SHUZHI_BASE_DL_H

#include <stddef.h>

struct base_dl_sym {
	const char *name;
	void *slot; /* address of a function pointer, filled by base_dl_load() */
};

/* dlopen(soname) and fill every slot of want[0..n). Returns the library
 * handle (kept for the life of the process), or NULL with why[0..why_len)
 * saying in Chinese what failed (nothing loaded then). */
void *base_dl_load(const char *soname, const struct base_dl_sym *want, size_t n, char *why,
		   size_t why_len);

#endif
