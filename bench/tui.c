/*
 * The helper of bench/tui (built by it against build/libmyna.a):
 *
 *   tui fill DB          a store of 10,000 notices, 1,000 deadlines and
 *                        50,000 procedures, through the store's own API
 *   tui search DB N      N searches over the catalogue (a mix of Japanese
 *                        and English, long and short words); prints the
 *                        50th and 95th percentile and the worst, in ms
 *   tui screen N MYNA    starts MYNA (the TUI) N times on a pseudo-terminal
 *                        of 80x24 and times it from exec to the first whole
 *                        screen (its status line drawn); prints the median
 *                        and the worst in ms, and the largest RSS in KiB
 *
 * The environment (XDG_*) says where MYNA finds the store.
 */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "date.h"
#include "mem.h"
#include "store.h"
#include "wire.h"

#define NOTICES	   10000
#define DEADLINES  1000
#define PROCEDURES 50000

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static const char *const topics_ja[] = {
	"児童手当", "国民年金", "介護保険", "住民税", "固定資産税", "国民健康保険", "後期高齢者医療",
	"保育園", "粗大ごみ", "犬の登録", "印鑑登録", "住民票", "戸籍", "転出", "転入", "出生",
	"婚姻", "離婚", "死亡", "パスポート", "運転免許", "マイナンバーカード", "障害者手帳",
	"生活保護", "就学援助", "高額療養費", "予防接種", "がん検診", "軽自動車税", "自動車税",
};
static const char *const topics_en[] = {
	"child allowance", "national pension", "long-term care insurance", "resident tax",
	"fixed asset tax", "national health insurance", "late-stage elderly medical care",
	"nursery school", "bulky waste", "dog registration", "seal registration",
	"residence certificate", "family register", "moving out", "moving in", "birth",
	"marriage", "divorce", "death", "passport", "driving licence", "My Number Card",
	"disability certificate", "public assistance", "school expense aid",
	"high-cost medical expenses", "vaccination", "cancer screening", "light vehicle tax",
	"automobile tax",
};
static const char *const acts_ja[] = {
	"の申請", "の届出", "の変更届", "の再発行", "の減免申請", "の現況届", "の証明書交付",
	"の口座変更", "の資格喪失届", "の認定申請",
};
static const char *const acts_en[] = {
	"application", "notification", "change of details", "reissue", "reduction",
	"status report", "certificate", "change of bank account", "end of eligibility",
	"certification",
};

#define NELEMS(a) (sizeof a / sizeof a[0])

static int
fill(const char *path)
{
	struct store *st = NULL;
	struct wire_notice n;
	struct wire_deadline d;
	struct wire_procedure p;
	struct wire_text doc;
	char *cause = NULL, id[64], when[40], name_ja[256], name_en[256], agency_ja[128],
	     agency_en[128], desc_ja[512], desc_en[512];
	time_t t0 = time(NULL);
	double start = now_ms();
	int i;

	if (store_open(path, &st, &cause) < 0) {
		fprintf(stderr, "tui fill: %s\n", cause);
		return 1;
	}
	if (store_begin(st) < 0)
		goto fail;
	for (i = 0; i < NOTICES; i++) {
		memset(&n, 0, sizeof n);
		snprintf(id, sizeof id, "n-%d", i + 1);
		n.id = id;
		n.title.ja = (char *)"お知らせ：手続きの期限が近づいています";
		n.title.en = (char *)"Notice: a deadline is coming up";
		n.body.ja = (char *)"期限までに手続きをしてください。マイナポータルから申請できます。";
		n.body.en = (char *)"Please complete the procedure by the deadline. You can apply "
				   "through Mynaportal.";
		n.sender.ja = (char *)"デジタル庁";
		n.sender.en = (char *)"Digital Agency";
		n.published = date_format(t0 - (time_t)i * 3600, when, sizeof when);
		if (store_notice_upsert(st, &n) < 0)
			goto fail;
		/* Most have been read: a long-time resident's inbox. */
		if (i >= 20 && store_notice_mark_read(st, id, 1) < 0)
			goto fail;
	}
	for (i = 0; i < DEADLINES; i++) {
		memset(&d, 0, sizeof d);
		snprintf(id, sizeof id, "d-%d", i + 1);
		d.id = id;
		d.title.ja = (char *)"国民年金保険料の納付";
		d.title.en = (char *)"Pay the national pension premium";
		d.due = date_format(t0 + (time_t)(i - 500) * 86400, when, sizeof when);
		d.procedure = (char *)"kokumin-nenkin";
		if (store_deadline_upsert(st, &d) < 0)
			goto fail;
		if (i < 500) {
			int changed;

			if (store_deadline_set_done(st, id, 1, &changed) < 0)
				goto fail;
		}
	}
	for (i = 0; i < PROCEDURES; i++) {
		int t = i % (int)NELEMS(topics_ja), a = (i / (int)NELEMS(topics_ja)) % (int)NELEMS(acts_ja);
		int city = i / (int)(NELEMS(topics_ja) * NELEMS(acts_ja));

		memset(&p, 0, sizeof p);
		snprintf(id, sizeof id, "%06d:p-%d", 100000 + city, i);
		snprintf(name_ja, sizeof name_ja, "%s%s", topics_ja[t], acts_ja[a]);
		snprintf(name_en, sizeof name_en, "%s %s", topics_en[t], acts_en[a]);
		snprintf(agency_ja, sizeof agency_ja, "第%d市役所", city);
		snprintf(agency_en, sizeof agency_en, "City Office %d", city);
		snprintf(desc_ja, sizeof desc_ja, "%sについての手続きです。窓口またはオンラインで受け付け"
						   "ます。必要な書類を確認してください。",
			 topics_ja[t]);
		snprintf(desc_en, sizeof desc_en, "The procedure for %s. Apply at the office or "
						   "online. Check the documents you need.",
			 topics_en[t]);
		p.id = id;
		p.name.ja = name_ja;
		p.name.en = name_en;
		p.agency.ja = agency_ja;
		p.agency.en = agency_en;
		p.description.ja = desc_ja;
		p.description.en = desc_en;
		doc.ja = (char *)"マイナンバーカード";
		doc.en = (char *)"My Number Card";
		p.documents = &doc;
		p.ndocuments = 1;
		p.online = i % 3 == 0;
		if (store_procedure_upsert(st, &p) < 0)
			goto fail;
	}
	if (store_commit(st) < 0)
		goto fail;
	printf("filled in %.0f ms\n", now_ms() - start);
	store_close(st);
	return 0;
fail:
	fprintf(stderr, "tui fill: %s\n", store_error(st));
	store_close(st);
	return 1;
}

static int
search(const char *path, int n)
{
	static const char *const queries[] = {
		"現況届", "転出", "年金", "passport", "child allowance", "tax", "届", "moving out",
		"再発行", "介護保険 認定", "第12市役所", "City Office 120", "マイナンバーカード",
		"bulky", "口座",
	};
	struct store *st = NULL;
	struct wire_procedure *v = NULL;
	double *t = xcalloc((size_t)n, sizeof *t), s;
	char *cause = NULL;
	size_t k, found = 0;
	int i, more;

	if (store_open(path, &st, &cause) < 0) {
		fprintf(stderr, "tui search: %s\n", cause);
		return 1;
	}
	for (i = 0; i < n; i++) {
		s = now_ms();
		if (store_procedures_search(st, queries[i % (int)NELEMS(queries)], 100, &v, &k,
					    &more) < 0) {
			fprintf(stderr, "tui search: %s\n", store_error(st));
			return 1;
		}
		t[i] = now_ms() - s;
		found += k;
		store_procedures_free(v, k);
	}
	/* BENCH_VERBOSE: each query's worst, on stderr. */
	if (getenv("BENCH_VERBOSE") != NULL) {
		for (k = 0; k < NELEMS(queries); k++) {
			double worst = 0;

			for (i = (int)k; i < n; i += (int)NELEMS(queries))
				worst = t[i] > worst ? t[i] : worst;
			fprintf(stderr, "%-24s %.2f ms\n", queries[k], worst);
		}
	}
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	printf("%.2f %.2f %.2f %zu\n", t[n / 2], t[(n * 95) / 100], t[n - 1], found / (size_t)n);
	free(t);
	store_close(st);
	return 0;
}

/* Runs myna on a pseudo-terminal until its first screen is drawn; returns
 * the time in ms (or -1) and the RSS in KiB. */
static double
screen_once(const char *myna, long *rss)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	struct rusage ru;
	char buf[8192], seen[65536];
	size_t len = 0;
	double start = now_ms(), took = -1;
	ssize_t r;
	int fd, status;
	pid_t pid;

	pid = forkpty(&fd, NULL, NULL, &ws);
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setenv("TERM", "xterm", 1);
		execl(myna, myna, (char *)NULL);
		_exit(127);
	}
	while (took < 0 && now_ms() - start < 10000) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 100) <= 0)
			continue;
		r = read(fd, buf, sizeof buf);
		if (r <= 0)
			break;
		if (len + (size_t)r < sizeof seen - 1) {
			memcpy(seen + len, buf, (size_t)r);
			len += (size_t)r;
			seen[len] = '\0';
		}
		/* The status line is drawn last. */
		if (strstr(seen, "Press ? for the keys") != NULL)
			took = now_ms() - start;
	}
	if (write(fd, "q", 1) < 0)
		kill(pid, SIGTERM);
	/* Drain until it exits. */
	while ((r = read(fd, buf, sizeof buf)) > 0)
		;
	if (wait4(pid, &status, 0, &ru) == pid)
		*rss = ru.ru_maxrss;
	close(fd);
	return took;
}

static int
screens(int n, const char *myna)
{
	double *t = xcalloc((size_t)n, sizeof *t);
	long rss = 0, max_rss = 0;
	int i;

	for (i = 0; i < n; i++) {
		t[i] = screen_once(myna, &rss);
		if (t[i] < 0) {
			fprintf(stderr, "tui screen: %s did not draw its first screen\n", myna);
			return 1;
		}
		if (rss > max_rss)
			max_rss = rss;
	}
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	printf("%.1f %.1f %ld\n", t[n / 2], t[n - 1], max_rss);
	free(t);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "fill") == 0)
		return fill(argv[2]);
	if (argc == 4 && strcmp(argv[1], "search") == 0)
		return search(argv[2], atoi(argv[3]) > 0 ? atoi(argv[3]) : 100);
	if (argc == 4 && strcmp(argv[1], "screen") == 0)
		return screens(atoi(argv[2]) > 0 ? atoi(argv[2]) : 5, argv[3]);
	fprintf(stderr, "usage: tui fill DB | tui search DB N | tui screen N MYNA\n");
	return 2;
}
