/*
 * scenario: the scenario library — data-driven definitions
 * scenarios/<category>/<id>.json (+ template files next to them).
 *
 * A definition names the scenario, its category (one of the 11 of
 * scn_categories), an input form (typed fields with required / pattern /
 * enum / length / range rules), extraction rules (regular expressions that
 * fill empty fields from free text), an optional built-in generator
 * ("drill.script", later "enforce.notice" …) that derives more fields, the
 * output (layout "gongwen" = a GB/T 9704 公文 through gongwen/draft, or
 * "document" = a line markup rendered to .docx/.txt), validators, model
 * prompts for the prose parts, and sample inputs with expected properties
 * (the acceptance tests run by `shuzhi scenario test`). The format is
 * described in docs/SCENARIOS.md.
 *
 * The loader refuses a definition with a Chinese message naming the file and
 * the JSON path ("$.form[2].pattern"). Limits: 1 MB per definition file,
 * 256 KB per template, 1 MB input, 500 definitions.
 * Ownership: struct scn_lib owns its definitions; scn_lib_free() frees them.
 */
#ifndef SHUZHI_SCENARIO_H
#define SHUZHI_SCENARIO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/base.h"

#define SCN_MAX_DEF_BYTES   (1u << 20)
#define SCN_MAX_INPUT_BYTES (1u << 20)
#define SCN_MAX_DEFS	    500

extern const char *const scn_categories[11];

struct scn_field;
struct scn_tmpl;

enum { SCN_LAYOUT_DOCUMENT, SCN_LAYOUT_GONGWEN };

struct scn_def {
	char *path; /* file it came from */
	char *id;
	char *name;
	char *category;
	char *description;
	char *generator; /* NULL = plain template */
	int layout;
	bool fmt_docx, fmt_txt;
	struct scn_field *fields;
	size_t nfields;
	struct scn_tmpl *body;	 /* document markup, or the 公文 body */
	struct scn_tmpl *gw[16]; /* 公文 parts (gongwen layout), see scenario.c */
	json_t *root;		 /* the definition as read (show, prompts, samples, data) */
};

struct scn_lib {
	struct scn_def *v;
	size_t n;
};

/* A finding of the validators (or a refused input field). */
struct scn_issue {
	int severity; /* 0 error, 1 warning */
	char *where;  /* field path or validator id */
	char *msg;
};

struct scn_result {
	json_t *ctx;  /* input after defaults, extraction and the generator */
	char *text;   /* plain-text rendering (what the .txt output holds) */
	char *markup; /* document layout: rendered markup; gongwen: the body */
	struct scn_issue *issues;
	size_t nissues;
	size_t nerrors;
	bool input_rejected; /* the input failed the form's validation */
	char *parts[16];     /* gongwen layout: rendered 公文 parts */
	int prose;	     /* SCN_PROSE_*: who wrote the prose parts */
	char *prose_note;    /* why the model's prose was not used (Chinese), or NULL */
};

enum { SCN_PROSE_TEMPLATE, SCN_PROSE_MODEL, SCN_PROSE_FALLBACK };

/*
 * Model prose for the prompts of a definition ("part": "body" — the
 * document body, or the 公文 正文): write() gets the part's instruction,
 * the template path's text of that part (a draft to improve) and the input
 * context, and returns 0 with *out (malloc'd) or an error. The model's text
 * replaces the part (defused like input for the document layout, through
 * the 公文 text rules for the gongwen layout); when it is unusable or the
 * validators find an error in it that the template text does not have,
 * the template result is kept (prose SCN_PROSE_FALLBACK, prose_note says
 * why). The template path stays the reference: a scenario works without a
 * model.
 */
struct scn_prose {
	int (*write)(void *arg, const char *instruction, const char *draft, const json_t *ctx,
		     char **out, struct err *e);
	void *arg;
};
#define SCN_PROSE_MAX (64u << 10) /* bytes of model prose per part */

/* Parse one definition from memory. dir (may be NULL) is where template
 * files are looked up; label names it in errors. */
int scn_def_parse(const char *data, size_t len, const char *label, const char *dir,
		  struct scn_def *out, struct err *e);
void scn_def_free(struct scn_def *d);

/* Load every scenarios/<category>/<id>.json under dir. All problems are
 * collected in *problems (one per line); returns 0 only when there is none.
 * Definitions that load are kept in lib even when others fail. */
int scn_lib_load(const char *dir, struct scn_lib *lib, struct buf *problems);
/* The same for the one definition <category>/<id>.json (CLI run/show). */
int scn_lib_load_one(const char *dir, const char *id, struct scn_lib *lib, struct buf *problems);
void scn_lib_free(struct scn_lib *lib);
const struct scn_def *scn_lib_find(const struct scn_lib *lib, const char *id);
/* Default directory: $SHUZHI_SCENARIOS, else ./scenarios. */
const char *scn_default_dir(void);

/* Run a scenario on an input object (not consumed). Input problems make
 * res->input_rejected true with the issues listed (return 0); other
 * failures return a negative code. */
int scn_run(const struct scn_def *d, json_t *input, struct scn_result *res, struct err *e);
/* The same with model prose (prose may be NULL: scn_run). */
int scn_run_prose(const struct scn_def *d, json_t *input, const struct scn_prose *prose,
		  struct scn_result *res, struct err *e);
/* The instruction of a prompt part ("body"), or NULL when it has none. */
const char *scn_prompt(const struct scn_def *d, const char *part);
/* Whether d has any model prompt (a field part or "body"). */
bool scn_has_prompts(const struct scn_def *d);
/* The system and user messages of a prose request (appended to sys and
 * user): the part's instruction and the rules (no invented facts, keep
 * placeholders), then the input context as JSON (its "data" left out) and
 * the template draft. Personal data is the caller's to mask in user. */
void scn_prose_messages(const char *instruction, const char *draft, const json_t *ctx,
			struct buf *sys, struct buf *user);
void scn_result_free(struct scn_result *res);
/* Write the result as "docx" or "txt". */
int scn_write(const struct scn_def *d, const struct scn_result *res, const char *format,
	      const char *path, struct err *e);

/* Acceptance tests of one definition: runs every sample, checks its
 * expectations (and, for 公文 output, that `gongwen check` finds no error).
 * Appends one "ok ID/sample" or "FAIL ID/sample: reason" line per sample to
 * log; returns the number of failures. tmpdir receives the drafts. */
size_t scn_test(const struct scn_def *d, const char *tmpdir, struct buf *log);

/* Built-in generators (scenario/generators.c). */
struct scn_generator {
	const char *name;
	const char *what;
	int (*fn)(const struct scn_def *d, json_t *ctx, struct err *e);
};
const struct scn_generator *scn_generator_find(const char *name);
extern const struct scn_generator scn_generators[];
extern const size_t scn_ngenerators;

#endif
