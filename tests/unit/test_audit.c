/* work/audit: the hash chain, its serialization, tamper detection, and
 * concurrent appenders. */
#include <sodium.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db_fixture.h"
#include "test.h"
#include "work/audit.h"

#define DROP_TRIGGERS "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; "

static void append_n(struct db_fixture *f, int n)
{
	struct err e = {0};

	for (int i = 0; i < n; i++) {
		json_t *d = json_pack("{s:i,s:s}", "n", i, "名称", "测试");

		f->now += 1000;
		if (work_audit_append(&f->ctx, "test.event", "thing:1", d, &e) != 0)
			TEST_FAIL_AT("append: %s", e.msg);
		json_decref(d);
	}
}

static void verify(struct db_fixture *f, struct work_audit_report *r)
{
	struct err e = {0};

	if (work_audit_verify(f->st, r, &e) != 0)
		TEST_FAIL_AT("verify: %s", e.msg);
}

TEST(audit_empty_log_is_intact)
{
	struct db_fixture f;
	struct work_audit_report r;

	db_fixture_open(&f);
	verify(&f, &r);
	ASSERT_EQ(r.reason, WORK_AUDIT_INTACT);
	ASSERT_EQ(r.entries, 0);
	ASSERT_STR_EQ(r.head_hash, WORK_AUDIT_GENESIS);
	db_fixture_close(&f);
}

TEST(audit_chain_append_and_verify)
{
	struct db_fixture f;
	struct work_audit_report r;

	db_fixture_open(&f);
	append_n(&f, 10);
	verify(&f, &r);
	ASSERT_EQ(r.reason, WORK_AUDIT_INTACT);
	ASSERT_EQ(r.entries, 10);
	ASSERT_EQ(r.head_id, 10);
	ASSERT_EQ(strlen(r.head_hash), 64);
	db_fixture_close(&f);
}

/* Recompute entry 1 from the documented format with libsodium directly. */
TEST(audit_hash_matches_documented_format)
{
	static const char msg[] = "15:shuzhi-audit-v1,1:1,13:1700000001000,10:cli:tester,"
				  "8:dept.add,6:dept:1,17:{\"a\":1,\"b\":\"办\"},";
	struct db_fixture f;
	unsigned char zero[32] = {0}, digest[32];
	char hex[65];
	crypto_generichash_state h;
	struct work_audit_report r;
	struct err e = {0};
	json_t *d = json_pack("{s:s,s:i}", "b", "办", "a", 1); /* keys out of order */

	db_fixture_open(&f);
	f.now = 1700000001000;
	ASSERT_EQ(work_audit_append(&f.ctx, "dept.add", "dept:1", d, &e), 0);
	json_decref(d);
	crypto_generichash_init(&h, NULL, 0, 32);
	crypto_generichash_update(&h, zero, 32);
	crypto_generichash_update(&h, (const unsigned char *)msg, strlen(msg));
	crypto_generichash_final(&h, digest, 32);
	sodium_bin2hex(hex, sizeof(hex), digest, 32);
	verify(&f, &r);
	ASSERT_EQ(r.reason, WORK_AUDIT_INTACT);
	ASSERT_STR_EQ(r.head_hash, hex);
	db_fixture_close(&f);
}

TEST(audit_detects_edited_row)
{
	struct db_fixture f;
	struct work_audit_report r;

	db_fixture_open(&f);
	append_n(&f, 6);
	db_fixture_sql(&f, DROP_TRIGGERS "UPDATE audit_log SET detail = '{\"n\":9}' WHERE id = 4");
	verify(&f, &r);
	ASSERT_EQ(r.reason, WORK_AUDIT_EDITED);
	ASSERT_EQ(r.broken_id, 4);
	ASSERT_EQ(r.head_id, 3);
	ASSERT_CONTAINS(r.message, "第 4 条");
	db_fixture_close(&f);
}

TEST(audit_detects_edited_timestamp)
{
	struct db_fixture f;
	struct work_audit_report r;

	db_fixture_open(&f);
	append_n(&f, 3);
	db_fixture_sql(&f, DROP_TRIGGERS "UPDATE audit_log SET ts = ts + 1 WHERE id = 2");
	verify(&f, &r);
	ASSERT_EQ(r.reason, WORK_AUDIT_EDITED);
	ASSERT_EQ(r.broken_id, 2);
	db_fixture_close(&f);
}

TEST(audit_detects_deleted_row)
{
	struct db_fixture f;
	struct work_audit_report r;

	db_fixture_open(&f);
	append_n(&f, 6);
	db_fixture_sql(&f, DROP_TRIGGERS "DELETE FROM audit_log WHERE id IN (3, 4)");
	verify(&f, &r);
	ASSERT_EQ(r.reason, WORK_AUDIT_GAP);
	ASSERT_EQ(r.broken_id, 5);
	ASSERT_CONTAINS(r.message, "缺少第 3–4 条");
	db_fixture_close(&f);
}

/* Deleting a row and renumbering the rest hides the gap but not the link. */
TEST(audit_detects_deleted_and_renumbered_row)
{
	struct db_fixture f;
	struct work_audit_report r;

	db_fixture_open(&f);
	append_n(&f, 5);
	db_fixture_sql(&f, DROP_TRIGGERS "DELETE FROM audit_log WHERE id = 2;"
					 "UPDATE audit_log SET id = id - 1 WHERE id > 2");
	verify(&f, &r);
	ASSERT_EQ(r.reason, WORK_AUDIT_RELINK);
	ASSERT_EQ(r.broken_id, 2);
	db_fixture_close(&f);
}

TEST(audit_detects_swapped_rows)
{
	struct db_fixture f;
	struct work_audit_report r;

	db_fixture_open(&f);
	append_n(&f, 6);
	db_fixture_sql(&f, DROP_TRIGGERS "UPDATE audit_log SET id = -1 WHERE id = 3;"
					 "UPDATE audit_log SET id = 3 WHERE id = 5;"
					 "UPDATE audit_log SET id = 5 WHERE id = -1");
	verify(&f, &r);
	ASSERT_EQ(r.reason, WORK_AUDIT_RELINK);
	ASSERT_EQ(r.broken_id, 3);
	db_fixture_close(&f);
}

TEST(audit_log_is_append_only_for_the_program)
{
	struct db_fixture f;
	struct err e = {0};
	struct store_audit a = {
	    .id = 1, .actor = "x", .action = "y", .target = "z", .detail = "{}"};

	db_fixture_open(&f);
	append_n(&f, 1);
	/* Inserting over an existing id fails: a forked chain cannot be stored. */
	ASSERT_EQ(store_audit_insert(f.st, &a, &e), BASE_E_CONFLICT);
	db_fixture_close(&f);
}

TEST(audit_rejects_bad_entries)
{
	struct db_fixture f;
	struct err e = {0};
	json_t *arr = json_array();
	json_t *big = json_object();
	char *s = xmalloc(STORE_AUDIT_DETAIL_MAX + 1);

	db_fixture_open(&f);
	ASSERT_EQ(work_audit_append(&f.ctx, "x.y", "t", arr, &e), BASE_E_USAGE);
	err_clear(&e);
	ASSERT_EQ(work_audit_append(&f.ctx, "", "t", NULL, &e), BASE_E_USAGE);
	err_clear(&e);
	memset(s, 'a', STORE_AUDIT_DETAIL_MAX);
	s[STORE_AUDIT_DETAIL_MAX] = '\0';
	json_object_set_new(big, "s", json_string(s));
	ASSERT_EQ(work_audit_append(&f.ctx, "x.y", "t", big, &e), BASE_E_LIMIT);
	json_decref(arr);
	json_decref(big);
	free(s);
	db_fixture_close(&f);
}

TEST(audit_rollback_leaves_no_entry)
{
	struct db_fixture f;
	struct err e = {0};
	struct work_audit_report r;

	db_fixture_open(&f);
	ASSERT_EQ(store_tx_begin(f.st, &e), 0);
	ASSERT_EQ(work_audit_append_tx(&f.ctx, "x.y", "t", NULL, &e), 0);
	store_tx_rollback(f.st);
	verify(&f, &r);
	ASSERT_EQ(r.entries, 0);
	db_fixture_close(&f);
}

/* Four processes append at once through their own connections: the write
 * transaction serializes them, so the chain is one line of 4 × 25 entries. */
TEST(audit_concurrent_appenders_do_not_fork)
{
	struct db_fixture f;
	struct work_audit_report r;
	pid_t kids[4];

	db_fixture_open(&f);
	for (int k = 0; k < 4; k++) {
		kids[k] = fork();
		ASSERT(kids[k] >= 0);
		if (kids[k] == 0) {
			struct work_ctx ctx = {.actor = "cli:child"};
			struct err e = {0};
			int bad = 0;

			if (store_open(f.path, 0, &ctx.st, &e) != 0)
				_exit(2);
			for (int i = 0; i < 25; i++)
				bad +=
				    work_audit_append(&ctx, "test.concurrent", "t", NULL, &e) != 0;
			store_close(ctx.st);
			_exit(bad ? 1 : 0);
		}
	}
	for (int k = 0; k < 4; k++) {
		int status = 0;

		ASSERT_EQ(waitpid(kids[k], &status, 0), kids[k]);
		ASSERT(WIFEXITED(status));
		ASSERT_EQ(WEXITSTATUS(status), 0);
	}
	verify(&f, &r);
	ASSERT_EQ(r.reason, WORK_AUDIT_INTACT);
	ASSERT_EQ(r.entries, 100);
	ASSERT_EQ(r.head_id, 100);
	db_fixture_close(&f);
}
