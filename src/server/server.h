/*
 * server: `shuzhi serve`, the HTTP API and the embedded web pages (libevent
 * evhttp on one event loop).
 *
 * Invariants:
 *  - Every route in the table declares the roles allowed (a bit mask of
 *    SERVER_ROLE_*); server_run() refuses to start when a route declares
 *    none, and the dispatcher answers 401 (not logged in) or 403 (role not
 *    allowed) before a handler runs.
 *  - Every state-changing request (POST/PUT/PATCH/DELETE) except login
 *    carries the session's CSRF token in X-CSRF-Token, and a JSON body
 *    with Content-Type application/json.
 *  - Every error response is {"error":{"code":"...","message":"..."}} with
 *    the status of server_http_status(); messages come from struct err
 *    (client-safe by store/ and work/ contracts) or are generic for
 *    internal and I/O errors, whose details go to the error log only.
 *  - Every state change goes through work/, which audits it.
 *  - Session cookies hold 32 random bytes (hex); only their BLAKE2b-256
 *    hash is stored. Sessions end after session_idle_s without a
 *    request or session_max_s after login, whichever is first (struct
 *    server_config; defaults SERVER_SESSION_IDLE_S and SERVER_SESSION_MAX_S).
 */
#ifndef SHUZHI_SERVER_H
#define SHUZHI_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

#define SERVER_DEFAULT_ADDR "127.0.0.1"
#define SERVER_DEFAULT_PORT 8080
/* Defaults of the settings in struct server_config. */
#define SERVER_MAX_BODY		    (1024 * 1024)	 /* JSON request bodies */
#define SERVER_MAX_UPLOAD	    (50LL * 1024 * 1024) /* file uploads (SERVER_ROUTE_UPLOAD) */
#define SERVER_MAX_HEADERS	    (16 * 1024)		 /* all request headers together */
#define SERVER_TIMEOUT_S	    30 /* read/write per request and idle keep-alive */
#define SERVER_DEFAULT_DB	    "shuzhi.db"
#define SERVER_SESSION_IDLE_S	    (30LL * 60)
#define SERVER_SESSION_MAX_S	    (12LL * 60 * 60)
#define SERVER_CONFIG_MAX	    (64 * 1024) /* config file size */
#define SERVER_SESSION_TOUCH_MS	    (60 * 1000) /* write last_seen_at at most this often */
#define SERVER_LOGIN_BURST	    10		/* login attempts per IP at once … */
#define SERVER_PORTAL_BURST	    30		/* public searches per IP at once … */
#define SERVER_PORTAL_PER_MINUTE    60		/* … then this many a minute */
#define SERVER_LOGIN_REFILL_MS	    6000	/* … then one more every 6 s (10/min) */
#define SERVER_MAX_CONNS_PER_IP	    64		/* open connections per client IP */
#define SERVER_SHUTDOWN_GRACE_MS    10000	/* in-flight replies get this long */
#define SERVER_AUDIT_LIMIT_MAX	    1000	/* rows per /api/audit page */
#define SERVER_AUDIT_CSV_MAX_ROWS   100000
#define SERVER_TASK_FILE_MAX_AGE_S  86400 /* unattached task files kept this long */
#define SERVER_TASK_MODEL_TIMEOUT_S 300	  /* a task's model calls, all together */
#define SERVER_KB_EMBED_WAIT_MS	    1000  /* a search waits for its question's vector */
#define SERVER_KB_EMBED_RETRY_S	    30	  /* no embedding call after a failure */
#define SERVER_KB_VECTOR_MEMORY_MB  256	  /* the in-memory vector copy (kb/vindex) */

/* Roles as bits; a route's mask lists who may call it. */
enum {
	SERVER_ROLE_PUBLIC = 1 << 0, /* anonymous: no session needed */
	SERVER_ROLE_ADMIN = 1 << 1,
	SERVER_ROLE_GUARDIAN = 1 << 2,
	SERVER_ROLE_STAFF = 1 << 3,
	SERVER_ROLE_AUDITOR = 1 << 4
};
#define SERVER_ROLE_ANY_USER                                                                       \
	(SERVER_ROLE_ADMIN | SERVER_ROLE_GUARDIAN | SERVER_ROLE_STAFF | SERVER_ROLE_AUDITOR)
#define SERVER_ROLE_ALL (SERVER_ROLE_PUBLIC | SERVER_ROLE_ANY_USER)

/*
 * Settings of `shuzhi serve`. server_config_defaults() fills every field;
 * a zero numeric field also means its default (for callers that build the
 * struct by hand). Layers, each overriding the one before: defaults, the
 * JSON config file (server_config_load_file), the environment
 * (server_config_apply_env), the command line (server_config_set).
 */
struct server_config {
	char addr[256];	       /* "": SERVER_DEFAULT_ADDR */
	int port;	       /* 0: SERVER_DEFAULT_PORT, -1: any free port */
	char db_path[4096];    /* may hold a URL with a password: never log it */
	bool behind_tls;       /* a TLS proxy is in front: cookies get Secure */
	int login_burst;       /* login attempts per IP before the rate limit */
	int portal_burst;      /* public searches per IP at once … */
	int portal_per_minute; /* … then this many a minute */
	long long max_body_bytes;
	long long max_upload_bytes; /* bodies of SERVER_ROUTE_UPLOAD routes */
	long long max_header_bytes;
	long long request_timeout_s;
	long long session_idle_s;
	long long session_max_s;
	/* The model endpoint: the "model" object (model/model.h) as JSON text;
	 * "" when no model is configured. May hold an API key: never log it. */
	char model[8192];
	/* The embedding provider: the "embedding" object (model/embed.h) as
	 * JSON text, "" when none. Checked here; used by the CLI's kb add,
	 * reindex and search --config (the server's own search is BM25). */
	char embedding[8192];
	/* Which keys (bit 1 << the key's row in config.c) the config file set,
	 * and which the environment or the command line set (server_config_set):
	 * those are pinned — runtime settings from the database (settings.h)
	 * do not override them. */
	unsigned long long from_file, pinned;
	/* Uploaded task files never attached to a task are removed after this
	 * long (checked on a timer); a task's model calls get this long in all
	 * before the task falls back to its deterministic draft. */
	long long task_file_max_age_s;
	long long task_model_timeout_s;
	int max_conns_per_ip; /* more connections from one IP are closed at once */
	/* Addresses of reverse proxies (comma-separated, normalised): only
	 * from these is X-Forwarded-For believed. "" when none. */
	char trusted_proxies[1024];
	int workers; /* threads for CPU work (password hashing): server/workers.h */
	/* Hybrid search on the server (kb_hybrid.c): how long a search waits
	 * for the question's vector, how long no embedding call is tried after
	 * one failed, and the memory of the in-memory vector copy (MB). */
	long long kb_embed_wait_ms;
	long long kb_embed_retry_s;
	long long kb_vector_memory_mb;
	/* Called once listening, with the bound port (useful with port 0). */
	void (*on_listen)(const char *addr, int port, void *arg);
	void *on_listen_arg;
};

void server_config_defaults(struct server_config *c);
/* Parse a config file (at most SERVER_CONFIG_MAX bytes, a JSON object of
 * the keys in docs/OPERATIONS.md) over c. Unknown keys, wrong types and
 * values out of range are errors naming the file and the key. name is the
 * file name for messages. */
int server_config_load_json(struct server_config *c, const char *data, size_t len, const char *name,
			    struct err *e);
int server_config_load_file(struct server_config *c, const char *path, struct err *e);
/* SHUZHI_LISTEN, SHUZHI_DB, SHUZHI_BEHIND_TLS … over c (empty ones ignored). */
int server_config_apply_env(struct server_config *c, struct err *e);
/* Set one key from text ("true", "30", "127.0.0.1:0"); src names where the
 * text came from, for the message. */
int server_config_set(struct server_config *c, const char *key, const char *text, const char *src,
		      struct err *e);
bool server_config_has_key(const char *key);
/* Set a key without pinning it (runtime settings from the database). */
int server_config_set_runtime(struct server_config *c, const char *key, const char *text,
			      const char *src, struct err *e);
/* Where key's value came from: 'p' environment or command line, 'f' the
 * config file, 'd' the default; 0 for an unknown key. */
char server_config_source(const struct server_config *c, const char *key);
/* An integer key's value and its allowed range; false when key is not an
 * integer setting. */
bool server_config_int(const struct server_config *c, const char *key, long long *v, long long *min,
		       long long *max);
/* Checks across keys (session_idle_s <= session_max_s), after all layers. */
int server_config_check(const struct server_config *c, struct err *e);
/* The settings as a JSON config file (malloc'd; a password in db shown as
 * ***). Loading it back gives the same settings. */
char *server_config_json(const struct server_config *c);
/* "ADDR:PORT", "[V6]:PORT" or ":PORT" into addr (cap bytes) and port;
 * port 0 becomes -1. 0 or -1 when malformed. */
int server_parse_listen(const char *s, char *addr, size_t cap, int *port);

struct server_req; /* one request being handled (server_internal.h) */

struct server_route {
	const char *method;  /* "GET", "POST" … */
	const char *pattern; /* "/api/users/{id}/disable"; static files: "/" then "*" */
	unsigned roles;	     /* SERVER_ROLE_* mask; 0 is a bug the tests catch */
	void (*handler)(struct server_req *r);
	const char *summary; /* Chinese, for --print-routes and docs */
	unsigned flags;	     /* SERVER_ROUTE_* */
};
/* The body is a file (raw bytes, up to max_upload_bytes) that the handler
 * takes with server_upload(); other routes' bodies stop at max_body_bytes. */
#define SERVER_ROUTE_UPLOAD 1u

/* Run until SIGTERM/SIGINT; 0 after a clean shutdown. */
int server_run(const struct server_config *cfg, struct err *e);

/* The route table (for the dispatcher, the tests and --print-routes). */
const struct server_route *server_routes(size_t *n);
/* Role name ("admin" …) to its bit; 0 for anything else. NULL: public. */
unsigned server_role_bit(const char *role);
/* "admin,auditor" style list of a mask, into out. */
void server_roles_format(unsigned roles, char *out, size_t cap);

/*
 * Find the route for method and path (path without the query). *id gets the
 * {id} segment when the pattern has one. Returns 0, BASE_E_NOTFOUND (no
 * route has this path) or SERVER_E_METHOD (a route has the path, not the
 * method).
 */
#define SERVER_E_METHOD (-100)
int server_route_find(const char *method, const char *path, const struct server_route **out,
		      int64_t *id);
/* The policy decision: 0 allowed, 401 not logged in, 403 role not allowed.
 * role is the session user's role, NULL when anonymous. */
int server_policy(const struct server_route *route, const char *role);
/* Whether a method changes state (and so needs the CSRF token). */
bool server_method_changes_state(const char *method);

/* HTTP status and stable error code key for a BASE_E_* code. */
int server_http_status(int code);
const char *server_error_key(int code);

/* Escaping. html: & < > " ' as entities. csv: one RFC 4180 field, quoted
 * when needed, a leading = + - @ TAB CR defused with ' (spreadsheet formula
 * injection). log: the path for the access log — the query string dropped
 * (it may hold secrets), bytes outside printable ASCII as %XX. */
int server_html_escape(struct buf *b, const char *s);
int server_csv_field(struct buf *b, const char *s);
/* Content-Disposition for a download named name (UTF-8): an ASCII fallback
 * (non-ASCII, quotes, backslashes and controls as '_') and the exact name
 * as RFC 5987 filename*=UTF-8''…; out holds at least 64 bytes. */
void server_content_disposition(const char *name, char *out, size_t cap);
void server_log_path(const char *uri, char *out, size_t cap);

/* Per-IP token bucket for /api/login (fixed table, oldest entry evicted). */
struct server_ratelimit;
struct server_ratelimit *server_ratelimit_new(size_t slots, int burst, int64_t refill_ms);
void server_ratelimit_free(struct server_ratelimit *rl);
/* New limits (runtime settings); buckets above the new burst are cut. */
void server_ratelimit_set(struct server_ratelimit *rl, int burst, int64_t refill_ms);
/* true: allowed (a token taken); false: over the limit, *retry_ms set. */
bool server_ratelimit_take(struct server_ratelimit *rl, const char *key, int64_t now_ms,
			   int64_t *retry_ms);

/* Embedded web/ files (generated at build time from web/). */
struct server_asset {
	const char *path; /* "/index.html" */
	const unsigned char *data;
	size_t len;
};
extern const struct server_asset server_assets[];
extern const size_t server_assets_count;
/* Look up a request path ("/" means /index.html); NULL when absent. */
const struct server_asset *server_asset_find(const char *path);
/* Content type by extension ("text/html; charset=utf-8" …). */
const char *server_content_type(const char *path);

#endif
