/*
 * slides/measure: text width without a font file (spec/ooxml.md §1.5).
 *
 * Widths are deliberately on the wide side so that any of the fonts a viewer
 * may substitute (Microsoft YaHei, Noto Sans CJK, DejaVu) stays inside the
 * box: CJK and full-width forms 1 em, Latin capitals 0.68 em, other Latin
 * letters and digits 0.58 em, narrow punctuation 0.32 em, space 0.3 em.
 */
#include <string.h>

#include "slides/slides.h"
#include "text/text.h"

static long cp_width(uint32_t c)
{
	if (c == ' ')
		return 300;
	if (c < 0x80) {
		if (strchr("il.,;:!'|`", (int)c) != NULL)
			return 320;
		if (c >= 'A' && c <= 'Z')
			return 680;
		if (c == 'm' || c == 'w' || c == 'M' || c == 'W' || c == '@' || c == '%')
			return 880;
		return 580;
	}
	/* Hangul Jamo, CJK radicals .. Yi, Hangul, CJK compatibility,
	 * full-width forms, CJK extension planes */
	if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
	    (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
	    (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
	    (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD))
		return 1000;
	/* curly quotes, dashes, ellipsis, bullets render full width in CJK fonts */
	if (c >= 0x2010 && c <= 0x206F)
		return 1000;
	return 700;
}

long slides_text_width(const char *s, size_t len)
{
	long w = 0;
	size_t i = 0;

	while (i < len) {
		uint32_t c;
		size_t k = text_utf8_decode(s + i, len - i, &c);

		if (k == 0)
			break;
		w += cp_width(c);
		i += k;
	}
	return w;
}

static bool is_word_cp(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       c == '.' || c == '%' || c == '-' || c == '_';
}

/* Lines after greedy wrapping. CJK breaks anywhere; a run of Latin letters
 * and digits moves to the next line whole when it fits there (what
 * PowerPoint and LibreOffice do), else it is broken. Forbidden line-start
 * punctuation (，。、；：？！）」』》) stays on the previous line, which can
 * overhang: count that as width so the estimate never comes out short. */
int slides_text_lines(const char *s, size_t len, long width)
{
	long x = 0;
	int lines = 1;
	size_t i = 0;

	if (width < 1000)
		width = 1000;
	while (i < len) {
		uint32_t c;
		size_t k = text_utf8_decode(s + i, len - i, &c);
		long w;

		if (k == 0)
			break;
		if (c == '\n') {
			lines++;
			x = 0;
			i += k;
			continue;
		}
		if (is_word_cp(c)) {
			/* measure the whole word */
			size_t j = i;
			long ww = 0;

			while (j < len) {
				uint32_t d;
				size_t kk = text_utf8_decode(s + j, len - j, &d);

				if (kk == 0 || !is_word_cp(d))
					break;
				ww += cp_width(d);
				j += kk;
			}
			if (x + ww <= width) {
				x += ww;
			} else if (ww <= width) {
				lines++;
				x = ww;
			} else {
				/* break inside the word, character by character */
				for (size_t q = i; q < j;) {
					uint32_t d;
					size_t kk = text_utf8_decode(s + q, j - q, &d);

					w = cp_width(d);
					if (x + w > width && x > 0) {
						lines++;
						x = 0;
					}
					x += w;
					q += kk;
				}
			}
			i = j;
			continue;
		}
		w = cp_width(c);
		if (x + w > width && x > 0) {
			bool no_start = c == 0xFF0C || c == 0x3002 || c == 0x3001 || c == 0xFF1B ||
					c == 0xFF1A || c == 0xFF1F || c == 0xFF01 || c == 0xFF09 ||
					c == 0x300D || c == 0x300F || c == 0x300B || c == 0x201D;

			if (!no_start || x + w > width + 1000) {
				lines++;
				x = 0;
			}
		}
		x += w;
		i += k;
	}
	return lines;
}
