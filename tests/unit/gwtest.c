/* Helpers for 公文 rule tests. See gwtest.h. */
#include "gwtest.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

void gwtest_open(struct gwtest *c, const char *text)
{
	struct err e = {0};
	int fd;

	snprintf(c->path, sizeof(c->path), "/tmp/shuzhi-gw-XXXXXX.txt");
	fd = mkstemps(c->path, 4);
	ASSERT(fd >= 0);
	ASSERT_EQ(write(fd, text, strlen(text)), (long)strlen(text));
	close(fd);
	gw_profile_national(&c->prof);
	ASSERT_EQ(gw_doc_open(c->path, &c->prof, &c->doc, &e), 0);
	gw_findings_init(&c->f);
	gw_check(&c->doc, &c->f);
}

void gwtest_close(struct gwtest *c)
{
	gw_findings_free(&c->f);
	gw_doc_free(&c->doc);
	unlink(c->path);
}

const struct gw_finding *gwtest_find(const struct gwtest *c, const char *rule, long para)
{
	for (size_t i = 0; i < c->f.n; i++) {
		if (strcmp(c->f.v[i].rule, rule) == 0 && c->f.v[i].para == para &&
		    c->f.v[i].severity != GW_SEV_INFO)
			return &c->f.v[i];
	}
	return NULL;
}

const struct gw_finding *gwtest_find_any(const struct gwtest *c, const char *rule)
{
	for (size_t i = 0; i < c->f.n; i++) {
		if (strcmp(c->f.v[i].rule, rule) == 0)
			return &c->f.v[i];
	}
	return NULL;
}

char *gwtest_line(const struct gwtest *c, size_t para)
{
	ASSERT(para < c->doc.n);
	return ustr_to_utf8(&c->doc.paras[para].text, 0, c->doc.paras[para].text.len);
}

char *gwtest_fixed_line(struct gwtest *c, size_t para)
{
	struct gw_fix_report rep;
	struct err e = {0};

	memset(&rep, 0, sizeof(rep));
	buf_init(&rep.log, 1 << 20);
	ASSERT_EQ(gw_fix(&c->doc, false, &rep, &e), 0);
	buf_free(&rep.log);
	return gwtest_line(c, para);
}
