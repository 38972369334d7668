/* gongwen/rules_lexicon: lexicon rules of GW-TYPE and GW-LANG. */
#include "gongwen/rules_common.h"

void gw_rules_lexicon(struct gw_doc *doc, struct gw_findings *out)
{
	(void)doc;
	(void)out;
}
