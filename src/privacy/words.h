/*
 * privacy/words: the sensitive-word filter on top of the stored word lists
 * (store/privacy_store.h) and the Aho-Corasick matcher (privacy/ac.h):
 * load the lists into one automaton, and record a hit with who, where and
 * the text around it. The automaton's tags are the words' database ids.
 */
#ifndef SHUZHI_PRIVACY_WORDS_H
#define SHUZHI_PRIVACY_WORDS_H

#include "privacy/ac.h"
#include "store/privacy_store.h"

/* Import files: at most this many bytes. */
#define PRIVACY_WORDS_FILE_MAX (16u * 1024u * 1024u)

/* Build an automaton from list (NULL: every list). *out is freed by the
 * caller with privacy_ac_free(). */
int privacy_words_load(struct store *st, const char *list, struct privacy_ac **out, struct err *e);

/* Record match m of ac (direction "input" or "output"); context is the
 * text around it (cut to STORE_WORD_CONTEXT_MAX bytes on a character
 * boundary). */
int privacy_words_record(struct store *st, const struct privacy_ac *ac,
			 const struct privacy_ac_match *m, const char *context, const char *actor,
			 const char *place, const char *direction, int64_t now, struct err *e);

/* One line of an import file: "词", "词<TAB>类别" or "词,类别" (full-width
 * comma too); '#' starts a comment line. Returns 1 with the parts (word
 * and category point into line, which is modified) or 0 for a blank or
 * comment line. */
int privacy_words_parse_line(char *line, char **word, char **category);

#endif
