/*
 * libFuzzer target: the risk-rules configuration parser
 * (enterprise/ent_rules) on arbitrary bytes.
 *
 * Beyond "no crash, no leak", it aborts when a promise is broken: a
 * rejected text leaves the defaults and a Chinese message; an accepted one
 * has every level one of red/orange/yellow, and its difference object
 * parses again to the same configuration (the setting is stored that way).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enterprise/enterprise.h"

static void fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz_ent_rules: %s\n", what);
	abort();
}

static bool same(const struct ent_rules *a, const struct ent_rules *b)
{
	for (size_t k = 0; k < ENT_NRULES; k++) {
		if (a->r[k].enabled != b->r[k].enabled || a->r[k].param != b->r[k].param ||
		    strcmp(a->r[k].level, b->r[k].level) != 0)
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ent_rules rs, again;
	struct err e = {0};
	json_t *diff;
	char *text;

	if (ent_rules_parse((const char *)data, size, &rs, &e) != 0) {
		if (e.msg[0] == '\0')
			fuzz_fail("rejected without a message");
		if (!same(&rs, ent_rules_builtin()))
			fuzz_fail("a rejected text changed the rules");
		return 0;
	}
	for (size_t k = 0; k < ENT_NRULES; k++) {
		const char *l = rs.r[k].level;

		if (strcmp(l, "red") != 0 && strcmp(l, "orange") != 0 && strcmp(l, "yellow") != 0)
			fuzz_fail("accepted an unknown level");
	}
	diff = ent_rules_diff_json(&rs);
	text = json_dumps(diff, JSON_COMPACT);
	json_decref(diff);
	if (text == NULL)
		fuzz_fail("difference object not serialisable");
	if (ent_rules_parse(text, strlen(text), &again, &e) != 0 || !same(&rs, &again))
		fuzz_fail("difference object does not parse back to the same rules");
	free(text);
	return 0;
}
