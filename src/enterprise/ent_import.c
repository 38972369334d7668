/* enterprise/import: README R1 (reading, shape, key, rejects, repairs,
 * duplicates) and the merge into the database; see enterprise.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "enterprise/ent_csv.h"
#include "enterprise/ent_internal.h"
#include "store/enterprise_store.h"
#include "work/audit.h"

#define DETAIL_MAX 1024 /* bytes of one issue's explanation */
#define RAW_SHOWN  48	/* bytes of a raw value quoted in a message */

struct file_stats {
	long rows, accepted, repaired, duplicates, superseded, rejected;
	long malformed, bad_uscc, bad_field, orphan;
	long inserted, updated, unchanged;
};

/* A row kept after the in-file rules (the last of its key). */
struct kept {
	char *canon;
	char *rkey; /* keyed child files: the second key part; NULL otherwise */
	char uscc[19];
	long line;
	char *detail; /* repairs, when repaired */
	bool live;    /* false once superseded */
};

/* Database state loaded before the merge. */
struct db_row {
	int64_t id;
	uint64_t hash; /* of the canonical row */
	long line;
};

struct importer {
	struct store *st;
	struct store_ent_writer *w;
	const struct ent_import_opts *o;
	int64_t import_id;
	struct ent_map *ent_ids; /* uscc -> enterprise row id */
	int64_t next_ord;
	struct ent_map *db_keys; /* "file\x1e" key or canonical row -> index in db */
	struct db_row *db;
	size_t ndb, dbcap;
	size_t ndb_loaded; /* rows that were in the database before this import */
	struct file_stats fs[ENT_NFILES];
	uint64_t last_progress;
	struct err *e;
};

static void show_raw(struct buf *b, const char *raw, size_t len)
{
	size_t n = len;

	if (n > RAW_SHOWN) {
		n = RAW_SHOWN;
		while (n > 0 && ((unsigned char)raw[n] & 0xC0) == 0x80)
			n--;
	}
	buf_addc(b, '"');
	for (size_t i = 0; i < n; i++)
		buf_addc(b, (unsigned char)raw[i] < 0x20 ? ' ' : raw[i]);
	buf_adds(b, n < len ? "…\"" : "\"");
}

static int add_issue(struct importer *im, int file, long line, const char *kind, const char *reason,
		     const char *detail)
{
	struct store_ent_issue is = {im->import_id, ent_files[file].name, line, kind, reason,
				     detail};

	if (im->o->issues_csv != NULL) {
		FILE *f = im->o->issues_csv;

		fprintf(f, "%s,%ld,%s,%s,\"", ent_files[file].name, line, kind, reason);
		for (const char *p = detail; *p; p++) {
			if (*p == '"')
				fputc('"', f);
			fputc(*p, f);
		}
		fputs("\"\n", f);
	}
	return store_ent_issue_add(im->w, &is, im->e);
}

static void progress(struct importer *im, int file, size_t done, size_t total, long rows)
{
	uint64_t now = base_now_ns();

	if (!im->o->progress)
		return;
	if (im->last_progress == 0) {
		im->last_progress = now;
		return;
	}
	if (now - im->last_progress < 2000000000ULL)
		return;
	im->last_progress = now;
	fprintf(stderr, "企业数据导入：%s 已读 %ld 行（%.0f%%）\n", ent_files[file].name, rows,
		total ? 100.0 * (double)done / (double)total : 100.0);
}

/* Map the file read-only; *data NULL for an empty file. -1: no such file. */
static int map_file(const char *path, char **data, size_t *len, struct err *e)
{
	struct stat sb;
	int fd;
	void *p;

	*data = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return -1;
		return err_set(e, BASE_E_IO, "%s: 无法读取（%s）", path, strerror(errno));
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return err_set(e, BASE_E_IO, "%s: 不是普通文件", path);
	}
	if ((size_t)sb.st_size > ENT_FILE_MAX) {
		close(fd);
		return err_set(e, BASE_E_LIMIT, "%s: 文件超过 %zu GB 上限", path,
			       ENT_FILE_MAX >> 30);
	}
	if (sb.st_size == 0) {
		close(fd);
		return 0;
	}
	p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return err_set(e, BASE_E_IO, "%s: 无法读取（%s）", path, strerror(errno));
	madvise(p, (size_t)sb.st_size, MADV_SEQUENTIAL);
	*data = p;
	*len = (size_t)sb.st_size;
	return 0;
}

/* Header name: NFKC, trimmed, lower-case (R1.1). */
static void header_name(const char *raw, size_t len, char *out, size_t cap)
{
	size_t n = 0;

	if (ent_field_clean(raw, len, out, cap, &n) != 0)
		n = 0;
	for (size_t i = 0; i < n; i++) {
		if (out[i] >= 'A' && out[i] <= 'Z')
			out[i] = (char)(out[i] - 'A' + 'a');
	}
	out[n] = '\0';
}

/* ---- database state ---- */

static size_t db_add(struct importer *im, int64_t id, const char *canon, long line)
{
	if (im->ndb == im->dbcap)
		im->db = xgrow(im->db, &im->dbcap, im->ndb + 1, sizeof(*im->db));
	im->db[im->ndb].id = id;
	im->db[im->ndb].hash = ent_hash(canon, strlen(canon));
	im->db[im->ndb].line = line;
	return im->ndb++;
}

/* Key of a stored row in db_keys: file number, then the key or the row. */
static void db_key(struct buf *b, int file, const char *uscc, const char *rkey, const char *canon)
{
	buf_reset(b);
	buf_addc(b, (char)('A' + file));
	if (ent_files[file].key_col >= 0) {
		buf_adds(b, uscc);
		if (rkey != NULL) {
			buf_addc(b, '\x1e');
			buf_adds(b, rkey);
		}
	} else {
		buf_adds(b, canon);
	}
}

struct load_ctx {
	struct importer *im;
	struct buf key;
	char **uscc_of; /* enterprise id -> uscc (for records) */
	size_t nuscc;
};

static int load_ent_cb(const struct store_ent_row *r, void *arg)
{
	struct load_ctx *lc = arg;
	struct importer *im = lc->im;
	bool found;
	size_t idx = db_add(im, r->id, r->canon, r->line);

	*ent_map_put(im->ent_ids, r->uscc, strlen(r->uscc), r->id, &found) = r->id;
	db_key(&lc->key, ENT_F_ENTERPRISES, r->uscc, NULL, r->canon);
	*ent_map_put(im->db_keys, lc->key.p, lc->key.len, 0, &found) = (int64_t)idx;
	if (r->ord >= im->next_ord)
		im->next_ord = r->ord + 1;
	if ((size_t)r->id >= lc->nuscc) {
		size_t old = lc->nuscc;

		lc->nuscc = (size_t)r->id * 2 + 16;
		lc->uscc_of = xrealloc(lc->uscc_of, lc->nuscc * sizeof(*lc->uscc_of));
		memset(lc->uscc_of + old, 0, (lc->nuscc - old) * sizeof(*lc->uscc_of));
	}
	lc->uscc_of[r->id] = xstrdup(r->uscc);
	return 0;
}

static int load_rec_cb(const struct store_ent_row *r, void *arg)
{
	struct load_ctx *lc = arg;
	struct importer *im = lc->im;
	bool found;
	size_t idx;
	const char *uscc;

	if (r->file < 1 || r->file >= ENT_NFILES || (size_t)r->ent_id >= lc->nuscc ||
	    lc->uscc_of[r->ent_id] == NULL)
		return 0;
	uscc = lc->uscc_of[r->ent_id];
	idx = db_add(im, r->id, r->canon, r->line);
	db_key(&lc->key, r->file, uscc, r->rkey, r->canon);
	*ent_map_put(im->db_keys, lc->key.p, lc->key.len, 0, &found) = (int64_t)idx;
	return 0;
}

static int load_db(struct importer *im)
{
	struct load_ctx lc = {im, {0}, NULL, 0};
	int rc;

	buf_init(&lc.key, 1 << 24);
	rc = store_ent_iter_enterprises(im->st, load_ent_cb, &lc, im->e);
	if (rc == 0)
		rc = store_ent_iter_records(im->st, load_rec_cb, &lc, im->e);
	im->ndb_loaded = im->ndb;
	for (size_t i = 0; i < lc.nuscc; i++)
		free(lc.uscc_of[i]);
	free(lc.uscc_of);
	buf_free(&lc.key);
	return rc;
}

/* ---- one file ---- */

struct file_run {
	struct importer *im;
	int file;
	const struct ent_file_spec *spec;
	int idx[ENT_COLS_MAX]; /* CSV column of each schema column, -1: missing */
	size_t nhead;
	struct kept *kept;
	size_t nkept, keptcap;
	struct ent_map *inkey; /* keyed: key -> kept index; events: canon -> kept index */
	struct buf canon, detail, key, msg;
};

static int reject(struct file_run *fr, long line, const char *reason, const char *detail)
{
	struct file_stats *s = &fr->im->fs[fr->file];

	s->rejected++;
	if (strcmp(reason, "malformed") == 0)
		s->malformed++;
	else if (strcmp(reason, "bad_uscc") == 0)
		s->bad_uscc++;
	else if (strcmp(reason, "bad_field") == 0)
		s->bad_field++;
	else
		s->orphan++;
	return add_issue(fr->im, fr->file, line, "rejected", reason, detail);
}

static void note_repair(struct buf *d, const char *col, const char *raw, size_t rl,
			const char *canon, size_t cl, bool dropped)
{
	if (d->len > DETAIL_MAX)
		return;
	if (d->len > 0)
		buf_adds(d, "；");
	buf_adds(d, col);
	buf_adds(d, " ");
	show_raw(d, raw, rl);
	if (dropped) {
		buf_adds(d, " 无法解析，按空值处理");
	} else {
		buf_adds(d, " → ");
		if (cl == 0)
			buf_adds(d, "（空）");
		else
			show_raw(d, canon, cl);
	}
}

/* Industry pair (R1.5, R2.6): the canonical pair is (2017 code, "2017");
 * the code is derived from the digits and the version. */
static void industry_pair(struct file_run *fr, const struct ent_csv_rec *rec, int64_t digits,
			  int64_t version, bool parsed_code, char *code, bool *repaired)
{
	int ci = fr->idx[6];
	int vi = fr->idx[7];
	const char *raw_code = ci >= 0 && (size_t)ci < rec->nfields ? rec->f[ci] : "";
	const char *raw_ver = vi >= 0 && (size_t)vi < rec->nfields ? rec->f[vi] : "";

	code[0] = '\0';
	if (digits == ENT_UNKNOWN) {
		if (!parsed_code) {
			buf_adds(&fr->detail, fr->detail.len ? "；" : "");
			buf_adds(&fr->detail, "industry_code ");
			show_raw(&fr->detail, raw_code, strlen(raw_code));
			buf_adds(&fr->detail, " 不是行业小类代码，按空值处理");
			*repaired = true;
		}
		return;
	}
	if (!ent_industry_2017((int)digits, (int)version, code))
		code[0] = '\0';
	if (code[0] == '\0' || strcmp(raw_code, code) != 0 || strcmp(raw_ver, "2017") != 0) {
		buf_adds(&fr->detail, fr->detail.len ? "；" : "");
		buf_adds(&fr->detail, "industry_code/version ");
		show_raw(&fr->detail, raw_code, strlen(raw_code));
		buf_adds(&fr->detail, "/");
		show_raw(&fr->detail, raw_ver, strlen(raw_ver));
		if (code[0] != '\0') {
			buf_adds(&fr->detail, " → GB/T 4754-2017 ");
			buf_adds(&fr->detail, code);
		} else {
			buf_adds(&fr->detail, " 大类不属于任何门类，按空值处理");
		}
		*repaired = true;
	}
}

static int keep_row(struct file_run *fr, long line, const char *uscc, const char *rkey,
		    bool repaired)
{
	struct importer *im = fr->im;
	struct file_stats *s = &im->fs[fr->file];
	bool found;
	int64_t *slot;
	struct kept *k;

	if (fr->spec->key_col >= 0) {
		buf_reset(&fr->key);
		buf_adds(&fr->key, uscc);
		if (rkey != NULL) {
			buf_addc(&fr->key, ENT_SEP);
			buf_adds(&fr->key, rkey);
		}
		slot = ent_map_put(fr->inkey, fr->key.p, fr->key.len, (int64_t)fr->nkept, &found);
	} else {
		slot =
		    ent_map_put(fr->inkey, fr->canon.p, fr->canon.len, (int64_t)fr->nkept, &found);
	}
	if (found) {
		struct kept *cur = &fr->kept[*slot];
		char msg[160];

		if (fr->spec->key_col < 0 || strcmp(cur->canon, fr->canon.p) == 0) {
			s->duplicates++;
			snprintf(msg, sizeof(msg), "与第 %ld 行重复，已忽略", cur->line);
			return add_issue(im, fr->file, line, "duplicate", "duplicate", msg);
		}
		/* A later row with the same key corrects the earlier one (R1.6). */
		s->superseded++;
		snprintf(msg, sizeof(msg), "被第 %ld 行更正（同一键的后一行为准）", line);
		if (add_issue(im, fr->file, cur->line, "superseded", "superseded", msg) != 0)
			return -1;
		cur->live = false;
		*slot = (int64_t)fr->nkept;
	}
	if (fr->nkept == fr->keptcap)
		fr->kept = xgrow(fr->kept, &fr->keptcap, fr->nkept + 1, sizeof(*fr->kept));
	k = &fr->kept[fr->nkept++];
	memset(k, 0, sizeof(*k));
	k->canon = xstrndup(fr->canon.p, fr->canon.len);
	k->rkey = rkey != NULL ? xstrdup(rkey) : NULL;
	memcpy(k->uscc, uscc, 19);
	k->line = line;
	k->live = true;
	if (repaired)
		k->detail = xstrndup(fr->detail.p, fr->detail.len);
	return 0;
}

/* Normalise one CSV record; rejects, repairs and keeps it. */
static int one_row(struct file_run *fr, const struct ent_csv_rec *rec)
{
	const struct ent_file_spec *spec = fr->spec;
	char uscc[19] = "";
	char rkey[ENT_CANON_MAX] = "";
	int64_t vals[ENT_COLS_MAX];
	bool repaired = rec->bad_utf8 > 0;
	bool code_parsed = true;
	size_t canon_col6 = 0;

	if (rec->error != ENT_CSV_OK) {
		buf_reset(&fr->msg);
		buf_addf(&fr->msg, "CSV 格式错误：%s", ent_csv_error_text(rec->error));
		return reject(fr, rec->line, "malformed", fr->msg.p);
	}
	if (rec->nfields > fr->nhead) {
		buf_reset(&fr->msg);
		buf_addf(&fr->msg,
			 "字段数 %zu 多于表头的 %zu 个（常见原因：金额中的千位分隔符未加引号）",
			 rec->nfields, fr->nhead);
		return reject(fr, rec->line, "malformed", fr->msg.p);
	}
	buf_reset(&fr->canon);
	buf_reset(&fr->detail);
	if (rec->bad_utf8 > 0)
		buf_addf(&fr->detail, "%zu 个无效 UTF-8 字节已替换为 U+FFFD", rec->bad_utf8);
	for (size_t c = 0; c < spec->ncols; c++) {
		const struct ent_col *col = &spec->cols[c];
		int i = fr->idx[c];
		const char *raw = i >= 0 && (size_t)i < rec->nfields ? rec->f[i] : "";
		size_t rl = i >= 0 && (size_t)i < rec->nfields ? rec->flen[i] : 0;
		char buf[ENT_CANON_MAX];
		const char *cv;
		size_t cl;
		int rc = ent_field_parse(col->type, raw, rl, &vals[c], buf, &cv, &cl);

		if (rc != 0 || (col->mandatory && cl == 0)) {
			if (col->mandatory) {
				buf_reset(&fr->msg);
				buf_addf(&fr->msg, "必填列 %s ", col->name);
				if (i < 0)
					buf_adds(&fr->msg, "缺失");
				else if (rl == 0)
					buf_adds(&fr->msg, "为空");
				else {
					show_raw(&fr->msg, raw, rl);
					buf_adds(&fr->msg, rc != 0 ? " 无法解析" : " 为空");
				}
				if (c == 0)
					buf_adds(&fr->msg,
						 "（统一社会信用代码应为 18 位数字或大写字母）");
				return reject(fr, rec->line, c == 0 ? "bad_uscc" : "bad_field",
					      fr->msg.p);
			}
			if (rc != 0) {
				/* R1.5: an unparseable optional value reads as blank. */
				if (col->type != ENT_T_INDUSTRY && col->type != ENT_T_VERSION)
					note_repair(&fr->detail, col->name, raw, rl, "", 0, true);
				repaired = true;
				vals[c] = col->type == ENT_T_VERSION ? 2017 : ENT_UNKNOWN;
				cv = "";
				cl = 0;
				if (col->type == ENT_T_INDUSTRY)
					code_parsed = false;
			}
		} else if (col->type != ENT_T_TEXT && col->type != ENT_T_INDUSTRY &&
			   col->type != ENT_T_VERSION && (cl != rl || memcmp(cv, raw, rl) != 0)) {
			note_repair(&fr->detail, col->name, raw, rl, cv, cl, false);
			repaired = true;
		}
		if (c == 0)
			memcpy(uscc, cv, cl + 1 <= sizeof(uscc) ? cl + 1 : sizeof(uscc));
		if (spec->key_col > 0 && (int)c == spec->key_col) {
			memcpy(rkey, cv, cl < sizeof(rkey) - 1 ? cl : sizeof(rkey) - 1);
			rkey[cl < sizeof(rkey) - 1 ? cl : sizeof(rkey) - 1] = '\0';
		}
		if (c > 0)
			buf_addc(&fr->canon, ENT_SEP);
		if (col->type == ENT_T_TEXT) {
			/* U+001F separates canonical fields: never inside one. */
			for (size_t k = 0; k < cl; k++)
				buf_addc(&fr->canon, cv[k] == ENT_SEP ? ' ' : cv[k]);
		} else {
			if (fr->file == ENT_F_ENTERPRISES && c == 6)
				canon_col6 = fr->canon.len;
			buf_add(&fr->canon, cv, cl);
		}
	}
	if (fr->file == ENT_F_ENTERPRISES) {
		char code[8];
		struct buf fixed;
		size_t p = 0;

		industry_pair(fr, rec, vals[6], vals[7], code_parsed, code, &repaired);
		/* Rewrite columns 6-7 of the canonical row as (code, "2017"). */
		buf_init(&fixed, 1 << 20);
		for (size_t c = 0; c < 6; c++) {
			const char *end = strchr(fr->canon.p + p, ENT_SEP);

			p = (size_t)(end - fr->canon.p) + 1;
		}
		(void)canon_col6;
		buf_add(&fixed, fr->canon.p, p);
		buf_adds(&fixed, code);
		buf_addc(&fixed, ENT_SEP);
		buf_adds(&fixed, code[0] ? "2017" : "");
		{
			const char *q = strchr(fr->canon.p + p, ENT_SEP);

			q = strchr(q + 1, ENT_SEP);
			buf_adds(&fixed, q);
		}
		buf_reset(&fr->canon);
		buf_add(&fr->canon, fixed.p, fixed.len);
		buf_free(&fixed);
	} else if (ent_map_get(fr->im->ent_ids, uscc, strlen(uscc)) == NULL) {
		buf_reset(&fr->msg);
		buf_addf(&fr->msg, "企业 %s 不在 enterprises.csv 中", uscc);
		return reject(fr, rec->line, "orphan", fr->msg.p);
	}
	return keep_row(fr, rec->line, uscc, spec->key_col > 0 ? rkey : NULL, repaired);
}

/* Merge the kept rows of one file into the database. */
static int merge(struct file_run *fr)
{
	struct importer *im = fr->im;
	struct file_stats *s = &im->fs[fr->file];
	struct buf key;
	int rc = 0;

	buf_init(&key, 1 << 24);
	for (size_t i = 0; i < fr->nkept && rc == 0; i++) {
		struct kept *k = &fr->kept[i];
		struct store_ent_row r = {0};
		int64_t *slot;
		bool found;

		if (!k->live)
			continue;
		s->accepted++;
		if (k->detail != NULL) {
			s->repaired++;
			rc = add_issue(im, fr->file, k->line, "repaired", "repaired", k->detail);
			if (rc != 0)
				break;
		}
		slot = NULL;
		if (im->ndb_loaded > 0) {
			db_key(&key, fr->file, k->uscc, k->rkey, k->canon);
			slot = ent_map_get(im->db_keys, key.p, key.len);
		}
		r.file = fr->file;
		r.uscc = k->uscc;
		r.rkey = k->rkey;
		r.canon = k->canon;
		r.line = k->line;
		r.import_id = im->import_id;
		r.repaired = k->detail != NULL;
		if (slot != NULL) {
			struct db_row *d = &im->db[*slot];

			if (d->hash == ent_hash(k->canon, strlen(k->canon)) && d->line == k->line) {
				s->unchanged++;
				continue;
			}
			if (d->hash == ent_hash(k->canon, strlen(k->canon)))
				s->unchanged++;
			else
				s->updated++;
			r.id = d->id;
			d->line = k->line;
			d->hash = ent_hash(k->canon, strlen(k->canon));
			rc = fr->file == ENT_F_ENTERPRISES
				 ? store_ent_enterprise_update(im->w, &r, im->e)
				 : store_ent_record_update(im->w, &r, im->e);
			continue;
		}
		s->inserted++;
		if (fr->file == ENT_F_ENTERPRISES) {
			int64_t id;

			r.ord = im->next_ord++;
			/* Keys are unique within a file and carry the file, so a
			 * row inserted now is never looked up again in this import. */
			rc = store_ent_enterprise_insert(im->w, &r, &id, im->e);
			if (rc == 0)
				*ent_map_put(im->ent_ids, k->uscc, strlen(k->uscc), id, &found) =
				    id;
		} else {
			r.ent_id = *ent_map_get(im->ent_ids, k->uscc, strlen(k->uscc));
			rc = store_ent_record_insert(im->w, &r, im->e);
		}
	}
	buf_free(&key);
	return rc;
}

/* Enterprises are merged before the child files so orphans can be told. */
static void mark_enterprises_known(struct file_run *fr)
{
	bool found;

	for (size_t i = 0; i < fr->nkept; i++) {
		if (fr->kept[i].live)
			ent_map_put(fr->im->ent_ids, fr->kept[i].uscc, strlen(fr->kept[i].uscc), 0,
				    &found);
	}
}

static int import_file(struct importer *im, const char *dir, int file)
{
	struct file_run fr = {0};
	struct ent_csv *csv;
	struct ent_csv_rec rec;
	char *path;
	char *data;
	size_t len;
	int rc;
	size_t plen = strlen(dir) + strlen(ent_files[file].name) + 2;

	path = xmalloc(plen);
	snprintf(path, plen, "%s/%s", dir, ent_files[file].name);
	rc = map_file(path, &data, &len, im->e);
	free(path);
	if (rc == -1)
		return 0; /* a missing file: nothing to import */
	if (rc != 0)
		return rc;
	fr.im = im;
	fr.file = file;
	fr.spec = &ent_files[file];
	fr.inkey = ent_map_new();
	buf_init(&fr.canon, 1 << 22);
	buf_init(&fr.detail, 1 << 16);
	buf_init(&fr.key, 1 << 20);
	buf_init(&fr.msg, 1 << 16);
	csv = ent_csv_new(data != NULL ? data : "", len);
	for (size_t c = 0; c < fr.spec->ncols; c++)
		fr.idx[c] = -1;
	if (ent_csv_next(csv, &rec) == 1 && rec.error == ENT_CSV_OK) {
		fr.nhead = rec.nfields;
		for (size_t h = 0; h < rec.nfields; h++) {
			char name[64];

			header_name(rec.f[h], rec.flen[h], name, sizeof(name));
			for (size_t c = 0; c < fr.spec->ncols; c++) {
				if (fr.idx[c] < 0 && strcmp(name, fr.spec->cols[c].name) == 0)
					fr.idx[c] = (int)h;
			}
		}
	}
	rc = 0;
	while (rc == 0 && ent_csv_next(csv, &rec) == 1) {
		if (rec.nfields == 0 && rec.error == ENT_CSV_OK)
			continue; /* an empty physical line is not a row */
		im->fs[file].rows++;
		rc = one_row(&fr, &rec);
		if ((im->fs[file].rows & 0xFFFF) == 0)
			progress(im, file, ent_csv_offset(csv), len, im->fs[file].rows);
	}
	ent_csv_free(csv);
	if (data != NULL)
		munmap(data, len);
	if (rc == 0 && file == ENT_F_ENTERPRISES)
		mark_enterprises_known(&fr);
	if (rc == 0)
		rc = merge(&fr);
	for (size_t i = 0; i < fr.nkept; i++) {
		free(fr.kept[i].canon);
		free(fr.kept[i].rkey);
		free(fr.kept[i].detail);
	}
	free(fr.kept);
	ent_map_free(fr.inkey);
	buf_free(&fr.canon);
	buf_free(&fr.detail);
	buf_free(&fr.key);
	buf_free(&fr.msg);
	return rc;
}

static char *stats_json(struct importer *im, struct ent_import_result *res)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	buf_adds(&b, "{\"files\": {");
	for (int f = 0; f < ENT_NFILES; f++) {
		const struct file_stats *s = &im->fs[f];
		bool first = true;

		buf_addf(&b,
			 "%s\"%s\": {\"rows\": %ld, \"accepted\": %ld, \"repaired\": %ld, "
			 "\"duplicates\": %ld, \"superseded\": %ld, \"rejected\": %ld, "
			 "\"rejected_by_reason\": {",
			 f ? ", " : "", ent_files[f].name, s->rows, s->accepted, s->repaired,
			 s->duplicates, s->superseded, s->rejected);
		if (s->bad_field) {
			buf_addf(&b, "\"bad_field\": %ld", s->bad_field);
			first = false;
		}
		if (s->bad_uscc) {
			buf_addf(&b, "%s\"bad_uscc\": %ld", first ? "" : ", ", s->bad_uscc);
			first = false;
		}
		if (s->malformed) {
			buf_addf(&b, "%s\"malformed\": %ld", first ? "" : ", ", s->malformed);
			first = false;
		}
		if (s->orphan)
			buf_addf(&b, "%s\"orphan\": %ld", first ? "" : ", ", s->orphan);
		buf_addf(
		    &b,
		    "}, \"database\": {\"inserted\": %ld, \"updated\": %ld, \"unchanged\": %ld}}",
		    s->inserted, s->updated, s->unchanged);
		res->rows += s->rows;
		res->rejected += s->rejected;
		res->repaired += s->repaired;
		res->inserted += s->inserted;
		res->updated += s->updated;
		res->unchanged += s->unchanged;
	}
	buf_adds(&b, "}}");
	return buf_detach(&b, NULL);
}

static int64_t today(int64_t now_ms)
{
	time_t t = (time_t)(now_ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	return (int64_t)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

int ent_snapshot_flags(struct store *st, struct store_ent_writer *w, int64_t snap_id, int64_t as_of,
		       long *count, struct err *e)
{
	struct ent_dataset d;
	struct ent_ctx x;
	struct ent_rules rules;
	struct ent_result *res;
	struct buf ev;
	int rc;

	*count = 0;
	if (ent_rules_load(st, &rules, e) != 0)
		return -1;
	rc = ent_dataset_load(st, &d, e);
	if (rc != 0)
		return rc;
	ent_ctx_init(&x, as_of);
	x.rules = &rules;
	res = xmalloc(sizeof(*res));
	buf_init(&ev, 1 << 20);
	for (size_t i = 0; i < d.n && rc == 0; i++) {
		ent_eval_one(&d, &x, i, res);
		for (int r = 0; r < ENT_R_COUNT && rc == 0; r++) {
			struct store_ent_warning wa;

			if (!res->fl[r].on)
				continue;
			buf_reset(&ev);
			for (size_t k = 0; k < res->fl[r].n; k++)
				buf_addf(&ev, "%s%s:%ld", k ? ", " : "",
					 ent_files[res->fl[r].file[k]].name, res->fl[r].line[k]);
			wa.import_id = snap_id;
			wa.uscc = d.c[i].uscc;
			wa.rule = ent_rule_id((size_t)r);
			wa.level = rules.r[r].level;
			wa.evidence = ev.p != NULL ? ev.p : "";
			rc = store_ent_warning_add(w, &wa, e);
			(*count)++;
		}
	}
	buf_free(&ev);
	free(res);
	ent_dataset_free(&d);
	return rc;
}

/* The flags of every enterprise as of the import date, for the warnings
 * feed (new and cleared warnings between two snapshots). */
static int snapshot_warnings(struct importer *im, int64_t as_of)
{
	long n;

	return ent_snapshot_flags(im->st, im->w, im->import_id, as_of, &n, im->e);
}

int ent_import_dir(struct store *st, const char *dir, const struct ent_import_opts *o,
		   struct ent_import_result *res, struct err *e)
{
	struct importer im = {0};
	struct stat sb;
	int64_t now = o->now_ms;
	int rc;

	memset(res, 0, sizeof(*res));
	if (now <= 0) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	}
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return err_set(e, BASE_E_IO, "%s: 不是可读取的目录", dir);
	im.st = st;
	im.o = o;
	im.e = e;
	im.ent_ids = ent_map_new();
	im.db_keys = ent_map_new();
	im.next_ord = 1;
	rc = store_tx_begin(st, e);
	if (rc != 0)
		goto out;
	rc = store_ent_writer_open(st, &im.w, e);
	if (rc == 0)
		rc = load_db(&im);
	if (rc == 0)
		rc = store_ent_import_add(im.w, dir, now, &im.import_id, e);
	for (int f = 0; rc == 0 && f < ENT_NFILES; f++)
		rc = import_file(&im, dir, f);
	if (rc == 0) {
		res->stats_json = stats_json(&im, res);
		res->import_id = im.import_id;
		rc = store_ent_import_finish(im.w, im.import_id, res->stats_json, now, e);
	}
	if (rc == 0)
		rc = snapshot_warnings(&im, o->as_of > 0 ? o->as_of : today(now));
	if (rc == 0) {
		/* the API's default evaluation date: the date of this snapshot */
		int64_t d = o->as_of > 0 ? o->as_of : today(now);
		char date[16];

		snprintf(date, sizeof(date), "%04d-%02d-%02d", (int)(d / 10000),
			 (int)(d / 100 % 100), (int)(d % 100));
		rc = store_ent_setting_set(st, "last_as_of", date, now,
					   o->audit != NULL ? o->audit->actor : "", e);
	}
	if (rc == 0 && o->audit != NULL) {
		json_t *d = json_pack(
		    "{sI sI sI sI sI sI sI}", "import_id", (json_int_t)im.import_id, "rows",
		    (json_int_t)res->rows, "rejected", (json_int_t)res->rejected, "repaired",
		    (json_int_t)res->repaired, "inserted", (json_int_t)res->inserted, "updated",
		    (json_int_t)res->updated, "unchanged", (json_int_t)res->unchanged);

		rc = work_audit_append_tx(o->audit, "enterprise.import", dir, d, e);
		json_decref(d);
	}
	store_ent_writer_close(im.w);
	if (rc == 0)
		rc = store_tx_commit(st, e);
	else
		store_tx_rollback(st);
out:
	if (rc != 0) {
		free(res->stats_json);
		res->stats_json = NULL;
	}
	ent_map_free(im.ent_ids);
	ent_map_free(im.db_keys);
	free(im.db);
	return rc;
}

void ent_import_result_free(struct ent_import_result *res)
{
	free(res->stats_json);
	res->stats_json = NULL;
}
