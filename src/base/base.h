/*
 * base: allocation, errors, bounded buffers and logging shared by every module.
 *
 * Invariants:
 *  - xmalloc()/xcalloc()/xrealloc()/xstrdup() never return NULL: on OOM they
 *    print a message and abort (internal allocations, tmux xmalloc.c style).
 *    Sizes derived from outside input must be checked *before* allocating.
 *  - A struct buf has a hard maximum (curl dynbuf style). Appending past it
 *    fails with BASE_E_LIMIT and leaves the buffer unchanged.
 *  - Functions return 0 or a negative BASE_E_* code; the human-readable reason
 *    goes into a struct err owned by the caller.
 */
#ifndef SHUZHI_BASE_H
#define SHUZHI_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Error codes. One table (base_err_exit_code) maps them to CLI exit codes. */
enum {
	BASE_OK = 0,
	BASE_E_IO = -1,	      /* cannot read/write a file */
	BASE_E_FORMAT = -2,   /* input is not what it claims to be */
	BASE_E_LIMIT = -3,    /* a size or count limit was exceeded */
	BASE_E_UNSAFE = -4,   /* hostile construct: DTD, entity, path traversal, bomb */
	BASE_E_USAGE = -5,    /* bad command line or arguments */
	BASE_E_INTERNAL = -6, /* a bug or an unexpected library failure */
	BASE_E_NOTFOUND = -7, /* no such user, department, record */
	BASE_E_CONFLICT = -8, /* already exists, or still referenced */
	BASE_E_AUTH = -9,     /* wrong credentials or disabled account */
	BASE_E_LOCKED = -10,  /* account locked after repeated failures */
	BASE_E_BUSY = -11     /* resource busy (database locked), retry later */
};

struct err {
	int code;
	char msg[512];
};

/* Record an error (first one wins unless err->code is 0). Returns code. */
int err_set(struct err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void err_clear(struct err *e);
/* Short Chinese name of an error code, for messages. */
const char *base_err_name(int code);
/* CLI exit code for an error code: 2 for input/usage problems, 3 internal. */
int base_err_exit_code(int code);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow an array: *cap doubled until it holds need elements of size each. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Bounded, NUL-terminated growable byte buffer. */
struct buf {
	char *p;
	size_t len;
	size_t cap;
	size_t max;
};

void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
int buf_add(struct buf *b, const void *data, size_t len);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Hand the bytes to the caller (NUL-terminated, never NULL); b is reset. */
char *buf_detach(struct buf *b, size_t *len);

/* Read a whole file, refusing files larger than max bytes. */
/* Remove the regular files directly inside dir, then dir itself (for the
 * temporary directories of tests and acceptance runs; never recursive,
 * never follows links). Returns 0 when dir is gone. */
int base_remove_tmpdir(const char *dir);
int base_read_file(const char *path, size_t max, char **data, size_t *len, struct err *e);
/* Write via a temporary file in the same directory and rename(2) into place. */
int base_write_file_atomic(const char *path, const void *data, size_t len, struct err *e);

/* Logging to stderr; level filter set once at start-up. */
enum { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };
void base_log_set_level(int level);
void base_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Monotonic clock in nanoseconds, for benchmarks and timeouts. */
uint64_t base_now_ns(void);

/* While TZ is unset, glibc's mktime() and localtime() stat /etc/localtime
 * again on every call, and libzip calls mktime() for every entry of a
 * package's central directory (37 a 公文 .docx: a tenth of a check's time).
 * With TZ unset this sets it to ":/etc/localtime" — the same zone, read
 * once. Call at start-up, before any thread; a TZ already set is kept. */
void base_tz_pin(void);
/* Process start-up for shuzhi's main() (and the in-process benchmarks that
 * stand for it): base_tz_pin(), then malloc settings for a process that
 * handles document after document. glibc by default gives the top of the
 * heap back to the kernel whenever 128 KB of it is free, and serves blocks
 * over 128 KB by mmap: every check of a small 公文 then faults its memory in
 * afresh (~150 page faults, 2.2 ms a check here, where the work is 0.3 ms).
 * Blocks up to 4 MB come from the heap and up to 32 MB of free heap is kept;
 * larger blocks are still mapped and unmapped on their own. */
void base_process_setup(void);

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
