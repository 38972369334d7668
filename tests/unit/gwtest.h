/* Helpers for 公文 rule tests: write a .txt, check it, look up findings,
 * fix it. Shared by test_gongwen_rules.c and test_gongwen_extra.c. */
#ifndef SHUZHI_TEST_GWTEST_H
#define SHUZHI_TEST_GWTEST_H

#include "gongwen/gongwen.h"

struct gwtest {
	char path[64];
	struct gw_profile prof;
	struct gw_doc doc;
	struct gw_findings f;
};

/* Write text as a temporary .txt, open it with the national profile, check. */
void gwtest_open(struct gwtest *c, const char *text);
void gwtest_close(struct gwtest *c);
/* A non-info finding of rule at paragraph para, or NULL. */
const struct gw_finding *gwtest_find(const struct gwtest *c, const char *rule, long para);
/* Any finding of rule (any paragraph, any severity), or NULL. */
const struct gw_finding *gwtest_find_any(const struct gwtest *c, const char *rule);
/* Text of paragraph para (caller frees). */
char *gwtest_line(const struct gwtest *c, size_t para);
/* Run gw_fix, then return paragraph para's text (caller frees). */
char *gwtest_fixed_line(struct gwtest *c, size_t para);

#endif
