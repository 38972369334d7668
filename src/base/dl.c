/* base/dl: see dl.h. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "base/dl.h"

void *base_dl_load(const char *soname, const struct base_dl_sym *want, size_t n, char *why,
		   size_t why_len)
{
	void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	if (lib == NULL) {
		const char *d = dlerror();

		snprintf(why, why_len, "%s", d != NULL ? d : "dlopen 失败");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		void *f = dlsym(lib, want[i].name);

		if (f == NULL) {
			snprintf(why, why_len, "缺少函数 %s", want[i].name);
			dlclose(lib);
			return NULL;
		}
		/* POSIX guarantees a function's address converts through void *. */
		memcpy(want[i].slot, &f, sizeof(f));
	}
	return lib;
}
