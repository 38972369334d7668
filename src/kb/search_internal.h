/*
 * kb search internals: the thesaurus and stop words (kb/thesaurus.c).
 */
#ifndef SHUZHI_KB_SEARCH_INTERNAL_H
#define SHUZHI_KB_SEARCH_INTERNAL_H

#include <stddef.h>

struct kb_syn {
	const char *from; /* everyday word */
	const char *to;	  /* statutory words, space-separated */
};

extern const struct kb_syn kb_thesaurus[];
extern const size_t kb_thesaurus_len;
extern const char *const kb_stopwords[];
extern const size_t kb_stopwords_len;

#endif
