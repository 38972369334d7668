/*
 * run/runner: what a digital employee can do — the scenario catalog, running
 * one scenario on inputs to produce a draft, and the 上岗考核 (acceptance
 * test: every scenario's sample inputs, run and checked against their
 * expected properties).
 *
 * Built in: "gongwen.check" (公文格式校对: the GB/T 9704 checker over pasted
 * text). The scenario library (scenario/) adds the data-defined scenarios.
 * run_scenario is the deterministic path; run_scenario_prose lets a caller's
 * model writer improve the prose parts (the model call itself is the
 * caller's: the server streams it on its loop, see server/task_model.c).
 *
 * A form field with "file" (the accepted extensions, ".txt,.docx") may be
 * filled from an uploaded file: the caller puts the file's text into it.
 *
 * Results are JSON the caller owns: {"text", "kind", "validators": [{"id",
 * "ok", "message"}], "sources": [], "model": null, "path": "deterministic",
 * ...scenario specific}.
 */
#ifndef SHUZHI_RUN_RUNNER_H
#define SHUZHI_RUN_RUNNER_H

#include <jansson.h>
#include <stdbool.h>

#include "base/base.h"

/* The built-in 企业分析报告: inputs {uscc, as_of, profile} — the server puts
 * the enterprise's profile in (the runner reads no database); the result's
 * text is the deterministic analysis, "profile" the profile. */
#define RUN_ENT_REPORT "enterprise.report"

/* [{id, name, category, version, description, form: [{name, label, type,
 * required}]}] — the scenarios an employee may be given. */
json_t *run_catalog(void);
/* One catalog entry (new reference) or NULL when id is unknown. */
json_t *run_describe(const char *id);
/* The 执法文书 kind (enum enforce_kind) scenario id drafts, or -1 when it is
 * not one of the 执法文书 scenarios. */
int run_enforce_kind(const char *id);
/* Run scenario id on inputs (a JSON object of form fields). */
int run_scenario(const char *id, const json_t *inputs, json_t **result, struct err *e);
/* Whether scenario id has model prompts for prose parts (library
 * scenarios only; the built-in ones are deterministic). */
bool run_has_prose(const char *id);
/* Run scenario id with model prose (scenario.h scn_run_prose): the result
 * as run_scenario's plus "prose" ("model", "template_fallback",
 * "template") and "prose_note" (why the template text stayed). A scenario
 * without prompts, or prose NULL: run_scenario. */
struct scn_prose;
int run_scenario_prose(const char *id, const json_t *inputs, const struct scn_prose *prose,
		       json_t **result, struct err *e);
/* Acceptance of a list of scenario ids: {"passed": bool, "results": [{scenario,
 * sample, ok, checks: [{what, ok, detail}]}]}. Unknown ids fail. */
json_t *run_acceptance(const json_t *scenarios);

#endif
