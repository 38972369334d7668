/* work/employees internals shared by employees.c and tasks.c. */
#ifndef SHUZHI_WORK_EMPLOYEES_INTERNAL_H
#define SHUZHI_WORK_EMPLOYEES_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "work/work.h"

/* Commit when rc is 0, else roll back; returns the outcome. */
int emp_finish(const struct work_ctx *ctx, int rc, struct err *e);
/* Code points of s; (size_t)-1 for invalid UTF-8 or control characters
 * (newline, CR and tab allowed when multiline). */
size_t emp_text_chars(const char *s, bool multiline);

#endif
