/*
 * base/side: one helper thread per process for a piece of work its caller
 * can overlap with its own (doc/docx inflates styles.xml while the caller
 * parses document.xml). The work is the same either way: when the helper
 * is busy with another caller's job, the machine has one CPU, or
 * SHUZHI_THREADS=1 is set, base_side_finish() runs it on the caller's
 * thread instead.
 */
#ifndef SHUZHI_BASE_SIDE_H
#define SHUZHI_BASE_SIDE_H

#include <stdatomic.h>
#include <stdbool.h>

struct base_side_job {
	void (*fn)(void *arg);
	void *arg;
	bool handed;	  /* the helper took it (base_side_start) */
	atomic_bool done; /* the helper finished it */
};

/* Hand fn(arg) to the helper if it is idle; otherwise leave it for
 * base_side_finish(). fn must touch nothing the caller touches before
 * base_side_finish() returns. */
void base_side_start(struct base_side_job *j, void (*fn)(void *), void *arg);

/* Return once fn(arg) has run: waits for the helper, or runs it here (also
 * when the helper has not taken it yet). */
void base_side_finish(struct base_side_job *j);

/* Tests: false runs every job on its caller's thread from now on. */
void base_side_enable(bool on);

/* Whether base_side_start() hands jobs to a helper at all: more than one
 * CPU, SHUZHI_THREADS not 1, not disabled (tests). */
bool base_side_on(void);

/* Jobs handed to the helper, and of them the ones base_side_finish() took
 * back before the helper started them (tests). */
unsigned long base_side_handed(void);
unsigned long base_side_taken_back(void);

#endif
