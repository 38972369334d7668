/*
 * doc/xmlfast: read-only XML trees built without libxml2's parser.
 *
 * For checking a document, building the libxml2 DOM of word/document.xml
 * cost more than all the rules together. doc_xmlfast_parse() scans the bytes
 * once and lays the same libxml2 node structs (elements, attributes, text,
 * namespaces) out in one arena, so every reader of the tree (doc_xml_*
 * helpers, xmlNodeGetContent, xmlNodeDump) sees what doc_xml_parse() builds.
 *
 * It accepts only a plain subset of XML and declines everything else,
 * errors included, so the caller parses those inputs with doc_xml_parse()
 * and gets its checks and messages: a DOCTYPE or any "<!" (comments, CDATA),
 * processing instructions other than a strict XML declaration, a byte order
 * mark, non-ASCII names, carriage returns inside the root element, tabs or
 * line feeds or character references in attribute values, entity references
 * other than the five predefined ones, invalid UTF-8 or XML characters,
 * unbound or reserved prefixes, duplicate attributes, mismatched tags,
 * depth over 128, names over 256 bytes, text over 1 MB, attribute values
 * over 64 KB, a tree needing more than 24 bytes of memory per input byte
 * (+ 1 MB). The tree must never be modified: no libxml2 call that adds,
 * unlinks or frees nodes may touch it (docx opened for checking only).
 */
#ifndef SHUZHI_DOC_XMLFAST_H
#define SHUZHI_DOC_XMLFAST_H

#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>

/* Returned when the input is outside the subset (not necessarily bad XML). */
#define DOC_XMLFAST_DECLINE 1

/* 0 and *out set, or DOC_XMLFAST_DECLINE and *out NULL. */
int doc_xmlfast_parse(const char *data, size_t len, xmlDocPtr *out);
/* The same for a malloc'd input the tree may keep: on success the tree owns
 * data (text and attribute values stay in it, NUL-terminated in place;
 * freed with the tree); on a decline data is unchanged and still the
 * caller's. */
int doc_xmlfast_parse_owned(char *data, size_t len, xmlDocPtr *out);
/* Whether this thread's parses may use AVX2 where the CPU has it (they do
 * by default); returns the setting before. For tests of the other path. */
bool doc_xmlfast_allow_avx2(bool allow);
/* Was doc built by doc_xmlfast_parse? */
bool doc_xmlfast_is(const xmlDoc *doc);
/* Free a tree of doc_xmlfast_parse or of doc_xml_parse (NULL is fine). */
void doc_xml_free_doc(xmlDocPtr doc);
/* Same nodes, names, namespaces (href and prefix), attributes and text in the
 * same order (for tests and fuzz_xmlfast; line numbers are not compared).
 * On a difference, why receives a short description. */
bool doc_xml_tree_equal(const xmlDoc *a, const xmlDoc *b, char *why, size_t whylen);

#endif
