/* scenario/prose_prompt: the messages of a model prose request (see
 * scn_prose_messages in scenario.h), shared by the CLI and the server. */
#include <stdlib.h>

#include "scenario/scenario.h"

void scn_prose_messages(const char *instruction, const char *draft, const json_t *ctx,
			struct buf *sys, struct buf *user)
{
	json_t *facts = json_deep_copy(ctx);
	char *facts_s;

	json_object_del(facts, "data");
	facts_s = json_dumps(facts, JSON_INDENT(1) | JSON_SORT_KEYS);
	json_decref(facts);
	buf_addf(sys,
		 "你是政府机关的文字工作助手。%s\n"
		 "只依据用户给出的信息写作，不得编造事实、数字、人名、文号和日期；"
		 "信息不足之处写“〔待补充：……〕”。只输出正文，每段一行，不要标题、主送机关、"
		 "落款和成文日期，不要使用 Markdown。形如〔姓名1〕的占位符原样保留。",
		 instruction ? instruction : "");
	buf_addf(user, "信息（JSON）：\n%s\n\n模板稿（可在此基础上改写、润色、补充衔接）：\n%s",
		 facts_s ? facts_s : "{}", draft ? draft : "");
	free(facts_s);
}
