/*
 * kb/ingest: walk the given paths, read each supported file, chunk it and
 * store it; on re-ingest skip unchanged files (same size and mtime, or same
 * content hash), re-read changed ones and drop documents whose file is gone.
 * Identical content under another path is recorded as a duplicate of the
 * first document and not indexed twice.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "kb/kb.h"
#include "store/kb_store.h"
#include "text/text.h"

#define KB_WALK_DEPTH 32
#define KB_FILES_MAX  200000

struct file_ent {
	char *abs;
	char *rel;
	int64_t size;
	int64_t mtime;
};

struct old_doc {
	char *rel;
	int64_t id;
	int64_t size;
	int64_t mtime;
	char hash[65];
	bool seen;
};

struct ingest {
	struct store *st;
	int64_t kb_id;
	const struct kb_ingest_opts *o;
	struct kb_ingest_stats *stats;
	struct kb_store_writer *w;
	struct file_ent *files;
	size_t nfiles;
	size_t cap;
	struct old_doc *old;
	size_t nold;
	size_t oldcap;
	const char *root;
	size_t walked; /* files found in the roots before this one */
};

static bool supported(const char *name)
{
	static const char *exts[] = {".md", ".markdown", ".txt", ".docx", ".html", ".htm", ".pdf"};
	const char *dot = strrchr(name, '.');

	if (dot == NULL || name[0] == '.' || name[0] == '_')
		return false;
	for (size_t i = 0; i < ARRAY_LEN(exts); i++) {
		if (strcasecmp(dot, exts[i]) == 0)
			return true;
	}
	return false;
}

static void add_file(struct ingest *g, const char *abs, const char *rel, const struct stat *sb)
{
	struct file_ent *f;

	if (g->nfiles >= KB_FILES_MAX)
		return;
	g->files = xgrow(g->files, &g->cap, g->nfiles + 1, sizeof(*g->files));
	f = &g->files[g->nfiles++];
	f->abs = xstrdup(abs);
	f->rel = xstrdup(rel);
	f->size = (int64_t)sb->st_size;
	f->mtime = (int64_t)sb->st_mtim.tv_sec * 1000 + sb->st_mtim.tv_nsec / 1000000;
}

static int walk(struct ingest *g, const char *abs, const char *rel, int depth, struct err *e)
{
	DIR *d;
	struct dirent *de;

	if (depth > KB_WALK_DEPTH)
		return 0;
	d = opendir(abs);
	if (d == NULL)
		return err_set(e, BASE_E_IO, "%s: 无法读取目录（%s）", abs, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		char ap[PATH_MAX];
		char rp[PATH_MAX];
		struct stat sb;

		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(ap, sizeof(ap), "%s/%s", abs, de->d_name) >= sizeof(ap) ||
		    (size_t)snprintf(rp, sizeof(rp), "%s%s%s", rel, rel[0] ? "/" : "",
				     de->d_name) >= sizeof(rp))
			continue;
		/* lstat: symbolic links are not followed (no walking out of the root). */
		if (lstat(ap, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			int rc = walk(g, ap, rp, depth + 1, e);

			if (rc != 0) {
				closedir(d);
				return rc;
			}
		} else if (S_ISREG(sb.st_mode) && supported(de->d_name)) {
			add_file(g, ap, rp, &sb);
		}
	}
	closedir(d);
	return 0;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct file_ent *)a)->rel, ((const struct file_ent *)b)->rel);
}

static int cmp_old(const void *a, const void *b)
{
	return strcmp(((const struct old_doc *)a)->rel, ((const struct old_doc *)b)->rel);
}

static int collect_old(const struct kb_store_doc *d, void *arg)
{
	struct ingest *g = arg;
	struct old_doc *o;

	g->old = xgrow(g->old, &g->oldcap, g->nold + 1, sizeof(*g->old));
	o = &g->old[g->nold++];
	o->rel = xstrdup(d->relpath);
	o->id = d->id;
	o->size = d->size;
	o->mtime = d->mtime;
	snprintf(o->hash, sizeof(o->hash), "%s", d->content_hash);
	o->seen = false;
	return 0;
}

static void hash_hex(const char *data, size_t len, char out[65])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)data, len, NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

static bool has_ext(const char *name, const char *ext)
{
	size_t n = strlen(name);
	size_t m = strlen(ext);

	return n >= m && strcasecmp(name + n - m, ext) == 0;
}

/* Read a file as UTF-8 text (converting .docx, .html and .pdf). */
static int read_text(const struct file_ent *f, char **raw, size_t *rawlen, char **text,
		     size_t *tlen, struct err *e)
{
	int rc;

	*text = NULL;
	rc = base_read_file(f->abs, KB_FILE_MAX, raw, rawlen, e);
	if (rc != 0)
		return rc;
	if (has_ext(f->rel, ".docx"))
		return kb_docx_to_text(f->abs, text, tlen, e);
	if (has_ext(f->rel, ".pdf"))
		return kb_pdf_to_text(f->abs, text, tlen, e);
	if (has_ext(f->rel, ".html") || has_ext(f->rel, ".htm"))
		return kb_html_to_text(*raw, *rawlen, text, tlen, e);
	*text = xstrndup(*raw, *rawlen);
	*tlen = *rawlen;
	return 0;
}

static char *base_title_of(const char *rel, const char *title)
{
	const char *b = strrchr(rel, '/');
	const char *dot;
	char *s;
	size_t n;

	b = b ? b + 1 : rel;
	dot = strrchr(b, '.');
	n = dot ? (size_t)(dot - b) : strlen(b);
	s = xstrndup(b, n);
	n = strlen(s);
	if (n >= 12 && s[n - 1] == ')' && s[n - 12] == '(')
		s[n - 12] = '\0';
	if (s[0] == '\0') {
		free(s);
		s = xstrdup(title);
	}
	return s;
}

static char *category_of(const char *rel)
{
	const char *sl = strchr(rel, '/');

	return sl ? xstrndup(rel, (size_t)(sl - rel)) : xstrdup("");
}

/* Title as indexed: the document title plus the file's short name when the
 * title does not contain it (民法典 parts, abbreviations). */
static char *index_title(const char *title, const char *base)
{
	struct buf b;

	buf_init(&b, 4096);
	buf_adds(&b, title);
	if (strstr(title, base) == NULL) {
		buf_addc(&b, ' ');
		buf_adds(&b, base);
	}
	return buf_detach(&b, NULL);
}

static int store_doc(struct ingest *g, const struct file_ent *f, const char *hash,
		     const struct kb_parsed *p, struct err *e)
{
	struct kb_store_doc d;
	int64_t dup = 0;
	int64_t id;
	char *base = base_title_of(f->rel, p->title);
	char *cat = category_of(f->rel);
	char *ititle = index_title(p->title, base);
	int rc;

	rc = kb_store_doc_by_hash(g->st, g->kb_id, hash, &dup, e);
	memset(&d, 0, sizeof(d));
	d.kb_id = g->kb_id;
	d.root = g->root;
	d.relpath = f->rel;
	d.title = p->title;
	d.base_title = base;
	d.doc_number = p->doc_number;
	d.issuer = p->issuer;
	d.date = p->date;
	d.validity = p->validity[0] ? p->validity : "";
	d.validity_stated = p->validity[0] != '\0';
	d.category = cat;
	d.content_hash = hash;
	d.size = f->size;
	d.mtime = f->mtime;
	d.dup_of = dup;
	if (rc == 0)
		rc = kb_store_doc_insert(g->st, &d, &id, e);
	if (rc == 0 && dup > 0)
		g->stats->duplicates++;
	for (size_t i = 0; rc == 0 && dup == 0 && i < p->nchunks; i++) {
		struct kb_store_chunk c = {0,
					   id,
					   (int)i,
					   p->chunks[i].article,
					   p->chunks[i].art_no,
					   p->chunks[i].art_sub,
					   ititle,
					   p->chunks[i].heading,
					   p->chunks[i].body};

		rc = kb_store_chunk_add(g->w, &c, e);
		if (rc == 0)
			g->stats->chunks++;
	}
	free(ititle);
	free(base);
	free(cat);
	return rc;
}

static struct old_doc *old_find(struct ingest *g, const char *rel)
{
	struct old_doc key;

	key.rel = (char *)rel;
	if (g->nold == 0)
		return NULL;
	return bsearch(&key, g->old, g->nold, sizeof(*g->old), cmp_old);
}

/* One file. Unreadable files are reported and skipped (stats->failed). */
static int ingest_file(struct ingest *g, const struct file_ent *f, struct err *e)
{
	struct old_doc *o = old_find(g, f->rel);
	char *raw = NULL;
	char *text = NULL;
	size_t rawlen = 0;
	size_t tlen = 0;
	char hash[65];
	struct kb_parsed p;
	struct err fe = {0, ""};
	int rc;

	if (o != NULL) {
		o->seen = true;
		if (o->size == f->size && o->mtime == f->mtime) {
			g->stats->unchanged++;
			return 0;
		}
	}
	if (g->o->pre_text != NULL && g->o->pre_path != NULL &&
	    strcmp(f->abs, g->o->pre_path) == 0) {
		/* converted once already (the upload's check): the bytes only */
		rc = base_read_file(f->abs, KB_FILE_MAX, &raw, &rawlen, &fe);
		if (rc == 0) {
			text = xstrndup(g->o->pre_text, g->o->pre_tlen);
			tlen = g->o->pre_tlen;
		}
	} else {
		rc = read_text(f, &raw, &rawlen, &text, &tlen, &fe);
	}
	if (rc == 0) {
		hash_hex(raw, rawlen, hash);
		if (o != NULL && strcmp(o->hash, hash) == 0) {
			g->stats->unchanged++;
			free(raw);
			free(text);
			return kb_store_doc_touch(g->st, o->id, f->size, f->mtime, e);
		}
		rc = kb_parse_text(text, tlen, f->rel, &p, &fe);
	}
	free(raw);
	free(text);
	if (rc != 0) {
		fprintf(stderr, "shuzhi kb: %s: %s（已跳过）\n", f->abs, fe.msg);
		g->stats->failed++;
		return 0;
	}
	if (o != NULL) {
		rc = kb_store_doc_delete(g->st, o->id, e);
		g->stats->updated++;
	} else {
		g->stats->added++;
	}
	if (rc == 0)
		rc = store_doc(g, f, hash, &p, e);
	kb_parsed_free(&p);
	return rc;
}

static void ingest_reset(struct ingest *g)
{
	for (size_t i = 0; i < g->nfiles; i++) {
		free(g->files[i].abs);
		free(g->files[i].rel);
	}
	for (size_t i = 0; i < g->nold; i++)
		free(g->old[i].rel);
	free(g->files);
	free(g->old);
	g->files = NULL;
	g->old = NULL;
	g->nfiles = g->cap = g->nold = g->oldcap = 0;
}

/* Ingest one root (a folder, or a single file named relative to its folder). */
static int ingest_root(struct ingest *g, const char *path, struct err *e)
{
	char abs[PATH_MAX];
	char rootbuf[PATH_MAX];
	struct stat sb;
	int rc;

	if (realpath(path, abs) == NULL)
		return err_set(e, BASE_E_IO, "%s: 无法访问（%s）", path, strerror(errno));
	if (stat(abs, &sb) != 0)
		return err_set(e, BASE_E_IO, "%s: 无法访问（%s）", path, strerror(errno));
	if (S_ISDIR(sb.st_mode)) {
		snprintf(rootbuf, sizeof(rootbuf), "%s", abs);
		rc = walk(g, abs, "", 0, e);
	} else if (S_ISREG(sb.st_mode)) {
		char *sl = strrchr(abs, '/');

		snprintf(rootbuf, sizeof(rootbuf), "%.*s", (int)(sl - abs), abs);
		if (!supported(sl + 1))
			return err_set(e, BASE_E_FORMAT,
				       "%s: 不支持的文件类型（支持 " KB_TYPES "）", path);
		add_file(g, abs, sl + 1, &sb);
		rc = 0;
	} else {
		return err_set(e, BASE_E_IO, "%s: 不是文件或目录", path);
	}
	if (rc != 0)
		return rc;
	g->root = rootbuf;
	rc = kb_store_root_add(g->st, g->kb_id, abs, e);
	if (rc == 0)
		rc = kb_store_doc_iter(g->st, g->kb_id, rootbuf, collect_old, g, e);
	if (rc != 0)
		return rc;
	if (g->nfiles > 0)
		qsort(g->files, g->nfiles, sizeof(*g->files), cmp_file);
	size_t gone = 0;

	/* Documents whose file vanished go first, so that their duplicates
	 * (marked changed by the delete) are read again in this pass. */
	for (size_t i = 0; i < g->nold && rc == 0 && S_ISDIR(sb.st_mode); i++) {
		struct file_ent key = {NULL, g->old[i].rel, 0, 0};

		if (g->nfiles > 0 &&
		    bsearch(&key, g->files, g->nfiles, sizeof(*g->files), cmp_file) != NULL)
			continue;
		rc = kb_store_doc_delete(g->st, g->old[i].id, e);
		g->stats->removed++;
		gone++;
	}
	if (rc == 0 && gone > 0) {
		for (size_t i = 0; i < g->nold; i++)
			free(g->old[i].rel);
		g->nold = 0;
		rc = kb_store_doc_iter(g->st, g->kb_id, rootbuf, collect_old, g, e);
	}
	if (g->nold > 0)
		qsort(g->old, g->nold, sizeof(*g->old), cmp_old);
	if (rc == 0 && g->o->step != NULL &&
	    g->o->step(g->o->step_arg, g->stats, g->walked + g->nfiles) != 0)
		rc = err_set(e, BASE_E_BUSY, "已取消");
	for (size_t i = 0; i < g->nfiles && rc == 0; i++) {
		g->stats->files++;
		rc = ingest_file(g, &g->files[i], e);
		if (rc == 0 && g->o->step != NULL &&
		    g->o->step(g->o->step_arg, g->stats, g->walked + g->nfiles) != 0)
			rc = err_set(e, BASE_E_BUSY, "已取消");
		if (rc == 0 && g->o->commit_each_file) {
			rc = store_tx_commit(g->st, e);
			if (rc == 0)
				rc = store_tx_begin(g->st, e);
		}
		if (g->o->progress && ((i + 1) % 200 == 0 || i + 1 == g->nfiles))
			fprintf(stderr, "shuzhi kb: %s: %zu/%zu 个文件，%zu 个分块\n", rootbuf,
				i + 1, g->nfiles, g->stats->chunks);
	}
	/* A single file as root only owns itself. */
	for (size_t i = 0; i < g->nold && rc == 0; i++) {
		if (g->old[i].seen || S_ISREG(sb.st_mode))
			continue;
		rc = kb_store_doc_delete(g->st, g->old[i].id, e);
		g->stats->removed++;
	}
	g->root = NULL;
	g->walked += g->nfiles;
	return rc;
}

static int ingest_paths(struct store *st, int64_t kb_id, const char *const *paths, size_t n,
			const struct kb_ingest_opts *o, struct kb_ingest_stats *stats,
			struct err *e)
{
	struct ingest g;
	int rc;

	memset(&g, 0, sizeof(g));
	g.st = st;
	g.kb_id = kb_id;
	g.o = o;
	g.stats = stats;
	rc = kb_store_writer_open(st, &g.w, e);
	for (size_t i = 0; i < n && rc == 0; i++) {
		rc = ingest_root(&g, paths[i], e);
		ingest_reset(&g);
	}
	if (rc == 0)
		rc = kb_store_validity_refresh(st, kb_id, e);
	if (rc == 0)
		rc = kb_store_terms_refresh(st, e);
	kb_store_writer_close(g.w);
	ingest_reset(&g);
	return rc;
}

static int name_ok(const char *name, struct err *e)
{
	size_t n = strlen(name);

	if (n == 0 || n > KB_NAME_MAX || !text_utf8_valid(name, n, NULL))
		return err_set(e, BASE_E_USAGE, "知识库名称须为 1–%d 字节的 UTF-8 文本",
			       KB_NAME_MAX);
	return 0;
}

bool kb_supported_name(const char *name)
{
	return supported(name);
}

int kb_check_file(const char *path, const char *name, struct err *e)
{
	char *text = NULL;
	size_t tlen = 0;
	int rc = kb_check_file_text(path, name, &text, &tlen, e);

	free(text);
	return rc;
}

int kb_check_file_text(const char *path, const char *name, char **out, size_t *outlen,
		       struct err *e)
{
	struct file_ent f = {(char *)path, (char *)name, 0, 0};
	struct kb_parsed p;
	char *raw = NULL;
	char *text = NULL;
	size_t rawlen = 0;
	size_t tlen = 0;
	struct err fe = {0, ""};
	int rc;

	if (!supported(name))
		return err_set(e, BASE_E_FORMAT, "%s: 不支持的文件类型（支持 " KB_TYPES "）", name);
	*out = NULL;
	*outlen = 0;
	rc = read_text(&f, &raw, &rawlen, &text, &tlen, &fe);
	if (rc == 0)
		rc = kb_parse_text(text, tlen, name, &p, &fe);
	free(raw);
	if (rc != 0) {
		free(text);
		char *at = strstr(fe.msg, path);

		/* Messages may name the file read; the caller knows it as name. */
		if (at != NULL) {
			*at = '\0';
			return err_set(e, rc, "%s%s%s", fe.msg, name, at + strlen(path));
		}
		return err_set(e, rc, "%s: %s", name, fe.msg);
	}
	if (p.nchunks == 0)
		rc = err_set(e, BASE_E_FORMAT, "%s: 文件没有可检索的正文", name);
	kb_parsed_free(&p);
	if (rc == 0) {
		*out = text;
		*outlen = tlen;
	} else {
		free(text);
	}
	return rc;
}

int kb_add(struct store *st, const char *name, const char *const *paths, size_t npaths,
	   const struct kb_ingest_opts *o, struct kb_ingest_stats *stats, struct err *e)
{
	int64_t id = 0;
	int rc;

	memset(stats, 0, sizeof(*stats));
	rc = name_ok(name, e);
	if (rc != 0)
		return rc;
	rc = store_tx_begin(st, e);
	if (rc != 0)
		return rc;
	rc = kb_store_kb_find(st, name, &id, e);
	if (rc == BASE_E_NOTFOUND) {
		struct kb_store_kb k = {
		    0, name, o->visibility ? o->visibility : "internal", 0, o->now, 0, 0};

		err_clear(e);
		rc = kb_store_kb_create(st, &k, &id, e);
	}
	if (rc == 0)
		rc = ingest_paths(st, id, paths, npaths, o, stats, e);
	if (rc != 0) {
		store_tx_rollback(st);
		return rc;
	}
	return store_tx_commit(st, e);
}

struct roots {
	char **p;
	size_t n;
	size_t cap;
};

static int collect_root(const char *path, void *arg)
{
	struct roots *r = arg;

	r->p = xgrow(r->p, &r->cap, r->n + 1, sizeof(*r->p));
	r->p[r->n++] = xstrdup(path);
	return 0;
}

int kb_reindex(struct store *st, const char *name, const struct kb_ingest_opts *o,
	       struct kb_ingest_stats *stats, struct err *e)
{
	struct roots r = {NULL, 0, 0};
	int64_t id;
	int rc;

	memset(stats, 0, sizeof(*stats));
	rc = store_tx_begin(st, e);
	if (rc != 0)
		return rc;
	rc = kb_store_kb_find(st, name, &id, e);
	if (rc == 0)
		rc = kb_store_root_iter(st, id, collect_root, &r, e);
	if (rc == 0)
		rc = ingest_paths(st, id, (const char *const *)r.p, r.n, o, stats, e);
	for (size_t i = 0; i < r.n; i++)
		free(r.p[i]);
	free(r.p);
	if (rc != 0) {
		store_tx_rollback(st);
		return rc;
	}
	return store_tx_commit(st, e);
}

int kb_remove(struct store *st, const char *name, struct err *e)
{
	int64_t id;
	int rc = store_tx_begin(st, e);

	if (rc != 0)
		return rc;
	rc = kb_store_kb_find(st, name, &id, e);
	if (rc == 0)
		rc = kb_store_kb_delete(st, id, e);
	if (rc == 0)
		rc = kb_store_terms_refresh(st, e);
	if (rc != 0) {
		store_tx_rollback(st);
		return rc;
	}
	return store_tx_commit(st, e);
}
