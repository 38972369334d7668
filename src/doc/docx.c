/* doc/docx: loading, effective properties and text of a .docx. See docx.h. */
#define _GNU_SOURCE /* memmem */
#include "doc/docx.h"

#include "base/side.h"
#include "doc/docx_styles.h"

#include "doc/xmlfast.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define FIND_BY_AVX2 1
#endif

#define MAX_STYLE_DEPTH 32

/* The relationship target's path as the source part's folder and the
 * target name it: '/' splits; empty and "." segments go, ".." drops the one
 * before; at most MAX_SEGS segments are kept (the rest are dropped, though
 * a ".." still drops the last one kept), joined by '/' while the result
 * stays within MAX_RESOLVED bytes (a piece that would not fit is left out,
 * later ones that do fit are kept). One pass, no copy of the input. */
#define MAX_SEGS     256
#define MAX_RESOLVED 4096

char *doc_docx_resolve_target(const char *base_dir, const char *target)
{
	const char *src[2] = {target + 1, NULL};
	const char *segs[MAX_SEGS];
	size_t seglen[MAX_SEGS];
	size_t nseg = 0;
	size_t n = 0;
	char *out;

	if (target[0] != '/') {
		src[0] = base_dir;
		src[1] = target;
	}
	for (size_t k = 0; k < 2 && src[k] != NULL; k++) {
		const char *p = src[k];

		while (*p != '\0') {
			size_t len = strcspn(p, "/");

			if (len == 2 && p[0] == '.' && p[1] == '.') {
				if (nseg > 0)
					nseg--;
			} else if (len > 0 && !(len == 1 && p[0] == '.') && nseg < MAX_SEGS) {
				segs[nseg] = p;
				seglen[nseg++] = len;
			}
			p += len;
			if (*p == '/')
				p++;
		}
	}
	out = xmalloc(strlen(base_dir) + strlen(target) + 2);
	for (size_t i = 0; i < nseg; i++) {
		if (i > 0 && n + 1 <= MAX_RESOLVED)
			out[n++] = '/';
		if (n + seglen[i] <= MAX_RESOLVED) {
			memcpy(out + n, segs[i], seglen[i]);
			n += seglen[i];
		}
	}
	out[n] = '\0';
	return out;
}

static char *dir_of(const char *name)
{
	const char *slash = strrchr(name, '/');

	return slash ? xstrndup(name, (size_t)(slash - name)) : xstrdup("");
}

static char *xml_strdup_attr(const xmlNode *n, const char *ns, const char *local)
{
	xmlChar *owned;
	const char *v = doc_xml_attr_ref(n, ns, local, &owned);
	char *s;

	if (v == NULL)
		return NULL;
	s = xstrdup(v);
	xmlFree(owned);
	return s;
}

/* A byte of a qualified name: what XML allows in ASCII, any byte of a
 * multi-byte character. */
static inline bool qname_byte(unsigned char c)
{
	return c >= 0x80 || (unsigned)((c | 0x20) - 'a') < 26u || (unsigned)(c - '0') < 10u ||
	       c == ':' || c == '_' || c == '-' || c == '.';
}

bool doc_docx_has_elem(const char *data, size_t len, const char *const *locals, size_t n)
{
	const unsigned char *u = (const unsigned char *)data;
	const char *p = data;
	const char *end = data + len;

	/* Only text read as UTF-8 is looked at: it starts with '<', white
	 * space or a byte order mark, and no NUL follows a '<' there. Else
	 * (UTF-16 converted first by doc_xml_parse: a BOM, or '<' '?' with
	 * NULs; anything a parser might decode otherwise) "maybe". */
	if (len >= 1 && u[0] != '<' && u[0] != ' ' && u[0] != '\t' && u[0] != '\r' &&
	    u[0] != '\n' && u[0] != 0xEF)
		return true;
	if (len >= 2 && u[1] == 0)
		return true;
	for (;;) {
		const char *lt = memchr(p, '<', (size_t)(end - p));
		const char *q;
		const char *local;

		if (lt == NULL)
			return false;
		/* the qname: up to the first ASCII byte no name has */
		q = lt + 1;
		local = q;
		while (q < end && qname_byte((unsigned char)*q)) {
			if (*q == ':')
				local = q + 1;
			q++;
		}
		for (size_t k = 0; k < n && q > local; k++) {
			size_t ll = (size_t)(q - local);

			/* (strncmp stops at the NUL of locals[k] or where they
			 * differ, so at most ll bytes of local are read) */
			if (locals[k][0] == local[0] && strncmp(local, locals[k], ll) == 0 &&
			    locals[k][ll] == '\0')
				return true;
		}
		p = q;
	}
}

/* doc_docx_part; with n > 0, a part none of whose start tags has one of
 * the local names is neither parsed nor kept (NULL, *absent set). */
static xmlDocPtr part_load(struct doc_docx *d, const char *name, const char *const *locals,
			   size_t n, bool *absent, struct err *e)
{
	char *data;
	size_t len;
	xmlDocPtr doc;
	struct err local; /* (err_clear: zeroing all 516 bytes is a rep stos) */

	err_clear(&local);
	for (size_t i = 0; i < d->nparts; i++) {
		if (strcasecmp(d->parts[i].name, name) == 0)
			return d->parts[i].doc;
	}
	if (doc_zip_read(d->zip, name, &data, &len, e ? e : &local) != 0)
		return NULL;
	if (n > 0 && !doc_docx_has_elem(data, len, locals, n)) {
		free(data);
		*absent = true;
		return NULL;
	}
	{
		int rc;

		if (d->readonly && doc_xmlfast_parse_owned(data, len, &doc) == 0) {
			data = NULL; /* the tree keeps it */
			rc = 0;
		} else {
			/* errors name the file and the part */
			size_t ll = strlen(d->path) + strlen(name) + 8;
			char *label = xmalloc(ll);

			snprintf(label, ll, "%s（%s）", d->path, name);
			rc = doc_xml_parse(data, len, label, &doc, e ? e : &local);
			free(label);
		}
		if (rc != 0) {
			free(data);
			return NULL;
		}
	}
	free(data);
	d->parts = xgrow(d->parts, &d->parts_cap, d->nparts + 1, sizeof(*d->parts));
	d->parts[d->nparts].name = xstrdup(name);
	d->parts[d->nparts].doc = doc;
	d->parts[d->nparts].dirty = false;
	d->nparts++;
	return doc;
}

xmlDocPtr doc_docx_part(struct doc_docx *d, const char *name, struct err *e)
{
	return part_load(d, name, NULL, 0, NULL, e);
}

xmlDocPtr doc_docx_part_with(struct doc_docx *d, const char *name, const char *const *locals,
			     size_t n, bool *absent)
{
	*absent = false;
	return part_load(d, name, locals, n, absent, NULL);
}

void doc_docx_part_dirty(struct doc_docx *d, const char *name)
{
	for (size_t i = 0; i < d->nparts; i++) {
		if (strcasecmp(d->parts[i].name, name) == 0)
			d->parts[i].dirty = true;
	}
}

void doc_docx_mark_dirty(struct doc_docx *d)
{
	doc_docx_part_dirty(d, d->main_name);
}

static int load_main_name(struct doc_docx *d, struct err *e)
{
	xmlDocPtr rels = doc_docx_part(d, "_rels/.rels", NULL);
	xmlNodePtr root;

	if (rels == NULL) {
		if (doc_zip_find(d->zip, "word/document.xml") < 0)
			return err_set(e, BASE_E_FORMAT,
				       "%s: 不是Word文档（缺少 word/document.xml）", d->path);
		d->main_name = xstrdup("word/document.xml");
		return 0;
	}
	root = xmlDocGetRootElement(rels);
	for (xmlNodePtr r = root->children; r != NULL; r = r->next) {
		char *type;
		char *target;

		if (!doc_xml_is(r, NS_PR, "Relationship"))
			continue;
		type = xml_strdup_attr(r, NULL, "Type");
		target = xml_strdup_attr(r, NULL, "Target");
		if (type != NULL && target != NULL && strlen(type) > 15 &&
		    strcmp(type + strlen(type) - 15, "/officeDocument") == 0 &&
		    d->main_name == NULL)
			d->main_name = doc_docx_resolve_target("", target);
		free(type);
		free(target);
	}
	if (d->main_name == NULL)
		return err_set(e, BASE_E_FORMAT, "%s: 不是Word文档（找不到主文档部件）", d->path);
	return 0;
}

static void load_rels(struct doc_docx *d)
{
	char *dir = dir_of(d->main_name);
	const char *base = strrchr(d->main_name, '/');
	char relname[512];
	xmlDocPtr rels;
	size_t cap = 0;

	snprintf(relname, sizeof(relname), "%s%s_rels/%s.rels", dir, dir[0] ? "/" : "",
		 base ? base + 1 : d->main_name);
	rels = doc_docx_part(d, relname, NULL);
	if (rels != NULL) {
		for (xmlNodePtr r = xmlDocGetRootElement(rels)->children; r != NULL; r = r->next) {
			struct doc_rel *rel;
			char *target;

			if (!doc_xml_is(r, NS_PR, "Relationship"))
				continue;
			d->rels = xgrow(d->rels, &cap, d->nrels + 1, sizeof(*d->rels));
			rel = &d->rels[d->nrels++];
			rel->id = xml_strdup_attr(r, NULL, "Id");
			rel->type = xml_strdup_attr(r, NULL, "Type");
			target = xml_strdup_attr(r, NULL, "Target");
			if (rel->id == NULL)
				rel->id = xstrdup("");
			if (rel->type == NULL)
				rel->type = xstrdup("");
			if (target == NULL || doc_xml_attr_eq(r, NULL, "TargetMode", "External"))
				rel->target = xstrdup("");
			else
				rel->target = doc_docx_resolve_target(dir, target);
			free(target);
		}
	}
	free(dir);
}

const struct doc_rel *doc_docx_rel_by_type(const struct doc_docx *d, const char *suffix, size_t i)
{
	size_t sl = strlen(suffix);

	for (size_t k = 0; k < d->nrels; k++) {
		size_t tl = strlen(d->rels[k].type);

		if (tl >= sl && strcmp(d->rels[k].type + tl - sl, suffix) == 0 &&
		    d->rels[k].target[0] != '\0') {
			if (i == 0)
				return &d->rels[k];
			i--;
		}
	}
	return NULL;
}

const char *doc_docx_rel_target(const struct doc_docx *d, const char *rid)
{
	for (size_t k = 0; k < d->nrels; k++) {
		if (strcmp(d->rels[k].id, rid) == 0)
			return d->rels[k].target[0] ? d->rels[k].target : NULL;
	}
	return NULL;
}

/* Only what effective properties need: docDefaults and paragraph/character
 * styles with their name, basedOn, pPr and rPr (table styles, latent styles
 * and the rest are skipped while parsing: they are most of styles.xml). */
bool doc_docx_keep_style_parts(int depth, const char *ns, const char *local, const char *type,
			       void *ud)
{
	(void)ud;
	if (depth == 0)
		return true;
	if (ns == NULL || strcmp(ns, NS_W) != 0)
		return false;
	if (depth == 1)
		return strcmp(local, "docDefaults") == 0 ||
		       (strcmp(local, "style") == 0 &&
			(type == NULL || strcmp(type, "paragraph") == 0 ||
			 strcmp(type, "character") == 0));
	if (depth == 2)
		return strcmp(local, "name") == 0 || strcmp(local, "basedOn") == 0 ||
		       strcmp(local, "pPr") == 0 || strcmp(local, "rPr") == 0 ||
		       strcmp(local, "rPrDefault") == 0 || strcmp(local, "pPrDefault") == 0;
	return true;
}

/* Find "needle" in [p,end). */
static const char *find_bytes(const char *p, const char *end, const char *needle)
{
	if (p >= end)
		return NULL;
	return memmem(p, (size_t)(end - p), needle, strlen(needle));
}

#ifdef FIND_BY_AVX2
/* 0xFF at each of the 32 starts s at p with s[0] == needle[0] (first) and
 * s[k] == needle[k] (rare); reads [p, p + 32 + k). */
__attribute__((target("avx2"))) static inline __m256i pair_hits(const char *p, __m256i first,
								__m256i rare, size_t k)
{
	__m256i a = _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(const void *)p), first);
	__m256i b =
	    _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(const void *)(p + k)), rare);

	return _mm256_and_si256(a, b);
}

/* The first start p + i (bit i of m set) where needle is, else NULL. */
static const char *first_match(const char *p, uint64_t m, const char *needle, size_t n)
{
	while (m != 0) {
		const char *c = p + __builtin_ctzll(m);

		if (memcmp(c, needle, n) == 0)
			return c;
		m &= m - 1;
	}
	return NULL;
}

/* doc_docx_find_by() over the starts in whole blocks of 128 that lie at
 * least n bytes before end: a start is compared only when its first byte
 * and its byte k both match, so the rare byte's neighbours in table styles
 * ("tblStyle", "w:type" for "</w:style>") cost nothing. Returns the match,
 * or NULL with *next at the first start not looked at. */
__attribute__((target("avx2"))) static const char *find_by_avx2(const char *p, const char *end,
								const char *needle, size_t n,
								size_t k, const char **next)
{
	const __m256i first = _mm256_set1_epi8(needle[0]);
	const __m256i rare = _mm256_set1_epi8(needle[k]);

	/* a block reads [p, p + 128 + k) and compares [s, s + n) for s < p + 128:
	 * both inside [p, end) when end - p >= 128 + n (k < n) */
	while ((size_t)(end - p) >= 128 + n) {
		__m256i h0 = pair_hits(p, first, rare, k);
		__m256i h1 = pair_hits(p + 32, first, rare, k);
		__m256i h2 = pair_hits(p + 64, first, rare, k);
		__m256i h3 = pair_hits(p + 96, first, rare, k);
		__m256i any = _mm256_or_si256(_mm256_or_si256(h0, h1), _mm256_or_si256(h2, h3));

		if (!_mm256_testz_si256(any, any)) {
			uint64_t lo = (uint32_t)_mm256_movemask_epi8(h0) |
				      (uint64_t)(uint32_t)_mm256_movemask_epi8(h1) << 32;
			uint64_t hi = (uint32_t)_mm256_movemask_epi8(h2) |
				      (uint64_t)(uint32_t)_mm256_movemask_epi8(h3) << 32;
			const char *c = first_match(p, lo, needle, n);

			if (c == NULL)
				c = first_match(p + 64, hi, needle, n);
			if (c != NULL)
				return c;
		}
		p += 128;
	}
	*next = p;
	return NULL;
}
#endif

/* Find needle in [p,end) by memchr on needle[k] (a byte that is rare in
 * styles.xml), then comparing the rest: several times faster than memmem
 * over the ~300 KB of table styles a shrink skips. With AVX2 (k > 0), the
 * starts are first filtered 64 at a time by their bytes 0 and k together
 * (find_by_avx2), the rest as before. */
const char *doc_docx_find_by(const char *p, const char *end, const char *needle, size_t k)
{
	size_t n = strlen(needle);

#ifdef FIND_BY_AVX2
	if (k > 0 && k < n && p < end && __builtin_cpu_supports("avx2")) {
		const char *hit = find_by_avx2(p, end, needle, n, k, &p);

		if (hit != NULL)
			return hit;
	}
#endif
	while (p < end && (size_t)(end - p) >= n) {
		const char *q = memchr(p + k, needle[k], (size_t)(end - p) - n + 1);

		if (q == NULL)
			return NULL;
		if (q[-(ptrdiff_t)k] == needle[0] && memcmp(q - k, needle, n) == 0)
			return q - k;
		p = q - k + 1;
	}
	return NULL;
}

/* The index of the first 'y' in s (every needle below has one), else 0. */
size_t doc_docx_rare_at(const char *s)
{
	const char *y = strchr(s, 'y');

	return y != NULL ? (size_t)(y - s) : 0;
}

/* The tags the shrink looks for, with the prefix bound to wordprocessingml
 * ("<w:style", "</w:style>", ...), their lengths and where the 'y' of
 * "style" and "latentStyles" is in the start tags. */
struct shrink_tags {
	char open_style[48];
	char close_style[48];
	char open_latent[48];
	char close_latent[48];
	char type_attr[48]; /* PFX:type=" */
	size_t open_style_len;
	size_t close_style_len;
	size_t open_latent_len;
	size_t close_latent_len;
	size_t tlen;
	size_t ks; /* the 'y' of open_style */
	size_t kl; /* the 'y' of open_latent (kl > ks) */
};

/* out = lead pfx local (NUL-terminated, out has 48 bytes; plen < 32);
 * returns its length. */
static size_t shrink_tag(char *out, const char *lead, const char *pfx, size_t plen,
			 const char *local)
{
	size_t n = strlen(lead);
	size_t l = strlen(local);

	memcpy(out, lead, n);
	memcpy(out + n, pfx, plen);
	memcpy(out + n + plen, local, l + 1);
	return n + plen + l;
}

/* Is the 'y' at y the one of a cut (see next_cut)? p: where the search
 * began; y - p >= the tag's k is checked here. */
static bool cut_at(const char *p, const char *end, const char *y, const struct shrink_tags *t,
		   bool *latent)
{
	size_t at = (size_t)(y - p); /* candidates start at p + at - k */
	size_t ns = t->open_style_len;
	size_t nl = t->open_latent_len;

	if (at >= t->ks && y[-(ptrdiff_t)t->ks] == '<' && (size_t)(end - (y - t->ks)) > ns &&
	    memcmp(y - t->ks, t->open_style, ns) == 0 &&
	    (y[ns - t->ks] == ' ' || y[ns - t->ks] == '>')) {
		*latent = false;
		return true;
	}
	if (at >= t->kl && y[-(ptrdiff_t)t->kl] == '<' && (size_t)(end - (y - t->kl)) > nl &&
	    memcmp(y - t->kl, t->open_latent, nl) == 0) {
		*latent = true;
		return true;
	}
	return false;
}

#ifdef FIND_BY_AVX2
/* doc_docx_next_lt_y() over whole blocks of 32 from q (q - lo >= the
 * larger k); NULL with *next at the first byte not looked at. */
__attribute__((target("avx2"))) static const char *
next_lt_y_avx2(const char *q, const char *end, size_t k1, size_t k2, const char **next)
{
	const __m256i y = _mm256_set1_epi8('y');
	const __m256i lt = _mm256_set1_epi8('<');

	for (; end - q >= 32; q += 32) {
		__m256i at_y =
		    _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(const void *)q), y);
		__m256i lt1 = _mm256_cmpeq_epi8(
		    _mm256_loadu_si256((const __m256i *)(const void *)(q - k1)), lt);
		__m256i lt2 = _mm256_cmpeq_epi8(
		    _mm256_loadu_si256((const __m256i *)(const void *)(q - k2)), lt);
		uint32_t bits = (uint32_t)_mm256_movemask_epi8(
		    _mm256_and_si256(at_y, _mm256_or_si256(lt1, lt2)));

		if (bits != 0)
			return q + __builtin_ctz(bits);
	}
	*next = q;
	return NULL;
}
#endif

/* Has y a '<' k bytes before it, not before lo? */
static bool lt_before(const char *lo, const char *y, size_t k)
{
	return (size_t)(y - lo) >= k && y[-(ptrdiff_t)k] == '<';
}

const char *doc_docx_next_lt_y(const char *lo, const char *q, const char *end, size_t k1, size_t k2)
{
	size_t kmax = k1 > k2 ? k1 : k2;

	while (q < end) {
		const char *y;

#ifdef FIND_BY_AVX2
		/* (the 'y's of kept styles' w:type, w:styleId, w:rStyle seldom
		 * have the '<': skipped 32 at a time) */
		if ((size_t)(q - lo) >= kmax && end - q >= 32 && __builtin_cpu_supports("avx2")) {
			y = next_lt_y_avx2(q, end, k1, k2, &q);
			if (y != NULL)
				return y;
			if (q >= end)
				break;
		}
#endif
		y = memchr(q, 'y', (size_t)(end - q));
		if (y == NULL)
			return NULL;
		if (lt_before(lo, y, k1) || lt_before(lo, y, k2))
			return y;
		q = y + 1;
	}
	return NULL;
}

/* The first place at or after p where the shrink cuts: a "<PFX:style"
 * followed by a space or '>' (*latent false) or a "<PFX:latentStyles"
 * (*latent true), each with at least one byte after it. One pass over the
 * 'y' both names contain: two such starts never overlap (neither has a '<'
 * after its first byte), so the first 'y' belongs to the first start. */
static const char *next_cut(const char *p, const char *end, const struct shrink_tags *t,
			    bool *latent)
{
	const char *q = p;

	for (;;) {
		const char *y = doc_docx_next_lt_y(p, q, end, t->ks, t->kl);

		if (y == NULL)
			return NULL;
		if (cut_at(p, end, y, t, latent))
			return y - (*latent ? t->kl : t->ks);
		q = y + 1;
	}
}

/* The first type_attr (PFX:type=", tlen bytes) in the start tag [p, gt)
 * of a "<PFX:style": what find_bytes() finds, by the '=' each one has at
 * tlen - 2 (a start tag has few; memmem's set-up cost more than the
 * search). Usually it is the first attribute, and then its '=' is the
 * tag's first (the tag's name has none): looked at before any search. */
static const char *find_type_attr(const char *p, const char *gt, const struct shrink_tags *t)
{
	const char *type_attr = t->type_attr;
	size_t tlen = t->tlen;
	const char *first = p + t->open_style_len + 1;
	const char *q = p;

	if (gt - first >= (ptrdiff_t)tlen && memcmp(first, type_attr, tlen) == 0)
		return first;
	while (q < gt) {
		const char *eq = memchr(q, '=', (size_t)(gt - q));

		if (eq == NULL)
			return NULL;
		if ((size_t)(eq - p) >= tlen - 2 && (size_t)(gt - eq) >= 2 && eq[1] == '"' &&
		    memcmp(eq - (tlen - 2), type_attr, tlen - 2) == 0)
			return eq - (tlen - 2);
		q = eq + 1;
	}
	return NULL;
}

/* Table and numbering styles and w:latentStyles are ~90% of a typical
 * styles.xml and carry nothing the checks read. Cut them out textually
 * before parsing (style elements never nest). Returns NULL when the input
 * does not look as expected; the caller then parses the whole part, so a
 * bad cut can only cost time, and the parser still validates what is kept.
 * (Kept text is copied in runs between the cuts; the cuts are the same as
 * those of a scan looking at every '<'.) */
char *doc_docx_shrink_styles(const char *data, size_t len, size_t *out_len)
{
	const char *end = data + len;
	const char *ns = find_bytes(data, end, "=\"" NS_W "\"");
	const char *q;
	struct shrink_tags t;
	size_t plen;
	char *out; /* what is kept, never more than the input */
	size_t n = 0;
	const char *p = data;

	if (ns == NULL)
		return NULL;
	/* xmlns:PFX="...wordprocessingml..." */
	q = ns;
	while (q > data && q[-1] != ':' && q[-1] != ' ' && ns - q < 30)
		q--;
	plen = (size_t)(ns - q);
	if (q <= data || q[-1] != ':' || plen >= 32)
		return NULL;
	/* the tags hold the prefix up to a NUL, as when made with "%s" (not
	 * XML either way: whatever is cut, the parse fails) */
	plen = strnlen(q, plen);
	t.open_style_len = shrink_tag(t.open_style, "<", q, plen, ":style");
	t.close_style_len = shrink_tag(t.close_style, "</", q, plen, ":style>");
	t.open_latent_len = shrink_tag(t.open_latent, "<", q, plen, ":latentStyles");
	t.close_latent_len = shrink_tag(t.close_latent, "</", q, plen, ":latentStyles>");
	t.tlen = shrink_tag(t.type_attr, "", q, plen, ":type=\"");
	/* the 'y' of "style" and of "latentStyles" (not one of the prefix's:
	 * any byte of the tag would do, a start has one candidate either way) */
	t.ks = t.open_style_len - 3;
	t.kl = t.open_latent_len - 4;
	out = xmalloc(len + 1);
	while (p < end) {
		bool latent = false;
		const char *at = next_cut(p, end, &t, &latent);
		const char *gt;
		const char *skip_to = NULL;

		if (at == NULL) {
			memcpy(out + n, p, (size_t)(end - p));
			n += (size_t)(end - p);
			break;
		}
		memcpy(out + n, p, (size_t)(at - p));
		n += (size_t)(at - p);
		p = at;
		gt = memchr(p, '>', (size_t)(end - p));
		if (gt == NULL)
			goto out_fail;
		if (!latent) {
			const char *ty = find_type_attr(p, gt, &t);
			size_t tlen = t.tlen;

			/* (a match ends before gt: neither word holds a '>') */
			if (ty != NULL && (((size_t)(gt - ty) >= tlen + 6 &&
					    memcmp(ty + tlen, "table\"", 6) == 0) ||
					   ((size_t)(gt - ty) >= tlen + 10 &&
					    memcmp(ty + tlen, "numbering\"", 10) == 0))) {
				if (gt[-1] == '/') {
					skip_to = gt + 1;
				} else {
					skip_to = doc_docx_find_end_tag(gt, end, t.close_style,
									t.close_style_len);
					if (skip_to == NULL)
						goto out_fail;
					skip_to += t.close_style_len;
				}
			}
		} else if (gt[-1] == '/') {
			skip_to = gt + 1;
		} else {
			skip_to =
			    doc_docx_find_end_tag(gt, end, t.close_latent, t.close_latent_len);
			if (skip_to == NULL)
				goto out_fail;
			skip_to += t.close_latent_len;
		}
		if (skip_to != NULL) {
			p = skip_to;
			continue;
		}
		out[n++] = '<';
		p++;
	}
	out[n] = '\0';
	*out_len = n;
	return out;
out_fail:
	free(out);
	return NULL;
}

/* keep_style_parts() for a w:style element of a full tree: no w:type, or a
 * paragraph or character one (the filter compares at most 31 bytes of the
 * value, which cannot change the outcome for these two words). */
static bool style_kept(const xmlNode *n)
{
	xmlChar *owned;
	const char *type = doc_xml_attr_ref(n, NS_W, "type", &owned);
	bool keep =
	    type == NULL || strcmp(type, "paragraph") == 0 || strcmp(type, "character") == 0;

	xmlFree(owned);
	return keep;
}

/* What docDefaults and a paragraph style's chain give, before the
 * paragraph's and run's own properties override it. */
struct doc_style_base {
	bool have_p;
	bool have_r;
	struct doc_pprops p;
	struct doc_rprops r;
};

/* Paragraph properties of a read-only document by paragraph node (open
 * addressing; the numbering labels and the checks ask for the same ones). */
struct doc_pp_slot {
	const xmlNode *node; /* NULL: free */
	size_t at;	     /* index into pp */
};
/* The last few distinct w:pPr contents of a read-only document and their
 * paragraph properties: real documents repeat the same direct formatting
 * on nearly every paragraph. An entry is used only for a pPr whose content
 * equals its representative's exactly (memo_same). */
#define PP_RECENT 4
struct doc_pp_recent {
	const xmlNode *ppr; /* the representative; NULL: empty */
	struct doc_pprops pp;
};
/* The names apply_rpr() asks about, recognised by their address: a
 * doc/xmlfast tree keeps one copy of most names, and an address once seen
 * holds the same bytes for as long as the tree that showed it lives (only
 * the body's tree, which lives as long as the document, is asked through
 * it). Two-way sets by address; an entry with p NULL is empty. */
#define NAME_CACHE 64 /* two-way sets */
struct doc_name_cache {
	const xmlChar *p[NAME_CACHE];
	unsigned char kind[NAME_CACHE]; /* enum rpr_name */
};
struct doc_pp_cache {
	struct doc_pp_slot *v; /* sized for the body at load: few pages touched */
	size_t cap;	       /* a power of two, at most half full */
	struct doc_pprops *pp; /* dense, in order of first use */
	size_t n;
	size_t pp_cap;
	bool recent_ok; /* the body is a doc/xmlfast tree: recent[] is used */
	struct doc_pp_recent recent[PP_RECENT];
	unsigned char order[PP_RECENT]; /* recent[] indices, most recently used first */
	const xmlNode *last_p;		/* the paragraph last asked for run properties */
	struct doc_style_base *last_b;	/* and its style base */
	char last_sid[96];		/* and its style id, when last_sid_ok */
	bool last_sid_ok;
	struct doc_name_cache names; /* zeroed at load: all empty */
};

/*
 * Checking: styles.xml (often the largest part: a template's 300 KB of
 * styles) is read, inflated and shrunk on base/side's helper thread while
 * docx_load() parses document.xml. The same bytes as doc_zip_read() when
 * doc_zip_read_side() succeeds; load_styles() reads the part itself
 * otherwise.
 */
/* Small parts a check reads (settings, headers, footers), parsed beside
 * document.xml and added to d->parts as doc_docx_part() would add them. */
#define PRE_PARTS_MAX 16

struct pre_part {
	const char *name; /* the relationship's target (d->rels) */
	long index;	  /* in the package */
	xmlDocPtr doc;	  /* NULL: left to doc_docx_part() */
};

struct styles_pre {
	struct doc_docx *d; /* only its style fields (doc_docx_styles_index) */
	struct pre_part parts[PRE_PARTS_MAX];
	size_t nparts;
	atomic_size_t next_part; /* parts[] are claimed by both threads */
	long index;		 /* of the styles part; -1 none */
	bool ok;
	bool indexed; /* doc_docx_styles_index() took small; data freed */
	char *data;
	size_t len;
	char *small; /* doc_docx_shrink_styles(data) */
	size_t slen;
	struct base_side_job job;
};

/* The tree doc_docx_part() makes of part i when it reads it straight from
 * the package bytes and xmlfast takes it; else NULL. */
static xmlDocPtr pre_parse(const struct doc_zip *z, long i)
{
	char *data;
	size_t len;
	xmlDocPtr doc;

	if (i < 0 || !doc_zip_read_side(z, (size_t)i, &data, &len))
		return NULL;
	if (doc_xmlfast_parse_owned(data, len, &doc) != 0) {
		free(data);
		return NULL;
	}
	return doc;
}

/* Parse the small parts not yet claimed: the helper after the styles, the
 * caller once its document is parsed, whichever comes first. */
static void pre_parts_claim(struct styles_pre *p)
{
	for (;;) {
		size_t k = atomic_fetch_add_explicit(&p->next_part, 1, memory_order_relaxed);

		if (k >= p->nparts)
			return;
		p->parts[k].doc = pre_parse(p->d->zip, p->parts[k].index);
	}
}

static void styles_pre_run(void *arg)
{
	struct styles_pre *p = arg;

	p->ok = p->index >= 0 && doc_zip_read_side(p->d->zip, (size_t)p->index, &p->data, &p->len);
	if (p->ok)
		p->small = doc_docx_shrink_styles(p->data, p->len, &p->slen);
	/* d->styles, nstyles, styles_lazy, default_pstyle, dd_rpr, dd_ppr:
	 * nothing else of d, and none of these does load_document() touch */
	if (p->small != NULL && doc_docx_styles_index(p->d, p->small, p->slen)) {
		p->indexed = true;
		p->small = NULL;
		free(p->data);
		p->data = NULL;
	}
	pre_parts_claim(p);
}

static void styles_pre_start(struct doc_docx *d, struct styles_pre *p)
{
	const struct doc_rel *rel = doc_docx_rel_by_type(d, "/styles", 0);

	memset(p, 0, sizeof(*p));
	atomic_init(&p->next_part, 0);
	p->d = d;
	p->index = rel != NULL ? doc_zip_find(d->zip, rel->target) : -1;
	for (size_t k = 0; k < d->nrels && p->nparts < PRE_PARTS_MAX; k++) {
		const char *t = d->rels[k].type;
		const char *n = d->rels[k].target;
		size_t tl = strlen(t);
		bool dup = strcasecmp(n, d->main_name) == 0;

		if (n[0] == '\0' || tl < 7 ||
		    (strcmp(t + tl - 7, "/footer") != 0 && strcmp(t + tl - 7, "/header") != 0 &&
		     (tl < 9 || strcmp(t + tl - 9, "/settings") != 0)))
			continue;
		for (size_t j = 0; j < p->nparts && !dup; j++)
			dup = strcasecmp(p->parts[j].name, n) == 0;
		if (!dup) {
			p->parts[p->nparts].name = n;
			p->parts[p->nparts].index = doc_zip_find(d->zip, n);
			p->nparts++;
		}
	}
	doc_xml_init(); /* libxml2 set up on this thread (the index may fall back to it) */
	base_side_start(&p->job, styles_pre_run, p);
}

static void styles_pre_drop(struct styles_pre *p)
{
	base_side_finish(&p->job); /* (the job claims what is left) */
	for (size_t k = 0; k < p->nparts; k++)
		doc_xml_free_doc(p->parts[k].doc);
	free(p->data);
	free(p->small);
}

/* The parsed small parts into d->parts (the job has finished). */
static void pre_parts_adopt(struct doc_docx *d, struct styles_pre *p)
{
	for (size_t k = 0; k < p->nparts; k++) {
		struct doc_part *dp;

		if (p->parts[k].doc == NULL)
			continue;
		d->parts = xgrow(d->parts, &d->parts_cap, d->nparts + 1, sizeof(*d->parts));
		dp = &d->parts[d->nparts++];
		dp->name = xstrdup(p->parts[k].name);
		dp->doc = p->parts[k].doc;
		dp->dirty = false;
		p->parts[k].doc = NULL;
	}
}

/* pre: styles_pre_start()'s job, finished here; NULL reads the part here. */
static void load_styles(struct doc_docx *d, struct styles_pre *pre)
{
	const struct doc_rel *rel = doc_docx_rel_by_type(d, "/styles", 0);
	xmlDocPtr doc;
	xmlNodePtr root;
	size_t cap = 0;
	char *data;
	size_t len;
	bool fast = false;
	size_t slen = 0;
	char *small = NULL;

	if (pre != NULL) {
		if (pre->job.handed)
			pre_parts_claim(pre);
		base_side_finish(&pre->job);
		pre_parts_adopt(d, pre);
		if (pre->indexed)
			return;
		if (pre->ok) {
			data = pre->data;
			len = pre->len;
			small = pre->small;
			slen = pre->slen;
		}
	}
	if (pre == NULL || !pre->ok) {
		if (rel == NULL || doc_zip_read(d->zip, rel->target, &data, &len, NULL) != 0)
			return;
		small = doc_docx_shrink_styles(data, len, &slen);
	}
	/* Checking, plain part: each style is parsed when first asked for */
	if (d->readonly && small != NULL && doc_docx_styles_index(d, small, slen)) {
		free(data);
		return;
	}
	/* Checking: doc/xmlfast builds the whole (shrunk) tree, and the loop
	 * below skips what keep_style_parts() would have dropped; whatever
	 * xmlfast declines takes the filtered libxml2 parse as before. */
	if (d->readonly &&
	    doc_xmlfast_parse_owned(small ? small : data, small ? slen : len, &doc) == 0) {
		fast = true;
		if (small != NULL) /* the tree keeps what it parsed */
			small = NULL;
		else
			data = NULL;
	} else if (small == NULL ||
		   doc_xml_parse_filtered(small, slen, rel->target, doc_docx_keep_style_parts, NULL,
					  &doc, NULL) != 0) {
		if (doc_xml_parse_filtered(data, len, rel->target, doc_docx_keep_style_parts, NULL,
					   &doc, NULL) != 0)
			doc = NULL;
	}
	free(small);
	free(data);
	if (doc == NULL)
		return;
	d->styles_doc = doc;
	root = xmlDocGetRootElement(doc);
	for (xmlNodePtr n = root->children; n != NULL; n = n->next) {
		if (doc_xml_is(n, NS_W, "docDefaults")) {
			doc_docx_dd_fill(d, n);
		} else if (doc_xml_is(n, NS_W, "style") && (!fast || style_kept(n))) {
			struct doc_style *st;

			d->styles = xgrow(d->styles, &cap, d->nstyles + 1, sizeof(*d->styles));
			st = &d->styles[d->nstyles++];
			memset(st, 0, sizeof(*st));
			st->id = xml_strdup_attr(n, NS_W, "styleId");
			if (st->id == NULL)
				st->id = xstrdup("");
			st->type = xml_strdup_attr(n, NS_W, "type");
			if (st->type == NULL)
				st->type = xstrdup("paragraph");
			doc_docx_style_fill(st, n);
			st->is_default = doc_xml_attr_eq(n, NS_W, "default", "1") ||
					 doc_xml_attr_eq(n, NS_W, "default", "true") ||
					 doc_xml_attr_eq(n, NS_W, "default", "on");
			if (st->is_default && strcmp(st->type, "paragraph") == 0)
				d->default_pstyle = st->id;
		}
	}
}

void doc_docx_dd_fill(struct doc_docx *d, xmlNodePtr n)
{
	xmlNodePtr x = doc_xml_child(n, NS_W, "rPrDefault");

	if (x != NULL)
		d->dd_rpr = doc_xml_child(x, NS_W, "rPr");
	x = doc_xml_child(n, NS_W, "pPrDefault");
	if (x != NULL)
		d->dd_ppr = doc_xml_child(x, NS_W, "pPr");
}

void doc_docx_style_fill(struct doc_style *st, xmlNodePtr n)
{
	xmlNodePtr b = doc_xml_child(n, NS_W, "basedOn");
	xmlNodePtr nm = doc_xml_child(n, NS_W, "name");

	st->based_on = b ? xml_strdup_attr(b, NS_W, "val") : NULL;
	st->name = nm ? xml_strdup_attr(nm, NS_W, "val") : NULL;
	st->ppr = doc_xml_child(n, NS_W, "pPr");
	st->rpr = doc_xml_child(n, NS_W, "rPr");
}

static char *theme_font(xmlNodePtr font_el, bool ea)
{
	xmlNodePtr x;

	if (font_el == NULL)
		return NULL;
	if (!ea) {
		x = doc_xml_child(font_el, NS_A, "latin");
		return x ? xml_strdup_attr(x, NULL, "typeface") : NULL;
	}
	x = doc_xml_child(font_el, NS_A, "ea");
	if (x != NULL) {
		char *v = xml_strdup_attr(x, NULL, "typeface");

		if (v != NULL && v[0] != '\0')
			return v;
		free(v);
	}
	for (x = font_el->children; x != NULL; x = x->next) {
		if (doc_xml_is(x, NS_A, "font") && doc_xml_attr_eq(x, NULL, "script", "Hans"))
			return xml_strdup_attr(x, NULL, "typeface");
	}
	return xstrdup("");
}

static xmlNodePtr find_desc(xmlNodePtr n, const char *ns, const char *local)
{
	for (xmlNodePtr c = n->children; c != NULL; c = c->next) {
		xmlNodePtr f;

		if (doc_xml_is(c, ns, local))
			return c;
		f = find_desc(c, ns, local);
		if (f != NULL)
			return f;
	}
	return NULL;
}

/* The theme's fonts, read on the first w:*Theme font attribute (most
 * documents name their fonts, so checking them never reads the part). */
static void load_theme(struct doc_docx *d)
{
	const struct doc_rel *rel = doc_docx_rel_by_type(d, "/theme", 0);
	xmlDocPtr doc;
	xmlNodePtr root;
	xmlNodePtr minor;
	xmlNodePtr major;

	d->theme_loaded = true;
	if (rel == NULL)
		return;
	doc = doc_docx_part(d, rel->target, NULL);
	if (doc == NULL)
		return;
	root = xmlDocGetRootElement(doc);
	minor = find_desc(root, NS_A, "minorFont");
	major = find_desc(root, NS_A, "majorFont");
	d->theme_minor_ea = theme_font(minor, true);
	d->theme_major_ea = theme_font(major, true);
	d->theme_minor_latin = theme_font(minor, false);
	d->theme_major_latin = theme_font(major, false);
}

static void collect_paras(struct doc_docx *d)
{
	size_t cap = 0;

	for (xmlNodePtr n = d->body->children; n != NULL; n = n->next) {
		if (doc_xml_is(n, NS_W, "p")) {
			d->paras = xgrow(d->paras, &cap, d->npara + 1, sizeof(*d->paras));
			d->paras[d->npara++] = n;
		}
	}
}

/* The main document part, its root and body; d->doc, d->body. */
static int load_document(struct doc_docx *d, struct err *e)
{
	xmlNodePtr root;

	d->doc = doc_docx_part(d, d->main_name, e);
	if (d->doc == NULL)
		return e && e->code ? e->code : BASE_E_FORMAT;
	root = xmlDocGetRootElement(d->doc);
	if (!doc_xml_is(root, NS_W, "document"))
		return err_set(e, BASE_E_FORMAT, "%s: 主文档不是 WordprocessingML", d->path);
	d->body = doc_xml_child(root, NS_W, "body");
	if (d->body == NULL)
		return err_set(e, BASE_E_FORMAT, "%s: 文档缺少正文（w:body）", d->path);
	return 0;
}

static int docx_load(struct doc_docx *d, struct err *e)
{
	struct styles_pre pre[1];
	int rc;

	rc = load_main_name(d, e);
	if (rc != 0)
		return rc;
	load_rels(d); /* the styles part's name, before the main part */
	if (d->readonly)
		styles_pre_start(d, pre);
	rc = load_document(d, e);
	if (rc != 0) {
		if (d->readonly)
			styles_pre_drop(pre);
		return rc;
	}
	load_styles(d, d->readonly ? pre : NULL);
	collect_paras(d);
	if (d->readonly) {
		/* filled on first use (have_p, have_r): only the flags need
		 * clearing, not the whole of every base (a large calloc) */
		size_t base_cap = 0;

		d->style_base = xgrow(NULL, &base_cap, d->nstyles + 1, sizeof(*d->style_base));
		for (size_t i = 0; i <= d->nstyles; i++) {
			d->style_base[i].have_p = false;
			d->style_base[i].have_r = false;
		}
		d->pp_cache = xcalloc(1, sizeof(*d->pp_cache));
		d->pp_cache->cap = 64;
		while (d->pp_cache->cap < 2 * (d->npara + 1))
			d->pp_cache->cap *= 2;
		d->pp_cache->v = xcalloc(d->pp_cache->cap, sizeof(*d->pp_cache->v));
		/* every body paragraph is usually asked for: no regrowing */
		d->pp_cache->pp =
		    xgrow(NULL, &d->pp_cache->pp_cap, d->npara + 1, sizeof(*d->pp_cache->pp));
		d->pp_cache->recent_ok = doc_xmlfast_is(d->doc);
		for (unsigned char k = 0; k < PP_RECENT; k++)
			d->pp_cache->order[k] = k;
	}
	return 0;
}

/* own: data is malloc'd and goes to the zip reader (freed in any case). */
static int open_mem(const void *data, size_t len, bool own, const char *label, bool readonly,
		    struct doc_docx **out, struct err *e)
{
	struct doc_docx *d = xcalloc(1, sizeof(*d));
	int rc;

	*out = NULL;
	d->readonly = readonly;
	d->path = xstrdup(label);
	rc = own ? doc_zip_open_owned((char *)data, len, label, NULL, &d->zip, e)
		 : doc_zip_open_mem(data, len, label, NULL, &d->zip, e);
	if (rc == 0)
		rc = docx_load(d, e);
	if (rc != 0) {
		doc_docx_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

int doc_docx_open_mem(const void *data, size_t len, const char *label, struct doc_docx **out,
		      struct err *e)
{
	return open_mem(data, len, false, label, false, out, e);
}

int doc_docx_open_check_mem(const void *data, size_t len, const char *label, struct doc_docx **out,
			    struct err *e)
{
	return open_mem(data, len, false, label, true, out, e);
}

static int open_file(const char *path, bool readonly, struct doc_docx **out, struct err *e)
{
	struct doc_zip_limits l;
	char *data;
	size_t len;
	int rc;

	doc_zip_default_limits(&l);
	rc = base_read_file(path, l.max_file, &data, &len, e);
	if (rc != 0)
		return rc;
	return open_mem(data, len, true, path, readonly, out, e);
}

int doc_docx_open(const char *path, struct doc_docx **out, struct err *e)
{
	return open_file(path, false, out, e);
}

int doc_docx_open_check(const char *path, struct doc_docx **out, struct err *e)
{
	return open_file(path, true, out, e);
}

/* n is an element the property readers look at: WordprocessingML's (the
 * filtered styles parse drops the others below a style, doc/xmlfast keeps
 * them; apply_rpr() and apply_ppr() skip them). */
static bool w_element(const xmlNode *n)
{
	return n->type == XML_ELEMENT_NODE && n->ns != NULL && n->ns->href != NULL &&
	       strcmp((const char *)n->ns->href, NS_W) == 0;
}

/* Same element subtree: names, namespace URIs, attributes, WordprocessingML
 * element children. */
static bool same_elem(const xmlNode *a, const xmlNode *b)
{
	const xmlAttr *x, *y;

	if (a == NULL || b == NULL)
		return a == b;
	if (strcmp((const char *)a->name, (const char *)b->name) != 0 ||
	    (a->ns == NULL) != (b->ns == NULL) ||
	    (a->ns != NULL && strcmp((const char *)a->ns->href, (const char *)b->ns->href) != 0))
		return false;
	for (x = a->properties, y = b->properties; x != NULL && y != NULL;
	     x = x->next, y = y->next) {
		xmlChar *vx = xmlNodeGetContent((const xmlNode *)x);
		xmlChar *vy = xmlNodeGetContent((const xmlNode *)y);
		bool eq = strcmp((const char *)x->name, (const char *)y->name) == 0 &&
			  strcmp((const char *)vx, (const char *)vy) == 0;

		xmlFree(vx);
		xmlFree(vy);
		if (!eq)
			return false;
	}
	if (x != NULL || y != NULL)
		return false;
	for (a = a->children, b = b->children;; a = a->next, b = b->next) {
		while (a != NULL && !w_element(a))
			a = a->next;
		while (b != NULL && !w_element(b))
			b = b->next;
		if (a == NULL || b == NULL)
			return a == b;
		if (!same_elem(a, b))
			return false;
	}
}

static bool same_str(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

bool doc_docx_same_styles(const struct doc_docx *a, const struct doc_docx *b)
{
	for (size_t i = 0; i < a->nstyles || i < b->nstyles; i++) {
		doc_docx_styles_ready(a, i);
		doc_docx_styles_ready(b, i);
	}
	if (a->nstyles != b->nstyles || !same_elem(a->dd_rpr, b->dd_rpr) ||
	    !same_elem(a->dd_ppr, b->dd_ppr) || !same_str(a->default_pstyle, b->default_pstyle))
		return false;
	for (size_t i = 0; i < a->nstyles; i++) {
		const struct doc_style *x = &a->styles[i], *y = &b->styles[i];

		if (strcmp(x->id, y->id) != 0 || strcmp(x->type, y->type) != 0 ||
		    !same_str(x->based_on, y->based_on) || !same_str(x->name, y->name) ||
		    x->is_default != y->is_default || !same_elem(x->ppr, y->ppr) ||
		    !same_elem(x->rpr, y->rpr))
			return false;
	}
	return true;
}

struct doc_warm {
	struct doc_docx *d;
	struct base_side_job job;
};

static void warm_run(void *arg)
{
	struct doc_docx *d = ((struct doc_warm *)arg)->d;
	struct doc_pprops pp;

	for (size_t i = 0; i < d->npara; i++)
		doc_docx_para_props(d, d->paras[i], &pp);
}

void doc_docx_warm_start(struct doc_docx *d)
{
	if (d->pp_cache == NULL || d->warm != NULL)
		return;
	d->warm = xmalloc(sizeof(*d->warm));
	d->warm->d = d;
	base_side_start(&d->warm->job, warm_run, d->warm);
}

void doc_docx_warm_finish(struct doc_docx *d)
{
	if (d->warm == NULL)
		return;
	base_side_finish(&d->warm->job);
	free(d->warm);
	d->warm = NULL;
}

void doc_docx_free(struct doc_docx *d)
{
	if (d == NULL)
		return;
	doc_docx_warm_finish(d);
	for (size_t i = 0; i < d->nparts; i++) {
		doc_xml_free_doc(d->parts[i].doc);
		free(d->parts[i].name);
	}
	free(d->parts);
	doc_xml_free_doc(d->styles_doc);
	for (size_t i = 0; i < d->nstyles; i++) {
		if (d->styles_lazy == NULL) { /* else in it (doc_docx_styles_index) */
			free(d->styles[i].id);
			free(d->styles[i].type);
		}
		free(d->styles[i].based_on);
		free(d->styles[i].name);
	}
	free(d->styles);
	doc_docx_styles_free(d->styles_lazy);
	doc_numbering_free(d->numbering);
	for (size_t i = 0; i < d->nrels; i++) {
		free(d->rels[i].id);
		free(d->rels[i].type);
		free(d->rels[i].target);
	}
	free(d->rels);
	free(d->style_base);
	if (d->pp_cache != NULL) {
		free(d->pp_cache->v);
		free(d->pp_cache->pp);
	}
	free(d->pp_cache);
	free(d->theme_minor_ea);
	free(d->theme_major_ea);
	free(d->theme_minor_latin);
	free(d->theme_major_latin);
	free(d->paras);
	free(d->main_name);
	doc_zip_close(d->zip);
	free(d->path);
	free(d);
}

const struct doc_style *doc_docx_style(const struct doc_docx *d, const char *id)
{
	if (id == NULL)
		return NULL;
	for (size_t i = 0; i < d->nstyles; i++) {
		if (strcmp(d->styles[i].id, id) == 0) {
			doc_docx_styles_ready(d, i);
			return &d->styles[i];
		}
	}
	return NULL;
}

/* The style chain from the root ancestor down to id (at most MAX_STYLE_DEPTH,
 * cycles cut). Returns the count written into chain[]. */
static size_t style_chain(const struct doc_docx *d, const char *id, const struct doc_style **chain)
{
	const struct doc_style *tmp[MAX_STYLE_DEPTH];
	size_t n = 0;

	while (id != NULL && n < MAX_STYLE_DEPTH) {
		const struct doc_style *st = doc_docx_style(d, id);
		bool seen = false;

		if (st == NULL)
			break;
		for (size_t i = 0; i < n; i++)
			seen = seen || tmp[i] == st;
		if (seen)
			break;
		tmp[n++] = st;
		id = st->based_on;
	}
	for (size_t i = 0; i < n; i++)
		chain[i] = tmp[n - 1 - i];
	return n;
}

/* snprintf(out, outsz, "%s", s) without the formatting machinery. */
static void copy_str(char *out, size_t outsz, const char *s)
{
	size_t n = strlen(s);

	if (outsz == 0)
		return;
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

/* ns is WordprocessingML's (doc/xmlfast keeps the NS_W constant itself). */
static bool ns_is_w(const xmlNs *ns)
{
	static const char *const w_uri = NS_W;

	return ns != NULL && ((const char *)ns->href == w_uri ||
			      (ns->href != NULL && strcmp((const char *)ns->href, w_uri) == 0));
}

/* strcmp(name, local) == 0, inlined for constant names. */
static inline bool same_name(const xmlChar *name, const char *local)
{
	size_t i = 0;

	for (; local[i] != '\0'; i++) {
		if (name[i] != (xmlChar)local[i])
			return false;
	}
	return name[i] == '\0';
}

/* xmlFree(o), not called for the usual NULL (a borrowed value). */
static inline void free_owned(xmlChar *o)
{
	if (o != NULL)
		xmlFree(o);
}

/* doc_xml_child(n, NS_W, local), inlined for constant names. */
static inline xmlNodePtr w_child(const xmlNode *n, const char *local)
{
	if (n == NULL)
		return NULL;
	for (xmlNodePtr c = n->children; c != NULL; c = c->next) {
		if (c->type == XML_ELEMENT_NODE && c->name[0] == (xmlChar)local[0] &&
		    same_name(c->name, local) && ns_is_w(c->ns))
			return c;
	}
	return NULL;
}

/* The style id of the paragraph whose w:pPr is ppr (NULL: none), else the
 * default paragraph style's; NULL when neither. Borrowed (*owned, when
 * not NULL, is to be freed with free_owned() after use). */
static const char *para_style_ref(const struct doc_docx *d, xmlNodePtr ppr, xmlChar **owned)
{
	xmlNodePtr ps = w_child(ppr, "pStyle");

	*owned = NULL;
	if (ps != NULL) {
		const char *v = doc_xml_attr_ref(ps, NS_W, "val", owned);

		if (v != NULL)
			return v;
		free_owned(*owned);
		*owned = NULL;
	}
	return d->default_pstyle;
}

/* para_style_ref() copied into out (cut to outsz); NULL when none. */
static char *para_style_id(const struct doc_docx *d, xmlNodePtr ppr, char *out, size_t outsz)
{
	xmlChar *owned;
	const char *v = para_style_ref(d, ppr, &owned);

	out[0] = '\0';
	if (v == NULL)
		return NULL;
	copy_str(out, outsz, v);
	free_owned(owned);
	return out;
}

static const char *theme_lookup(const struct doc_docx *d, const char *th)
{
	const char *v = NULL;

	if (!d->theme_loaded) /* a cache filled on demand: the model is not changed */
		load_theme((struct doc_docx *)d);
	if (strcmp(th, "minorEastAsia") == 0)
		v = d->theme_minor_ea;
	else if (strcmp(th, "majorEastAsia") == 0)
		v = d->theme_major_ea;
	else if (strcmp(th, "minorHAnsi") == 0 || strcmp(th, "minorAscii") == 0)
		v = d->theme_minor_latin;
	else if (strcmp(th, "majorHAnsi") == 0 || strcmp(th, "majorAscii") == 0)
		v = d->theme_major_latin;
	return v ? v : th;
}

/* The value of n's w:name attribute as doc_xml_attr_ref() gives it; fast:
 * n is in a doc/xmlfast tree (no DTD, every value one text node), whose
 * attributes are looked through here without the general checks. */
static const char *w_val(const xmlNode *n, bool fast, const char *name, xmlChar **owned)
{
	*owned = NULL;
	if (!fast)
		return doc_xml_attr_ref(n, NS_W, name, owned);
	for (const xmlAttr *a = n->properties; a != NULL; a = a->next) {
		if (a->name[0] == (xmlChar)name[0] && same_name(a->name, name) && ns_is_w(a->ns))
			return a->children == NULL ? "" : (const char *)a->children->content;
	}
	return NULL;
}

static void copy_attr(const xmlNode *n, bool fast, const char *local, char *out, size_t outsz)
{
	xmlChar *owned;
	const char *v = w_val(n, fast, local, &owned);

	if (v != NULL) {
		copy_str(out, outsz, v);
		if (owned != NULL)
			free_owned(owned);
	}
}

static bool w_val_long(const xmlNode *n, bool fast, const char *name, long *out)
{
	xmlChar *owned;
	const char *v = w_val(n, fast, name, &owned);
	bool ok;

	if (v == NULL)
		return false;
	ok = doc_xml_str_long(v, out);
	free_owned(owned);
	return ok;
}

/* nm is stem (then plain) or stem + suffix (then with); else -1. */
static inline int stem_is(const xmlChar *nm, const char *stem, const char *suffix, int plain,
			  int with)
{
	size_t i = 0;

	for (; stem[i] != '\0'; i++) {
		if (nm[i] != (xmlChar)stem[i])
			return -1;
	}
	if (nm[i] == '\0')
		return plain;
	return same_name(nm + i, suffix) ? with : -1;
}

/* The index of a w:rFonts attribute name in rfonts_names, else -1. */
static int rfonts_index(const xmlChar *nm)
{
	switch (nm[0]) {
	case 'e':
		return stem_is(nm, "eastAsia", "Theme", 1, 0);
	case 'a':
		return stem_is(nm, "ascii", "Theme", 3, 2);
	case 'h':
		return nm[1] == 'i' ? (same_name(nm, "hint") ? 6 : -1)
				    : stem_is(nm, "hAnsi", "Theme", 5, 4);
	default:
		return -1;
	}
}

/* The index of a w:ind attribute name in apply_ind()'s names, else -1. */
static int ind_index(const xmlChar *nm)
{
	switch (nm[0]) {
	case 'l':
		return stem_is(nm, "left", "Chars", 4, 0);
	case 'r':
		return stem_is(nm, "right", "Chars", 6, 1);
	case 'h':
		return stem_is(nm, "hanging", "Chars", 8, 2);
	case 'f':
		return stem_is(nm, "firstLine", "Chars", 9, 3);
	case 's':
		return same_name(nm, "start") ? 5 : -1;
	case 'e':
		return same_name(nm, "end") ? 7 : -1;
	default:
		return -1;
	}
}

/* The values of n's w: attributes (NULL: absent) by the index that
 * index_of gives their names (k of them; the first of a name wins) in one
 * pass over its attributes, as doc_xml_attr_ref gives them, for a
 * doc/xmlfast tree; false for any other tree, whose attributes are then
 * asked for one by one (w_attr). */
static bool w_attrs(const xmlNode *n, bool fast, int (*index_of)(const xmlChar *), size_t k,
		    const char **v)
{
	if (!fast || n->type != XML_ELEMENT_NODE)
		return false;
	for (size_t i = 0; i < k; i++)
		v[i] = NULL;
	for (const xmlAttr *a = n->properties; a != NULL; a = a->next) {
		int i;

		if (!ns_is_w(a->ns))
			continue;
		i = index_of(a->name);
		if (i >= 0 && v[i] == NULL)
			v[i] = a->children != NULL ? (const char *)a->children->content : "";
	}
	return true;
}

/* w:name (index i of w_attrs' names) of n: from v when w_attrs filled it,
 * else doc_xml_attr_ref (*owned for xmlFree). */
static const char *w_attr(const xmlNode *n, const char *const *v, size_t i, const char *name,
			  xmlChar **owned)
{
	*owned = NULL;
	if (v != NULL)
		return v[i];
	return doc_xml_attr_ref(n, NS_W, name, owned);
}

/* doc_xml_attr_long of w:name, as w_attr. */
static bool w_long(const xmlNode *n, const char *const *v, size_t i, const char *name, long *out)
{
	if (v != NULL)
		return v[i] != NULL && doc_xml_str_long(v[i], out);
	return doc_xml_attr_long(n, NS_W, name, out);
}

/* w:rFonts attributes by index (w_attrs) */
static const char *const rfonts_names[] = {"eastAsiaTheme", "eastAsia", "asciiTheme", "ascii",
					   "hAnsiTheme",    "hAnsi",	"hint"};

static void font_slot(const struct doc_docx *d, xmlNodePtr rf, const char *const *v, size_t i,
		      char *out, size_t outsz)
{
	xmlChar *owned;
	const char *th = w_attr(rf, v, i, rfonts_names[i], &owned);
	const char *f;

	if (th != NULL && th[0] != '\0') {
		copy_str(out, outsz, theme_lookup(d, th));
		free_owned(owned);
		return;
	}
	free_owned(owned);
	f = w_attr(rf, v, i + 1, rfonts_names[i + 1], &owned);
	if (f != NULL) {
		copy_str(out, outsz, f);
		free_owned(owned);
	}
}

/* font_slot() from the values w_attrs() gave (inlined: three per w:rFonts) */
static inline void font_slot_v(const struct doc_docx *d, const char *const *v, size_t i, char *out,
			       size_t outsz)
{
	const char *f = v[i] != NULL && v[i][0] != '\0' ? theme_lookup(d, v[i]) : v[i + 1];

	if (f != NULL)
		copy_str(out, outsz, f);
}

/* c is in WordprocessingML's namespace (doc/xmlfast keeps the NS_W
 * constant itself as the URI: equal pointers usually answer). */
static bool is_w(const xmlNode *c)
{
	return ns_is_w(c->ns);
}

/* c's local name is local. */
static bool name_is(const xmlNode *c, const char *local)
{
	return same_name(c->name, local);
}

/* The names apply_rpr() reads: RN_RF + rfonts_index() for w:rFonts'. */
enum rpr_name {
	RN_OTHER,
	RN_RFONTS,
	RN_SZ,
	RN_B,
	RN_I,
	RN_STRIKE,
	RN_U,
	RN_COLOR,
	RN_HIGHLIGHT,
	RN_VAL,
	RN_RF /* to RN_RF + 6 */
};

/* (kept out of line: the cache answers nearly every name) */
static unsigned char rpr_name_of(const xmlChar *nm) __attribute__((noinline));

static unsigned char rpr_name_of(const xmlChar *nm)
{
	static const struct {
		const char *name;
		unsigned char kind;
	} names[] = {
	    {"rFonts", RN_RFONTS}, {"sz", RN_SZ}, {"b", RN_B},	       {"i", RN_I},
	    {"strike", RN_STRIKE}, {"u", RN_U},	  {"color", RN_COLOR}, {"highlight", RN_HIGHLIGHT},
	    {"val", RN_VAL}};
	int rf = rfonts_index(nm);

	if (rf >= 0)
		return (unsigned char)(RN_RF + rf);
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		if (nm[0] == (xmlChar)names[k].name[0] && same_name(nm, names[k].name))
			return names[k].kind;
	}
	return RN_OTHER;
}

/* rpr_name_of(nm), through nc when not NULL. */
static inline unsigned char rpr_name(struct doc_name_cache *nc, const xmlChar *nm)
{
	size_t i;

	if (nc == NULL)
		return rpr_name_of(nm);
	/* (names are mostly 16-byte aligned and near each other) */
	i = 2 * ((((uintptr_t)nm >> 4) ^ ((uintptr_t)nm >> 9)) & (NAME_CACHE / 2 - 1));
	if (nc->p[i] == nm)
		return nc->kind[i];
	if (nc->p[i + 1] == nm)
		return nc->kind[i + 1];
	/* the set's other entry becomes its older one */
	nc->p[i + 1] = nc->p[i];
	nc->kind[i + 1] = nc->kind[i];
	nc->p[i] = nm;
	nc->kind[i] = rpr_name_of(nm);
	return nc->kind[i];
}

/* w_val(n, fast, "val", owned); with nc (a doc/xmlfast tree), names through it. */
static inline const char *rpr_val(const xmlNode *n, bool fast, struct doc_name_cache *nc,
				  xmlChar **owned)
{
	if (nc == NULL)
		return w_val(n, fast, "val", owned);
	*owned = NULL;
	for (const xmlAttr *a = n->properties; a != NULL; a = a->next) {
		if (rpr_name(nc, a->name) == RN_VAL && ns_is_w(a->ns))
			return a->children == NULL ? "" : (const char *)a->children->content;
	}
	return NULL;
}

/* doc_xml_str_long(v, out), the usual one or two digits (a w:sz) inlined. */
static inline bool rpr_long(const char *v, long *out)
{
	if (v[0] >= '0' && v[0] <= '9') {
		if (v[1] == '\0') {
			*out = v[0] - '0';
			return true;
		}
		if (v[1] >= '0' && v[1] <= '9' && v[2] == '\0') {
			*out = (v[0] - '0') * 10 + (v[1] - '0');
			return true;
		}
	}
	return doc_xml_str_long(v, out);
}

/* n's w:val (as rpr_val gives it) as an on/off value; absent: on. */
static bool rpr_on_off(const xmlNode *n, bool fast, struct doc_name_cache *nc)
{
	xmlChar *owned;
	const char *v = rpr_val(n, fast, nc, &owned);
	bool on = true;

	if (v != NULL) {
		on = !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0);
		free_owned(owned);
	}
	return on;
}

/* n's w:val (as rpr_val gives it) copied into out when present. */
static void rpr_copy_val(const xmlNode *n, bool fast, struct doc_name_cache *nc, char *out,
			 size_t outsz)
{
	xmlChar *owned;
	const char *v = rpr_val(n, fast, nc, &owned);

	if (v != NULL) {
		copy_str(out, outsz, v);
		free_owned(owned);
	}
}

/* w_attrs(n, true, rfonts_index, 7, v) with the names through nc. */
static void rfonts_attrs(const xmlNode *n, struct doc_name_cache *nc, const char **v)
{
	for (size_t i = 0; i < 7; i++)
		v[i] = NULL;
	for (const xmlAttr *a = n->properties; a != NULL; a = a->next) {
		unsigned k = rpr_name(nc, a->name);

		if (k >= RN_RF && ns_is_w(a->ns) && v[k - RN_RF] == NULL)
			v[k - RN_RF] =
			    a->children != NULL ? (const char *)a->children->content : "";
	}
}

static void apply_rfonts(const struct doc_docx *d, xmlNodePtr c, bool fast,
			 struct doc_name_cache *nc, struct doc_rprops *o)
{
	const char *vals[7];
	const char *const *v = vals;
	xmlChar *owned;
	const char *hint;

	if (nc != NULL)
		rfonts_attrs(c, nc, vals);
	else if (!w_attrs(c, fast, rfonts_index, 7, vals))
		v = NULL;
	if (v != NULL) {
		font_slot_v(d, v, 0, o->ea, sizeof(o->ea));
		font_slot_v(d, v, 2, o->ascii, sizeof(o->ascii));
		font_slot_v(d, v, 4, o->hansi, sizeof(o->hansi));
	} else {
		font_slot(d, c, v, 0, o->ea, sizeof(o->ea));
		font_slot(d, c, v, 2, o->ascii, sizeof(o->ascii));
		font_slot(d, c, v, 4, o->hansi, sizeof(o->hansi));
	}
	hint = w_attr(c, v, 6, "hint", &owned);
	if (hint != NULL && strcmp(hint, "eastAsia") == 0)
		o->hint_ea = true;
	free_owned(owned);
}

static void apply_rpr(const struct doc_docx *d, xmlNodePtr rpr, struct doc_rprops *o)
{
	/* (names by address only in the body's tree, a doc/xmlfast one when
	 * recent_ok: see struct doc_name_cache) */
	struct doc_name_cache *nc =
	    d->pp_cache != NULL && d->pp_cache->recent_ok && rpr->doc == d->doc
		? &d->pp_cache->names
		: NULL;
	bool fast = nc != NULL || doc_xmlfast_is(rpr->doc);

	for (xmlNodePtr c = rpr->children; c != NULL; c = c->next) {
		xmlChar *owned;
		const char *v;
		long n;

		if (c->type != XML_ELEMENT_NODE || !is_w(c))
			continue;
		switch (rpr_name(nc, c->name)) {
		case RN_RFONTS:
			apply_rfonts(d, c, fast, nc, o);
			break;
		case RN_SZ:
			v = rpr_val(c, fast, nc, &owned);
			if (v != NULL && rpr_long(v, &n))
				o->sz = (int)n;
			free_owned(owned);
			break;
		case RN_B:
			o->bold = rpr_on_off(c, fast, nc);
			break;
		case RN_I:
			o->italic = rpr_on_off(c, fast, nc);
			break;
		case RN_STRIKE:
			o->strike = rpr_on_off(c, fast, nc);
			break;
		case RN_U:
			o->underline = !doc_xml_attr_eq(c, NS_W, "val", "none");
			break;
		case RN_COLOR:
			rpr_copy_val(c, fast, nc, o->color, sizeof(o->color));
			break;
		case RN_HIGHLIGHT:
			rpr_copy_val(c, fast, nc, o->highlight, sizeof(o->highlight));
			break;
		default:
			break;
		}
	}
}

/* The slot of a read-only document's style base for paragraph style sid
 * (NULL: none); every id that starts no chain shares the last slot. */
static struct doc_style_base *style_base(const struct doc_docx *d, const char *sid)
{
	const struct doc_style *st = doc_docx_style(d, sid);

	return &d->style_base[st ? (size_t)(st - d->styles) : d->nstyles];
}

/* docDefaults, then the paragraph style chain's rPr. */
static void run_base(const struct doc_docx *d, const char *sid, struct doc_rprops *out)
{
	const struct doc_style *chain[MAX_STYLE_DEPTH];
	size_t n;

	memset(out, 0, sizeof(*out));
	if (d->dd_rpr != NULL)
		apply_rpr(d, d->dd_rpr, out);
	n = style_chain(d, sid, chain);
	for (size_t i = 0; i < n; i++) {
		if (chain[i]->rpr != NULL)
			apply_rpr(d, chain[i]->rpr, out);
	}
}

/* The run's own properties (its w:rStyle chain, then its w:rPr) over out. */
static void run_own(const struct doc_docx *d, xmlNodePtr rpr, struct doc_rprops *out)
{
	const struct doc_style *chain[MAX_STYLE_DEPTH];
	xmlNodePtr rs = w_child(rpr, "rStyle");

	if (rs != NULL) {
		xmlChar *owned;
		const char *v = doc_xml_attr_ref(rs, NS_W, "val", &owned);
		size_t n = style_chain(d, v, chain);

		for (size_t i = 0; i < n; i++) {
			if (chain[i]->rpr != NULL)
				apply_rpr(d, chain[i]->rpr, out);
		}
		free_owned(owned);
	}
	apply_rpr(d, rpr, out);
}

/* The style base of paragraph p with its run properties filled
 * (read-only documents; a paragraph's runs are asked for one after
 * another, so the last paragraph's base is kept). */
static struct doc_style_base *run_base_of(const struct doc_docx *d, xmlNodePtr p)
{
	struct doc_pp_cache *c = d->pp_cache;
	char sid[96];
	const char *id;
	struct doc_style_base *b;

	if (p != NULL && c->last_p == p)
		return c->last_b;
	/* the same style id as the last paragraph's, without the copy (one
	 * equal to last_sid is shorter than sid: the copy would be the same) */
	if (c->last_sid_ok) {
		xmlChar *owned;
		const char *v = para_style_ref(d, w_child(p, "pPr"), &owned);
		bool same = v != NULL && strcmp(v, c->last_sid) == 0;

		free_owned(owned);
		if (same) {
			c->last_p = p;
			return c->last_b;
		}
	}
	id = para_style_id(d, w_child(p, "pPr"), sid, sizeof(sid));
	if (c->last_sid_ok && id != NULL && strcmp(id, c->last_sid) == 0) {
		c->last_p = p;
		return c->last_b;
	}
	b = style_base(d, id);
	c->last_sid_ok = id != NULL;
	if (id != NULL)
		copy_str(c->last_sid, sizeof(c->last_sid), id);
	if (!b->have_r) {
		run_base(d, id, &b->r);
		b->have_r = true;
	}
	c->last_p = p;
	c->last_b = b;
	return b;
}

void doc_docx_run_props(const struct doc_docx *d, xmlNodePtr p, xmlNodePtr r,
			struct doc_rprops *out)
{
	xmlNodePtr rpr = w_child(r, "rPr");

	if (d->style_base != NULL && d->pp_cache != NULL) {
		/* the trees never change: the base is the same for every run */
		*out = run_base_of(d, p)->r;
	} else {
		char sid[96];

		run_base(d, para_style_id(d, w_child(p, "pPr"), sid, sizeof(sid)), out);
	}
	if (rpr != NULL)
		run_own(d, rpr, out);
}

/* One level's w:ind (oracle semantics: the properties it mentions override;
 * non-zero *Chars win over twips; hanging wins over firstLine). */
static void apply_ind(xmlNodePtr ind, bool fast, struct doc_pprops *o)
{
	static const char *const names[] = {
	    "leftChars", "rightChars", "hangingChars", "firstLineChars", "left",
	    "start",	 "right",      "end",	       "hanging",	 "firstLine"};
	const char *vals[10];
	const char *const *a = w_attrs(ind, fast, ind_index, 10, vals) ? vals : NULL;
	long v;
	long lc = 0;
	long rc = 0;
	long hc = 0;
	long fc = 0;
	bool has_lc = w_long(ind, a, 0, names[0], &lc);
	bool has_rc = w_long(ind, a, 1, names[1], &rc);
	bool has_hc = w_long(ind, a, 2, names[2], &hc);
	bool has_fc = w_long(ind, a, 3, names[3], &fc);
	bool has_h;
	bool has_f;
	long h = 0;
	long f = 0;

	if (has_lc && lc != 0)
		o->left = lc * 320 / 100;
	else if (w_long(ind, a, 4, names[4], &v) || w_long(ind, a, 5, names[5], &v))
		o->left = v;
	else if (has_lc)
		o->left = 0;
	if (has_rc && rc != 0)
		o->right = rc * 320 / 100;
	else if (w_long(ind, a, 6, names[6], &v) || w_long(ind, a, 7, names[7], &v))
		o->right = v;
	else if (has_rc)
		o->right = 0;
	has_h = w_long(ind, a, 8, names[8], &h);
	has_f = w_long(ind, a, 9, names[9], &f);
	if (!(has_h || has_f || has_hc || has_fc))
		return;
	if (has_hc && hc != 0)
		o->first = -(hc * 320 / 100);
	else if (has_h && h != 0)
		o->first = -h;
	else if (has_fc && fc != 0)
		o->first = fc * 320 / 100;
	else
		o->first = has_f ? f : 0;
}

static void apply_ppr(xmlNodePtr ppr, struct doc_pprops *o)
{
	bool fast = doc_xmlfast_is(ppr->doc);

	for (xmlNodePtr c = ppr->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || !is_w(c))
			continue;
		if (c->name[0] != 'j' && c->name[0] != 'i' && c->name[0] != 's' &&
		    c->name[0] != 'n')
			continue; /* none of the names below */
		if (name_is(c, "jc")) {
			copy_attr(c, fast, "val", o->jc, sizeof(o->jc));
		} else if (name_is(c, "ind")) {
			apply_ind(c, fast, o);
		} else if (name_is(c, "spacing")) {
			long v;

			if (w_val_long(c, fast, "line", &v)) {
				o->line = v;
				o->has_line = true;
				copy_str(o->line_rule, sizeof(o->line_rule), "auto");
			}
			copy_attr(c, fast, "lineRule", o->line_rule, sizeof(o->line_rule));
		} else if (name_is(c, "numPr")) {
			xmlNodePtr x = w_child(c, "numId");
			long v;

			if (x != NULL && w_val_long(x, fast, "val", &v))
				o->num_id = (int)v;
			x = w_child(c, "ilvl");
			if (x != NULL && w_val_long(x, fast, "val", &v))
				o->num_ilvl = (int)v;
		}
	}
}

/* --- recent w:pPr contents (read-only documents) ---------------- */

/* w:rPr below a w:pPr is the paragraph mark's: apply_ppr() and
 * para_style_id() never look at it (nor at any element so named). */
static bool memo_skipped(const xmlNode *c, bool skip_rpr)
{
	return skip_rpr && c->type == XML_ELEMENT_NODE && same_name(c->name, "rPr");
}

/* Equal strings (or both NULL); inlined: names and values are short. */
static inline bool memo_same_str(const xmlChar *a, const xmlChar *b)
{
	if (a == b)
		return true;
	if (a == NULL || b == NULL)
		return false;
	for (; *a == *b; a++, b++) {
		if (*a == '\0')
			return true;
	}
	return false;
}

static inline bool memo_same_ns(const xmlNs *a, const xmlNs *b)
{
	return a == b || (a != NULL && b != NULL && memo_same_str(a->href, b->href));
}

/* Two attribute values or text node lists (doc/xmlfast: one text node). */
static bool memo_same_text(const xmlNode *x, const xmlNode *y)
{
	for (; x != NULL && y != NULL; x = x->next, y = y->next) {
		if (x->type != y->type || x->children != NULL || y->children != NULL ||
		    !memo_same_str(x->content, y->content))
			return false;
	}
	return x == y;
}

static bool memo_same_attrs(const xmlAttr *a, const xmlAttr *b)
{
	for (; a != NULL && b != NULL; a = a->next, b = b->next) {
		const xmlNode *x = a->children;
		const xmlNode *y = b->children;

		if (!memo_same_str(a->name, b->name) || !memo_same_ns(a->ns, b->ns))
			return false;
		/* (doc/xmlfast: the value is the one text node, whose content
		 * is all that the readers take) */
		if (x != NULL && y != NULL && x->next == NULL && y->next == NULL) {
			if (!memo_same_str(x->content, y->content))
				return false;
		} else if (!memo_same_text(x, y)) {
			return false;
		}
	}
	return a == b;
}

/* a's and b's children are the same: node types, names, namespace URIs,
 * attributes (names, URIs, values, in order), text, all the way down
 * (less a pPr's own w:rPr children: memo_skipped). What the property
 * readers give is a function of this content, the style base and the
 * document's styles and theme. */
static bool memo_same(const xmlNode *a, const xmlNode *b, bool skip_rpr)
{
	const xmlNode *x = a->children;
	const xmlNode *y = b->children;

	for (;; x = x->next, y = y->next) {
		if (skip_rpr) {
			while (x != NULL && memo_skipped(x, true))
				x = x->next;
			while (y != NULL && memo_skipped(y, true))
				y = y->next;
		}
		if (x == NULL || y == NULL)
			return x == y;
		if (x->type != y->type || !memo_same_str(x->name, y->name))
			return false;
		if (x->type != XML_ELEMENT_NODE) {
			if (x->children != NULL || y->children != NULL ||
			    !memo_same_str(x->content, y->content))
				return false;
			continue;
		}
		if (!memo_same_ns(x->ns, y->ns) || !memo_same_attrs(x->properties, y->properties))
			return false;
		if ((x->children != NULL || y->children != NULL) && !memo_same(x, y, false))
			return false;
	}
}

/* docDefaults, then the paragraph style chain's pPr (style_id untouched). */
static void para_base(const struct doc_docx *d, const char *sid, struct doc_pprops *out)
{
	const struct doc_style *chain[MAX_STYLE_DEPTH];
	size_t n;

	memset(out, 0, sizeof(*out));
	if (d->dd_ppr != NULL)
		apply_ppr(d->dd_ppr, out);
	n = style_chain(d, sid, chain);
	for (size_t i = 0; i < n; i++) {
		if (chain[i]->ppr != NULL)
			apply_ppr(chain[i]->ppr, out);
	}
}

static void para_props(const struct doc_docx *d, xmlNodePtr p, struct doc_pprops *out);

static size_t pp_slot(const struct doc_pp_slot *v, size_t cap, const xmlNode *node)
{
	size_t i = (size_t)(((uint64_t)(uintptr_t)node * 0x9E3779B97F4A7C15u) >> 32) & (cap - 1);

	while (v[i].node != NULL && v[i].node != node)
		i = (i + 1) & (cap - 1);
	return i;
}

void doc_docx_para_props(const struct doc_docx *d, xmlNodePtr p, struct doc_pprops *out)
{
	struct doc_pp_cache *c = d->pp_cache;
	size_t i;

	if (c == NULL || p == NULL) {
		para_props(d, p, out);
		return;
	}
	if (2 * (c->n + 1) > c->cap) {
		struct doc_pp_slot *old = c->v;
		size_t oldcap = c->cap;

		c->cap = 2 * oldcap;
		c->v = xcalloc(c->cap, sizeof(*c->v));
		for (size_t k = 0; k < oldcap; k++) {
			if (old[k].node != NULL)
				c->v[pp_slot(c->v, c->cap, old[k].node)] = old[k];
		}
		free(old);
	}
	i = pp_slot(c->v, c->cap, p);
	if (c->v[i].node == NULL) {
		c->pp = xgrow(c->pp, &c->pp_cap, c->n + 1, sizeof(*c->pp));
		para_props(d, p, &c->pp[c->n]);
		c->v[i].node = p;
		c->v[i].at = c->n++;
	}
	*out = c->pp[c->v[i].at];
}

/* Paragraph properties from the style chain of w:pPr ppr (NULL: none). */
static void para_compute(const struct doc_docx *d, xmlNodePtr ppr, struct doc_pprops *out)
{
	char sid[sizeof(out->style_id)] = {0};
	const char *id = para_style_id(d, ppr, sid, sizeof(sid));

	if (d->style_base != NULL) {
		struct doc_style_base *b = style_base(d, id);

		if (!b->have_p) {
			para_base(d, id, &b->p);
			b->have_p = true;
		}
		*out = b->p;
	} else {
		para_base(d, id, out);
	}
	memcpy(out->style_id, sid, sizeof(sid));
	if (ppr != NULL)
		apply_ppr(ppr, out);
}

/* para_compute of p's w:pPr; a read-only document's recent[] answers for
 * a pPr with a representative's content. */
static void para_props(const struct doc_docx *d, xmlNodePtr p, struct doc_pprops *out)
{
	struct doc_pp_cache *c = d->pp_cache;
	xmlNodePtr ppr = w_child(p, "pPr");
	unsigned char slot;
	size_t j;

	if (c == NULL || !c->recent_ok || ppr == NULL || ppr->doc != d->doc) {
		para_compute(d, ppr, out);
		return;
	}
	for (j = 0; j < PP_RECENT; j++) {
		const struct doc_pp_recent *e = &c->recent[c->order[j]];

		if (e->ppr == NULL || memo_same(e->ppr, ppr, true))
			break;
	}
	if (j == PP_RECENT || c->recent[c->order[j]].ppr == NULL) {
		j = j < PP_RECENT ? j : PP_RECENT - 1; /* a free entry, else the oldest */
		c->recent[c->order[j]].ppr = ppr;
		para_compute(d, ppr, &c->recent[c->order[j]].pp);
	}
	slot = c->order[j];
	for (; j > 0; j--)
		c->order[j] = c->order[j - 1];
	c->order[0] = slot;
	*out = c->recent[slot].pp;
}

void doc_ptext_init(struct doc_ptext *t)
{
	memset(t, 0, sizeof(*t));
	ustr_init(&t->text);
}

void doc_ptext_free(struct doc_ptext *t)
{
	ustr_free(&t->text);
	free(t->segs);
	free(t->sects);
	doc_ptext_init(t);
}

/* The walk over a paragraph: the text so far and the last namespace found
 * to be WordprocessingML's (xmlfast trees share one per prefix), so most
 * elements are recognised without comparing the URI. */
struct text_walk {
	struct doc_ptext *t;
	const xmlNs *wns;
	size_t base; /* where the paragraph's text starts in t->text */
};

/* A segment for what the walk added to its text from start on. */
static void add_seg(struct text_walk *w, xmlNodePtr run, xmlNodePtr node, size_t start, int kind)
{
	struct doc_ptext *t = w->t;
	struct doc_seg *s;

	t->segs = xgrow(t->segs, &t->segs_cap, t->nsegs + 1, sizeof(*t->segs));
	s = &t->segs[t->nsegs++];
	s->run = run;
	s->node = node;
	s->start = start - w->base;
	s->len = t->text.len - start;
	s->kind = kind;
}

/* doc_xml_is(c, NS_W, local) for an element c. */
static inline bool walk_is(struct text_walk *w, const xmlNode *c, const char *local)
{
	if (!same_name(c->name, local) || c->ns == NULL)
		return false;
	if (c->ns == w->wns)
		return true;
	if (!is_w(c))
		return false;
	w->wns = c->ns;
	return true;
}

static void run_text(xmlNodePtr r, struct text_walk *w)
{
	struct doc_ptext *t = w->t;

	for (xmlNodePtr c = r->children; c != NULL; c = c->next) {
		size_t start = t->text.len;

		if (c->type != XML_ELEMENT_NODE ||
		    (c->name[0] != 't' && c->name[0] != 'b' && c->name[0] != 'c'))
			continue; /* (not t, tab, br or cr) */
		if (walk_is(w, c, "t")) {
			xmlNodePtr only = c->children;

			if (only != NULL && only->next == NULL && only->type == XML_TEXT_NODE) {
				/* what xmlNodeGetContent returns, without the copy */
				if (only->content != NULL)
					ustr_add_utf8(&t->text, (const char *)only->content,
						      strlen((const char *)only->content));
			} else {
				xmlChar *s = xmlNodeGetContent(c);

				if (s != NULL) {
					ustr_add_utf8(&t->text, (const char *)s,
						      strlen((const char *)s));
					xmlFree(s);
				}
			}
			add_seg(w, r, c, start, DOC_SEG_TEXT);
		} else if (walk_is(w, c, "tab")) {
			ustr_push(&t->text, '\t');
			add_seg(w, r, c, start, DOC_SEG_TAB);
		} else if (walk_is(w, c, "br") || walk_is(w, c, "cr")) {
			ustr_push(&t->text, '\n');
			add_seg(w, r, c, start, DOC_SEG_BREAK);
		}
	}
}

/* walk_text's state below an element */
enum {
	WALK_DEL = 1u << 0,  /* inside w:del or w:moveFrom: no text */
	WALK_SECT = 1u << 1, /* inside a w:sectPr (or not keeping them) */
};

static void walk_text(xmlNodePtr n, unsigned flags, struct text_walk *w)
{
	for (xmlNodePtr c = n->children; c != NULL; c = c->next) {
		unsigned f = flags;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		/* (first bytes before the names: most elements are none of them) */
		if ((c->name[0] == 'd' || c->name[0] == 'm') &&
		    (walk_is(w, c, "del") || walk_is(w, c, "moveFrom")))
			f |= WALK_DEL;
		if (!(f & WALK_DEL) && c->name[0] == 'r' && walk_is(w, c, "r")) {
			run_text(c, w);
		} else if (!(f & WALK_SECT) && c->name[0] == 's' && c->name[1] == 'e' &&
			   walk_is(w, c, "sectPr")) {
			struct doc_ptext *t = w->t;

			t->sects = xgrow(t->sects, &t->sects_cap, t->nsects + 1, sizeof(*t->sects));
			t->sects[t->nsects++] = c;
			f |= WALK_SECT;
		}
		/* (a lone text child, as in w:t, holds no element) */
		if (c->children != NULL &&
		    (c->children->type == XML_ELEMENT_NODE || c->children->next != NULL))
			walk_text(c, f, w);
	}
}

void doc_docx_para_text_add(xmlNodePtr p, struct doc_ptext *out)
{
	struct text_walk w = {out, NULL, out->text.len};

	walk_text(p, out->keep_sects ? 0 : WALK_SECT, &w);
}

void doc_docx_para_text(xmlNodePtr p, struct doc_ptext *out)
{
	out->text.len = 0; /* the buffers are reused */
	out->nsegs = 0;
	out->nsects = 0;
	doc_docx_para_text_add(p, out);
}

size_t doc_docx_sections(const struct doc_docx *d, xmlNodePtr *out, size_t max)
{
	size_t n = 0;

	for (xmlNodePtr c = d->body->children; c != NULL; c = c->next) {
		xmlNodePtr ppr;
		xmlNodePtr s;

		if (doc_xml_is(c, NS_W, "p")) {
			ppr = doc_xml_child(c, NS_W, "pPr");
			s = ppr ? doc_xml_child(ppr, NS_W, "sectPr") : NULL;
			if (s != NULL && n < max)
				out[n++] = s;
		} else if (doc_xml_is(c, NS_W, "sectPr") && n < max) {
			out[n++] = c;
		}
	}
	return n;
}
