/* enterprise/eval: README R3-R7 as of a date, and the R8 JSON export. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enterprise/ent_internal.h"
#include "store/enterprise_store.h"
#include "text/text.h"

typedef __int128 wide;

#define S(x)	 ((int64_t)(x)*ENT_SCALE)
#define KNOWN(x) ((x) != ENT_UNKNOWN)
#define P(k)	 (x->rules->r[(k)].param) /* the configured threshold of rule r */

/* Column c (>= 1) of row r; the row's line. */
#define COL(t, r, c) ((t)->v[(r) * (t)->stride + 1 + (c)])
#define LINE(t, r)   ((t)->v[(r) * (t)->stride + 1])

static void ev(struct ent_flag *f, int file, long line)
{
	f->on = true;
	if (f->n < ENT_EV_MAX) {
		f->file[f->n] = file;
		f->line[f->n] = line;
		f->n++;
	}
}

static void json_str(FILE *out, const char *s, size_t n)
{
	fputc('"', out);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

/* Row index of table t for enterprise i whose column 1 equals key, or -1. */
static void month_slots(const struct ent_table *t, size_t i, int64_t lo, int64_t hi, long *slot)
{
	for (int64_t m = lo; m <= hi; m++)
		slot[m - lo] = -1;
	for (size_t r = t->start[i]; r < t->start[i + 1]; r++) {
		int64_t m = COL(t, r, 1);

		if (m >= lo && m <= hi)
			slot[m - lo] = (long)r;
	}
}

void ent_eval_one(const struct ent_dataset *d, const struct ent_ctx *x, size_t i,
		  struct ent_result *res)
{
	const struct ent_company *co = &d->c[i];
	const struct ent_table *fin = &d->t[ENT_F_FINANCIALS];
	const struct ent_table *tax = &d->t[ENT_F_TAX];
	const struct ent_table *si = &d->t[ENT_F_SI];
	const struct ent_table *ut = &d->t[ENT_F_UT];
	const struct ent_table *pen = &d->t[ENT_F_PENALTIES];
	const struct ent_table *abn = &d->t[ENT_F_ABNORMAL];
	const struct ent_table *dis = &d->t[ENT_F_DISHONEST];
	const struct ent_table *court = &d->t[ENT_F_COURT];
	const struct ent_table *ip = &d->t[ENT_F_IP];
	const struct ent_table *cert = &d->t[ENT_F_CERT];
	const struct ent_table *eq = &d->t[ENT_F_EQUITY];
	struct ent_flag *fl = res->fl;
	int64_t status = co->v[3], est = co->v[4], cap = co->v[5];
	long frow = -1, prow = -1;
	int64_t rev = ENT_UNKNOWN, mbr = ENT_UNKNOWN, rd = ENT_UNKNOWN, assets = ENT_UNKNOWN,
		liab = ENT_UNKNOWN, strategic = ENT_UNKNOWN, ipclass = ENT_UNKNOWN,
		mbr_prev = ENT_UNKNOWN;
	int L = -1;
	int ind_ip, ind_rd, ind_growth, ind_debt, ind_strategic, ind_share;
	int cx_total, g_innov, g_growth, g_spec;
	bool scored_pass, hightech = false, zjtx_cert = false, techsme = false;
	wide eq3 = 0, eq2 = 0;
	bool direct_cert, direct_equity, cx_pass, age_ok, rd_ok, rev_ok;
	long trow = -1;
	int64_t grade_tax = 0;
	long si_slot[12], ut_slot[24];
	int64_t si_count = ENT_UNKNOWN, si_arrears = ENT_UNKNOWN;
	long si_count_row = -1, si_arrears_row = -1;
	size_t n_pen12 = 0, n_def12 = 0;
	wide pen_amount = 0, def_amount = 0;
	int cur_dis = 0, cur_abn = 0;
	int d1, d2, d3, d4, d5, total, p;
	char base, capg, grade;

	memset(res, 0, sizeof(*res));
	/* R3: latest financial year L <= as_of.year - 1, and L - 1. */
	for (size_t r = fin->start[i]; r < fin->start[i + 1]; r++) {
		int y = (int)COL(fin, r, 1);

		if (y <= x->last_fy && y > L) {
			L = y;
			frow = (long)r;
		}
	}
	if (frow >= 0) {
		for (size_t r = fin->start[i]; r < fin->start[i + 1]; r++) {
			if (COL(fin, r, 1) == L - 1)
				prow = (long)r;
		}
		rev = COL(fin, frow, 2);
		mbr = COL(fin, frow, 3);
		rd = COL(fin, frow, 4);
		assets = COL(fin, frow, 5);
		liab = COL(fin, frow, 6);
		strategic = COL(fin, frow, 7);
		ipclass = COL(fin, frow, 8);
		if (prow >= 0)
			mbr_prev = COL(fin, prow, 3);
	}
	/* R4 创新型中小企业 */
	{
		static const int ipc_points[] = {0, 5, 10, 15, 20};

		ind_ip = KNOWN(ipclass) ? ipc_points[ipclass] : 0;
	}
	ind_rd = 0;
	if (KNOWN(rev) && rev > 0 && KNOWN(rd)) {
		wide r = (wide)rd * 100;

		ind_rd = r >= (wide)5 * rev   ? 20
			 : r >= (wide)3 * rev ? 15
			 : r >= (wide)2 * rev ? 10
			 : r >= rev	      ? 5
					      : 0;
	}
	ind_growth = 0;
	if (KNOWN(mbr) && KNOWN(mbr_prev) && mbr_prev > 0) {
		wide g = ((wide)mbr - mbr_prev) * 100;

		ind_growth = g >= (wide)15 * mbr_prev	? 20
			     : g >= (wide)10 * mbr_prev ? 15
			     : g >= (wide)5 * mbr_prev	? 10
			     : g >= 0			? 5
							: 0;
	}
	ind_debt = 0;
	if (KNOWN(assets) && assets > 0 && KNOWN(liab)) {
		wide r = (wide)liab * 100;

		ind_debt = r <= (wide)55 * assets ? 10 : r <= (wide)75 * assets ? 5 : 0;
	}
	ind_strategic = frow >= 0 ? (strategic == 1 ? 10 : 5) : 0;
	ind_share = 0;
	if (KNOWN(rev) && rev > 0 && KNOWN(mbr)) {
		wide r = (wide)mbr * 100;

		ind_share = r >= (wide)70 * rev	  ? 20
			    : r >= (wide)60 * rev ? 15
			    : r >= (wide)55 * rev ? 10
			    : r >= (wide)50 * rev ? 5
						  : 0;
	}
	g_innov = ind_ip + ind_rd;
	g_growth = ind_growth + ind_debt;
	g_spec = ind_strategic + ind_share;
	cx_total = g_innov + g_growth + g_spec;
	scored_pass = cx_total >= 60 && g_innov >= 20 && g_growth >= 15 && g_spec >= 15;
	/* R2.8 certifications valid at as_of */
	for (size_t r = cert->start[i]; r < cert->start[i + 1]; r++) {
		int64_t kind = COL(cert, r, 1), from = COL(cert, r, 2), to = COL(cert, r, 3);

		if (!KNOWN(to))
			to = ent_date_add_days(
			    ent_date_add_years(from, kind == ENT_CERT_TECHSME ? 1 : 3), -1);
		if (from <= x->as_of && x->as_of <= to) {
			res->certs |= 1u << kind;
			if (kind == ENT_CERT_HIGHTECH)
				hightech = true;
			else if (kind == ENT_CERT_TECHSME)
				techsme = true;
			else
				zjtx_cert = true;
		}
	}
	for (size_t r = eq->start[i]; r < eq->start[i + 1]; r++) {
		int64_t dt = COL(eq, r, 1), amt = COL(eq, r, 2);

		if (!KNOWN(amt))
			amt = 0;
		if (x->y3 < dt && dt <= x->as_of)
			eq3 += amt;
		if (x->y2 < dt && dt <= x->as_of)
			eq2 += amt;
	}
	direct_cert = hightech;
	direct_equity = eq3 >= S(500);
	cx_pass = scored_pass || direct_cert || direct_equity;
	/* R5 专精特新 base conditions */
	age_ok = KNOWN(est) && ent_full_years(est, x->as_of) >= 2;
	rd_ok =
	    KNOWN(rev) && rev > 0 && KNOWN(rd) && rd >= S(100) && (wide)rd * 100 >= (wide)3 * rev;
	rev_ok = (KNOWN(rev) && rev >= S(1000)) || eq2 >= S(2000);

	/* R6 flags */
	for (size_t r = dis->start[i]; r < dis->start[i + 1]; r++) {
		int64_t listed = COL(dis, r, 1), removed = COL(dis, r, 2);

		if (listed <= x->as_of && (!KNOWN(removed) || removed > x->as_of)) {
			ev(&fl[ENT_R_DISHONEST], ENT_F_DISHONEST, LINE(dis, r));
			cur_dis++;
		}
	}
	{
		int best = -1;

		for (size_t r = tax->start[i]; r < tax->start[i + 1]; r++) {
			int y = (int)COL(tax, r, 1);

			if (y <= x->last_fy && y > best) {
				best = y;
				trow = (long)r;
			}
		}
		if (trow >= 0)
			grade_tax = COL(tax, trow, 2);
	}
	if (grade_tax == 'D')
		ev(&fl[ENT_R_TAX_D], ENT_F_TAX, LINE(tax, trow));
	if (status == ENT_ST_DIAOXIAO || status == ENT_ST_ZHUXIAO)
		ev(&fl[ENT_R_STATUS], ENT_F_ENTERPRISES, co->line);
	for (size_t r = abn->start[i]; r < abn->start[i + 1]; r++) {
		int64_t listed = COL(abn, r, 1), removed = COL(abn, r, 3);

		if (listed <= x->as_of && (!KNOWN(removed) || removed > x->as_of)) {
			ev(&fl[ENT_R_ABNORMAL], ENT_F_ABNORMAL, LINE(abn, r));
			cur_abn++;
		}
	}
	month_slots(si, i, x->am - 11, x->am, si_slot);
	for (int k = 11; k >= 0; k--) {
		long r = si_slot[k];

		if (r < 0)
			continue;
		if (!KNOWN(si_count) && KNOWN(COL(si, r, 2))) {
			si_count = COL(si, r, 2);
			si_count_row = r;
		}
		if (!KNOWN(si_arrears) && KNOWN(COL(si, r, 3))) {
			si_arrears = COL(si, r, 3);
			si_arrears_row = r;
		}
	}
	(void)si_count_row;
	if (KNOWN(si_arrears) && si_arrears >= P(ENT_R_SI_ARREARS))
		ev(&fl[ENT_R_SI_ARREARS], ENT_F_SI, LINE(si, si_arrears_row));
	for (size_t r = pen->start[i]; r < pen->start[i + 1]; r++) {
		int64_t dt = COL(pen, r, 1), amt = COL(pen, r, 3), repaired = COL(pen, r, 5);

		if (x->y1 < dt && dt <= x->as_of && repaired != 1) {
			n_pen12++;
			if (KNOWN(amt))
				pen_amount += amt;
		}
	}
	if (pen_amount >= S(P(ENT_R_PENALTIES))) {
		for (size_t r = pen->start[i]; r < pen->start[i + 1]; r++) {
			int64_t dt = COL(pen, r, 1), amt = COL(pen, r, 3),
				repaired = COL(pen, r, 5);

			if (x->y1 < dt && dt <= x->as_of && repaired != 1 && KNOWN(amt) && amt != 0)
				ev(&fl[ENT_R_PENALTIES], ENT_F_PENALTIES, LINE(pen, r));
		}
	}
	for (size_t r = court->start[i]; r < court->start[i + 1]; r++) {
		int64_t dt = COL(court, r, 1), role = COL(court, r, 2), amt = COL(court, r, 4);

		if (role == ENT_ROLE_DEFENDANT && x->y1 < dt && dt <= x->as_of) {
			n_def12++;
			if (KNOWN(amt))
				def_amount += amt;
		}
	}
	{
		wide rev_yuan = (KNOWN(rev) && rev > 0 ? (wide)rev : 0) * 10000;

		if (def_amount > 0 && def_amount * 100 >= rev_yuan * P(ENT_R_LITIGATION_30)) {
			for (size_t r = court->start[i]; r < court->start[i + 1]; r++) {
				int64_t dt = COL(court, r, 1), role = COL(court, r, 2),
					amt = COL(court, r, 4);

				if (role == ENT_ROLE_DEFENDANT && x->y1 < dt && dt <= x->as_of &&
				    KNOWN(amt) && amt != 0)
					ev(&fl[ENT_R_LITIGATION_30], ENT_F_COURT, LINE(court, r));
			}
			if (frow >= 0 && KNOWN(rev))
				ev(&fl[ENT_R_LITIGATION_30], ENT_F_FINANCIALS, LINE(fin, frow));
			fl[ENT_R_LITIGATION_30].on = true;
		}
	}
	/* headcount: last 3 months against the 3 before */
	{
		wide s_last = 0, s_prev = 0;
		int n_last = 0, n_prev = 0;

		for (int k = 6; k <= 11; k++) {
			long r = si_slot[k];

			if (r < 0 || !KNOWN(COL(si, r, 2)))
				continue;
			if (k >= 9) {
				s_last += COL(si, r, 2);
				n_last++;
			} else {
				s_prev += COL(si, r, 2);
				n_prev++;
			}
		}
		if (n_last >= 2 && n_prev >= 2 && s_prev > 0 &&
		    100 * s_last * n_prev <= (100 - P(ENT_R_HEADCOUNT)) * s_prev * n_last) {
			for (int k = 6; k <= 11; k++) {
				long r = si_slot[k];

				if (r >= 0 && KNOWN(COL(si, r, 2)))
					ev(&fl[ENT_R_HEADCOUNT], ENT_F_SI, LINE(si, r));
			}
		}
	}
	/* electricity: 3 consecutive months down >= 30 % year on year, last 6 months */
	month_slots(ut, i, x->am - 23, x->am, ut_slot);
	{
		bool drop[6], in_run[6] = {false};

		for (int k = 0; k < 6; k++) {
			long a = ut_slot[18 + k], b = ut_slot[6 + k];

			drop[k] = a >= 0 && b >= 0 && KNOWN(COL(ut, a, 2)) &&
				  KNOWN(COL(ut, b, 2)) && COL(ut, b, 2) > 0 &&
				  (wide)100 * COL(ut, a, 2) <=
				      (wide)(100 - P(ENT_R_ELECTRICITY)) * COL(ut, b, 2);
		}
		for (int k = 0; k < 4; k++) {
			if (drop[k] && drop[k + 1] && drop[k + 2])
				in_run[k] = in_run[k + 1] = in_run[k + 2] = true;
		}
		for (int k = 0; k < 6; k++) {
			if (in_run[k]) {
				ev(&fl[ENT_R_ELECTRICITY], ENT_F_UT, LINE(ut, ut_slot[6 + k]));
				ev(&fl[ENT_R_ELECTRICITY], ENT_F_UT, LINE(ut, ut_slot[18 + k]));
			}
		}
	}
	if (grade_tax == 'C')
		ev(&fl[ENT_R_TAX_C], ENT_F_TAX, LINE(tax, trow));
	if (n_def12 >= (size_t)P(ENT_R_LITIGATION_3)) {
		for (size_t r = court->start[i]; r < court->start[i + 1]; r++) {
			int64_t dt = COL(court, r, 1), role = COL(court, r, 2);

			if (role == ENT_ROLE_DEFENDANT && x->y1 < dt && dt <= x->as_of)
				ev(&fl[ENT_R_LITIGATION_3], ENT_F_COURT, LINE(court, r));
		}
	}

	/* R7 credit scorecard */
	if (KNOWN(est)) {
		int age = ent_full_years(est, x->as_of);

		d1 = age >= 10 ? 8 : age >= 5 ? 6 : age >= 3 ? 4 : age >= 1 ? 2 : 0;
	} else {
		d1 = 0;
	}
	d1 += !KNOWN(cap) || cap <= 0 ? 0 : cap >= S(1000) ? 4 : cap >= S(100) ? 3 : 1;
	d1 += status == ENT_ST_CUNXU || status == ENT_ST_ZAIYE ? 3 : 0;
	d2 = grade_tax == 'A'	? 12
	     : grade_tax == 'B' ? 9
	     : grade_tax == 'M' ? 6
	     : grade_tax == 'C' ? 3
				: 0;
	d2 += !KNOWN(si_count) || si_count == 0 ? 0
	      : si_count >= 100			? 10
	      : si_count >= 20			? 8
	      : si_count >= 5			? 6
						: 3;
	{
		wide s1 = 0, s0 = 0;
		int pairs = 0;

		for (int k = 12; k < 24; k++) {
			long a = ut_slot[k], b = ut_slot[k - 12];

			if (a >= 0 && b >= 0 && KNOWN(COL(ut, a, 2)) && KNOWN(COL(ut, b, 2))) {
				s1 += COL(ut, a, 2);
				s0 += COL(ut, b, 2);
				pairs++;
			}
		}
		d2 += pairs == 0 || s0 <= 0 ? 0 : s1 >= s0 ? 8 : 10 * s1 >= 7 * s0 ? 4 : 0;
	}
	{
		int c1 = (hightech ? 5 : 0) + (zjtx_cert ? 5 : 0) + (techsme ? 2 : 0);
		int64_t inv = 0, oth = 0;

		for (size_t r = ip->start[i]; r < ip->start[i + 1]; r++) {
			int64_t kind = COL(ip, r, 1), cnt = COL(ip, r, 2);

			if (!KNOWN(cnt))
				cnt = 0;
			if (kind == ENT_IPK_INVENTION)
				inv = cnt;
			else
				oth += cnt;
		}
		p = (inv >= 5 ? 5 : inv >= 1 ? 3 : 0) + (oth >= 1 ? 2 : 0);
		d3 = c1 + p > 15 ? 15 : c1 + p;
	}
	{
		int ded = 0;

		if (cur_dis)
			ded -= 30;
		if (cur_abn)
			ded -= 10;
		if (n_pen12)
			ded -= n_pen12 * 3 > 12 ? 12 : (int)n_pen12 * 3;
		if (n_def12)
			ded -= n_def12 * 2 > 8 ? 8 : (int)n_def12 * 2;
		d4 = 30 + ded < 0 ? 0 : 30 + ded;
	}
	d5 = 10;
	for (int k = 12; k < 24; k++) {
		long r = ut_slot[k];

		if (r >= 0 && COL(ut, r, 3) == 1) {
			d5 -= 5;
			break;
		}
	}
	if (KNOWN(si_arrears) && si_arrears >= 1)
		d5 -= 5;
	total = d1 + d2 + d3 + d4 + d5;
	base = total >= 80 ? 'A' : total >= 60 ? 'B' : total >= 40 ? 'C' : 'D';
	/* disabled rules raise nothing; the caps follow the configured levels */
	capg = 'A';
	res->red = false;
	for (int r = 0; r < ENT_R_COUNT; r++) {
		const char *lv = x->rules->r[r].level;
		char c;

		if (!x->rules->r[r].enabled) {
			fl[r].on = false;
			fl[r].n = 0;
		}
		if (!fl[r].on)
			continue;
		c = lv[0] == 'r' ? 'D' : lv[0] == 'o' ? 'C' : 'B';
		res->red |= lv[0] == 'r';
		if (c > capg)
			capg = c;
	}
	grade = base > capg ? base : capg;

	res->cx_score = cx_total;
	res->cx_pass = cx_pass;
	res->year = L;
	res->ind[0] = ind_ip;
	res->ind[1] = ind_rd;
	res->ind[2] = ind_growth;
	res->ind[3] = ind_debt;
	res->ind[4] = ind_strategic;
	res->ind[5] = ind_share;
	res->direct_cert = direct_cert;
	res->direct_equity = direct_equity;
	res->age_ok = age_ok;
	res->rd_ok = rd_ok;
	res->rev_ok = rev_ok;
	res->grade = grade;
	res->base = base;
	res->credit = total;
	res->dim[0] = d1;
	res->dim[1] = d2;
	res->dim[2] = d3;
	res->dim[3] = d4;
	res->dim[4] = d5;
	res->revenue = rev;
	res->headcount = si_count;
	res->growth_bp = KNOWN(mbr) && KNOWN(mbr_prev) && mbr_prev > 0
			     ? (int64_t)(((wide)mbr - mbr_prev) * 10000 / mbr_prev)
			     : ENT_UNKNOWN;
}

static void write_json(const struct ent_company *co, const struct ent_result *res,
		       const struct ent_rules *rules, FILE *out, bool first)
{
	const struct ent_flag *fl = res->fl;
	bool direct_cert = res->direct_cert, direct_equity = res->direct_equity;
	bool age_ok = res->age_ok, rd_ok = res->rd_ok, rev_ok = res->rev_ok;

	fputs(first ? "\n  " : ",\n  ", out);
	fprintf(out, "{\"uscc\": \"%s\", \"uscc_valid\": %s, \"name\": ", co->uscc,
		ent_uscc_valid(co->uscc) ? "true" : "false");
	json_str(out, co->name ? co->name : "", co->name ? strlen(co->name) : 0);
	fputs(", \"industry_code\": ", out);
	if (co->industry[0])
		fprintf(out, "\"%s\"", co->industry);
	else
		fputs("null", out);
	fprintf(
	    out,
	    ", \"cxzx\": {\"score\": %d, \"pass\": %s, \"year\": %d, \"indicators\": {\"ip\": %d, "
	    "\"rd_ratio\": %d, \"growth\": %d, \"debt_ratio\": %d, \"strategic\": %d, "
	    "\"main_business_share\": %d}, \"direct\": [%s%s%s]}",
	    res->cx_score, res->cx_pass ? "true" : "false", res->year, res->ind[0], res->ind[1],
	    res->ind[2], res->ind[3], res->ind[4], res->ind[5],
	    direct_cert ? "\"hightech_certificate\"" : "", direct_cert && direct_equity ? ", " : "",
	    direct_equity ? "\"equity_3y_500wan\"" : "");
	fprintf(
	    out,
	    ", \"zjtx_base\": %s, \"zjtx\": {\"age_2y\": %s, \"rd\": %s, \"revenue_or_equity\": "
	    "%s}",
	    age_ok && rd_ok && rev_ok ? "true" : "false", age_ok ? "true" : "false",
	    rd_ok ? "true" : "false", rev_ok ? "true" : "false");
	fprintf(out,
		", \"grade\": \"%c\", \"credit\": {\"score\": %d, \"base_grade\": \"%c\", "
		"\"dimensions\": {\"basic\": %d, \"operations\": %d, \"innovation\": %d, "
		"\"compliance\": %d, \"performance\": %d}}",
		res->grade, res->credit, res->base, res->dim[0], res->dim[1], res->dim[2],
		res->dim[3], res->dim[4]);
	fputs(", \"flags\": [", out);
	{
		bool ff = true;

		for (int r = 0; r < ENT_R_COUNT; r++) {
			if (!fl[r].on)
				continue;
			fprintf(out, "%s{\"level\": \"%s\", \"rule\": \"%s\", \"evidence\": [",
				ff ? "" : ", ", rules->r[r].level, ent_rule_id((size_t)r));
			for (size_t k = 0; k < fl[r].n; k++)
				fprintf(out, "%s\"%s:%ld\"", k ? ", " : "",
					ent_files[fl[r].file[k]].name, fl[r].line[k]);
			fputs("]}", out);
			ff = false;
		}
	}
	fputs("]}", out);
}

void ent_ctx_init(struct ent_ctx *x, int64_t as_of)
{
	x->as_of = as_of;
	x->y1 = ent_date_add_years(as_of, -1);
	x->y2 = ent_date_add_years(as_of, -2);
	x->y3 = ent_date_add_years(as_of, -3);
	x->am = as_of / 10000 * 12 + as_of / 100 % 100 - 1;
	x->last_fy = (int)(as_of / 10000) - 1;
	x->rules = ent_rules_builtin();
}

void ent_eval_write(const struct ent_dataset *d, const struct ent_ctx *x, FILE *out)
{
	struct ent_result *res = xmalloc(sizeof(*res));

	for (size_t i = 0; i < d->n; i++) {
		ent_eval_one(d, x, i, res);
		write_json(&d->c[i], res, x->rules, out, i == 0);
	}
	free(res);
}

/* ---- loading from the store ---- */

struct load {
	struct ent_dataset *d;
	size_t *index_of; /* enterprise row id -> index + 1 (0: unknown) */
	size_t nindex;
	size_t ccap;
	long bad;
};

static int load_ent(const struct store_ent_row *r, void *arg)
{
	struct load *l = arg;
	struct ent_dataset *d = l->d;
	struct ent_company *c;
	const char *fields[ENT_COLS_MAX];
	size_t flen[ENT_COLS_MAX];
	if (d->n == l->ccap)
		d->c = xgrow(d->c, &l->ccap, d->n + 1, sizeof(*d->c));
	c = &d->c[d->n];
	memset(c, 0, sizeof(*c));
	if (strlen(r->uscc) != 18 ||
	    ent_canon_parse(ENT_F_ENTERPRISES, r->canon, c->v, fields, flen) != 0) {
		l->bad++;
		return 0;
	}
	memcpy(c->uscc, r->uscc, 19);
	c->id = r->id;
	c->line = r->line;
	c->name = xstrndup(fields[1], flen[1]);
	if (flen[8] < sizeof(c->region)) {
		memcpy(c->region, fields[8], flen[8]);
		c->region[flen[8]] = '\0';
	}
	if (flen[6] < sizeof(c->industry)) {
		memcpy(c->industry, fields[6], flen[6]);
		c->industry[flen[6]] = '\0';
	}
	if ((size_t)r->id >= l->nindex) {
		size_t old = l->nindex;

		l->nindex = (size_t)r->id * 2 + 16;
		l->index_of = xrealloc(l->index_of, l->nindex * sizeof(*l->index_of));
		memset(l->index_of + old, 0, (l->nindex - old) * sizeof(*l->index_of));
	}
	l->index_of[r->id] = ++d->n;
	return 0;
}

static int load_rec(const struct store_ent_row *r, void *arg)
{
	struct load *l = arg;
	struct ent_table *t;
	int64_t v[ENT_COLS_MAX];
	size_t idx;

	if (r->file < 1 || r->file >= ENT_NFILES || r->ent_id < 0 ||
	    (size_t)r->ent_id >= l->nindex || l->index_of[r->ent_id] == 0)
		return 0;
	idx = l->index_of[r->ent_id] - 1;
	if (ent_canon_parse(r->file, r->canon, v, NULL, NULL) != 0) {
		l->bad++;
		return 0;
	}
	t = &l->d->t[r->file];
	if ((t->n + 1) * t->stride > t->cap)
		t->v = xgrow(t->v, &t->cap, (t->n + 1) * t->stride, sizeof(*t->v));
	t->v[t->n * t->stride] = (int64_t)idx;
	t->v[t->n * t->stride + 1] = r->line;
	for (size_t c = 1; c < ent_files[r->file].ncols; c++)
		t->v[t->n * t->stride + 1 + c] = v[c];
	t->n++;
	return 0;
}

int64_t ent_parse_as_of(const char *s)
{
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	}
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (!ent_date_valid(y, m, d))
		return -1;
	return (int64_t)y * 10000 + m * 100 + d;
}

int ent_dataset_load(struct store *st, struct ent_dataset *d, struct err *e)
{
	struct load l = {d, NULL, 0, 0, 0};
	int rc;

	memset(d, 0, sizeof(*d));
	for (int f = 0; f < ENT_NFILES; f++)
		d->t[f].stride = ent_files[f].ncols + 1;
	rc = store_ent_iter_enterprises(st, load_ent, &l, e);
	if (rc == 0)
		rc = store_ent_iter_records(st, load_rec, &l, e);
	free(l.index_of);
	if (rc != 0) {
		ent_dataset_free(d);
		return rc;
	}
	if (l.bad > 0)
		base_log(LOG_WARN, "enterprise: %ld stored rows could not be read", l.bad);
	ent_dataset_group(d);
	return 0;
}

int ent_dataset_load_one(struct store *st, int64_t id, const char *uscc, struct ent_dataset *d,
			 struct err *e)
{
	struct load l = {d, NULL, 0, 0, 0};
	int rc;

	memset(d, 0, sizeof(*d));
	for (int f = 0; f < ENT_NFILES; f++)
		d->t[f].stride = ent_files[f].ncols + 1;
	rc = store_ent_get(st, id, uscc, load_ent, &l, e);
	if (rc == 0 && d->n == 1)
		rc = store_ent_iter_records_of(st, d->c[0].id, load_rec, &l, e);
	free(l.index_of);
	if (rc != 0) {
		ent_dataset_free(d);
		return rc;
	}
	ent_dataset_group(d);
	return 0;
}

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int ent_export_json(struct store *st, int64_t as_of, FILE *out, struct err *e)
{
	return ent_export_json_rules(st, as_of, NULL, out, e);
}

int ent_export_json_rules(struct store *st, int64_t as_of, const struct ent_rules *rules, FILE *out,
			  struct err *e)
{
	struct ent_rules stored;
	struct ent_ctx x;
	struct ent_dataset d;
	int64_t import_id;
	char *stats = NULL;
	int rc;

	uint64_t t0 = base_now_ns(), t1, t2;
	uint64_t c0 = cpu_ns(), c1, c2;
	size_t nrec = 0;

	if (rules == NULL) {
		if (ent_rules_load(st, &stored, e) != 0)
			return -1;
		rules = &stored;
	}
	rc = ent_dataset_load(st, &d, e);
	if (rc != 0)
		return rc;
	t1 = base_now_ns();
	c1 = cpu_ns();
	rc = store_ent_last_import(st, &import_id, &stats, e);
	if (rc != 0) {
		ent_dataset_free(&d);
		return rc;
	}
	fprintf(out, "{\"as_of\": \"%04d-%02d-%02d\", \"enterprises\": [", (int)(as_of / 10000),
		(int)(as_of / 100 % 100), (int)(as_of % 100));
	ent_ctx_init(&x, as_of);
	x.rules = rules;
	ent_eval_write(&d, &x, out);
	fprintf(out, "\n], \"import\": %s}\n", stats != NULL ? stats : "null");
	fflush(out);
	t2 = base_now_ns();
	c2 = cpu_ns();
	/* Timing for bench/enterprise (stderr, only when asked). */
	if (getenv("SHUZHI_ENT_TIMING") != NULL) {
		for (int f = 1; f < ENT_NFILES; f++)
			nrec += d.t[f].n;
		fprintf(stderr,
			"enterprise-timing: enterprises=%zu records=%zu load_s=%.3f eval_s=%.3f "
			"load_cpu_s=%.3f eval_cpu_s=%.3f\n",
			d.n, nrec, (double)(t1 - t0) / 1e9, (double)(t2 - t1) / 1e9,
			(double)(c1 - c0) / 1e9, (double)(c2 - c1) / 1e9);
	}
	free(stats);
	ent_dataset_free(&d);
	return 0;
}
