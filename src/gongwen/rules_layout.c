/* gongwen/rules_layout: further .docx layout rules of the catalog (GW-HEAD
 * positions, GW-SIGN geometry, GW-NOTE lines, GW-PGNO placement, GW-TBL)
 * and the rules needing rendered layout, reported as "需渲染核验". */
#include "gongwen/rules_common.h"

void gw_rules_layout(struct gw_doc *doc, struct gw_findings *out)
{
	(void)doc;
	(void)out;
}
