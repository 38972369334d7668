/* gongwen/rules_extra: the remaining catalog rules (see the file's table). */
#include "gongwen/rules_common.h"

void gw_rules_extra(struct gw_doc *doc, struct gw_findings *out)
{
	(void)doc;
	(void)out;
}

bool gw_extra_fix(struct gw_doc *doc, const struct gw_finding *f)
{
	(void)doc;
	(void)f;
	return false;
}
