// SPDX-License-Identifier: MIT
/*
 * The scenario commands for secondary MMUs (see drivers.h).  A driver
 * stays until the end of the run, also after its process exits (then
 * every access fails with EFAULT, its mm released); names, like task
 * names, are never reused.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "drivers.h"

/*
 * broken_kvm is kvm with MSIM_KVM_BUG_NO_ZAP: what the coherence checker
 * reports, shown without a test program.
 */
enum scn_driver_kind {
	DRV_KVM,
	DRV_DMIRROR,
	DRV_DEV_TLB,
	DRV_MY_MMU,
	DRV_BROKEN_KVM
};

static const char *const kind_names[] = {
	"kvm", "dmirror", "dev_tlb", "my_mmu", "broken_kvm",
};

#define NR_KINDS (sizeof(kind_names) / sizeof(kind_names[0]))

/* One checker an mm; the mm is pinned by the checker's subscription. */
struct scn_checker {
	struct list_head node;
	struct mm_struct *mm;
	struct msim_coherence *c;
};

struct scn_driver {
	struct list_head node;
	char *name;
	enum scn_driver_kind kind;
	bool detached;
	struct mm_struct *mm;
	union {
		struct msim_kvm *kvm;
		struct msim_dmirror *dmirror;
		struct msim_dev_tlb *tlb;
		struct msim_my_mmu *my_mmu;
	};
};

/*
 * The mistakes a driver can be made to commit, named after the driver's
 * name on the attach line, so that a race can be shown without C.
 */
static const struct {
	enum scn_driver_kind kind;
	const char *word;
	unsigned int bug;
	const char *help;
} bug_words[] = {
	{ DRV_KVM, "no-retry", MSIM_KVM_BUG_NO_RETRY,
	  "skips the mmu_invalidate_seq retry" },
	{ DRV_KVM, "no-zap", MSIM_KVM_BUG_NO_ZAP,
	  "keeps its sptes at invalidate_range_start" },
	{ DRV_DMIRROR, "no-retry", MSIM_DMIRROR_BUG_NO_RETRY,
	  "installs without mmu_interval_read_retry()" },
	{ DRV_DEV_TLB, "no-flush", MSIM_DEV_TLB_BUG_NO_FLUSH,
	  "keeps its entries when the secondary TLBs are flushed" },
	{ DRV_MY_MMU, "ignore-invalidates", MSIM_MY_MMU_BUG_IGNORE_INVALIDATES,
	  "installs what was invalidated meanwhile" },
};

#define NR_BUG_WORDS (sizeof(bug_words) / sizeof(bug_words[0]))

static enum scn_driver_kind bug_kind(enum scn_driver_kind kind)
{
	return kind == DRV_BROKEN_KVM ? DRV_KVM : kind;
}

void scn_drivers_help(FILE *out)
{
	size_t i;
	char head[48];

	fputs("DRIVER is kvm (a KVM-like shadow MMU), dmirror (an HMM "
	      "mirror), dev_tlb\n"
	      "(a device TLB) or my_mmu (the 2008 skeleton driver); BUG "
	      "makes it commit\n"
	      "a mistake, to show what the checkers report:\n",
	      out);
	for (i = 0; i < NR_BUG_WORDS; i++) {
		snprintf(head, sizeof(head), "%s NAME %s",
			 kind_names[bug_words[i].kind], bug_words[i].word);
		fprintf(out, "  %-32s %s\n", head, bug_words[i].help);
	}
	fputs("  broken_kvm NAME                  kvm NAME no-zap, by its "
	      "old name\n",
	      out);
}

/* The mirror's owner cookie: no scenario command migrates. */
static int dmirror_owner;

static struct scn_driver *driver_lookup(struct scn_state *st, const char *name)
{
	struct scn_driver *d;

	list_for_each_entry(d, &st->drivers, node)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

static struct msim_coherence *checker_for(struct scn_state *st,
					  struct mm_struct *mm)
{
	struct scn_checker *k;
	struct msim_coherence *c;

	list_for_each_entry(k, &st->checkers, node)
		if (k->mm == mm)
			return k->c;
	k = calloc(1, sizeof(*k));
	if (!k)
		return ERR_PTR(-ENOMEM);
	c = msim_coherence_create(mm);
	if (IS_ERR(c)) {
		free(k);
		return c;
	}
	k->mm = mm;
	k->c = c;
	list_add_tail(&k->node, &st->checkers);
	return c;
}

static void driver_destroy(struct scn_driver *d)
{
	switch (d->kind) {
	case DRV_KVM:
	case DRV_BROKEN_KVM:
		msim_kvm_destroy(d->kvm);
		break;
	case DRV_DMIRROR:
		msim_dmirror_destroy(d->dmirror);
		break;
	case DRV_DEV_TLB:
		msim_dev_tlb_destroy(d->tlb);
		break;
	case DRV_MY_MMU:
		msim_my_mmu_detach(d->my_mmu);
		break;
	}
	d->detached = true;
}

/*
 * The bug @word names for a driver of kind @k (called @kind on the
 * line), in *@bugs: 0, or the status of the malformed line, which says
 * what that kind can commit.
 */
static int parse_bug_word(struct scn_state *st, enum scn_driver_kind k,
			  const char *kind, const char *word,
			  unsigned int *bugs)
{
	char known[128] = "";
	size_t i;

	for (i = 0; i < NR_BUG_WORDS; i++) {
		if (bug_words[i].kind != bug_kind(k))
			continue;
		if (!strcmp(word, bug_words[i].word))
			*bugs = bug_words[i].bug;
		snprintf(known + strlen(known), sizeof(known) - strlen(known),
			 "%s%s", known[0] ? " or " : "", bug_words[i].word);
	}
	if (!*bugs && !known[0])
		return scn_malformed(st,
				     "attach: %s has no bug to commit ('%s')",
				     kind, word);
	if (!*bugs)
		return scn_malformed(st, "attach: unknown %s bug '%s' (%s)",
				     kind_names[bug_kind(k)], word, known);
	return 0;
}

/*
 * @d's driver made on @mm, reporting to @coh and committing @bugs
 * (broken_kvm: no-zap besides); an ERR_PTR() if it could not be.
 */
static void *driver_create(struct scn_driver *d, struct mm_struct *mm,
			   struct msim_coherence *coh, unsigned int bugs)
{
	void *p = NULL;

	switch (d->kind) {
	case DRV_KVM:
	case DRV_BROKEN_KVM:
		p = d->kvm = msim_kvm_create(mm, d->name, coh);
		if (!IS_ERR(p))
			d->kvm->msim_bugs =
				bugs |
				(d->kind == DRV_BROKEN_KVM ? MSIM_KVM_BUG_NO_ZAP
							   : 0);
		break;
	case DRV_DMIRROR:
		p = d->dmirror = msim_dmirror_create(
			mm, 0, ULONG_MAX & ~(mm_page_size(mm) - 1),
			&dmirror_owner, d->name, coh);
		if (!IS_ERR(p))
			d->dmirror->msim_bugs = bugs;
		break;
	case DRV_DEV_TLB:
		p = d->tlb = msim_dev_tlb_create(mm, d->name, coh);
		if (!IS_ERR(p))
			d->tlb->msim_bugs = bugs;
		break;
	case DRV_MY_MMU:
		p = d->my_mmu = msim_my_mmu_attach_to_process(mm, d->name, coh);
		if (!IS_ERR(p))
			d->my_mmu->msim_bugs = bugs;
		break;
	}
	return p;
}

int scn_cmd_attach(struct scn_state *st, const struct scn_call *c)
{
	struct mm_struct *mm = st->current->tsk->mm;
	const char *kind = c->argv[1], *name = c->argv[2];
	const char *word = c->argc > 3 ? c->argv[3] : NULL;
	struct msim_coherence *coh;
	unsigned int bugs = 0;
	struct scn_driver *d;
	void *p;
	size_t k;
	int ret;

	for (k = 0; k < NR_KINDS; k++)
		if (!strcmp(kind, kind_names[k]))
			break;
	if (k == NR_KINDS)
		return scn_malformed(st,
				     "attach: unknown driver '%s' (kvm, "
				     "dmirror, dev_tlb, my_mmu or broken_kvm)",
				     kind);
	if (word) {
		ret = parse_bug_word(st, (enum scn_driver_kind)k, kind, word,
				     &bugs);
		if (ret)
			return ret;
	}
	if (driver_lookup(st, name)) {
		scn_call_failed(st, c, -EEXIST);
		return 0;
	}
	coh = checker_for(st, mm);
	if (IS_ERR(coh)) {
		scn_call_failed(st, c, PTR_ERR(coh));
		return 0;
	}
	d = calloc(1, sizeof(*d));
	if (!d || !(d->name = strdup(name))) {
		free(d);
		scn_internal_error(st, "out of memory");
		return SCN_EXIT_FAILED;
	}
	d->kind = (enum scn_driver_kind)k;
	d->mm = mm;
	p = driver_create(d, mm, coh, bugs);
	if (IS_ERR(p)) {
		scn_call_failed(st, c, PTR_ERR(p));
		free(d->name);
		free(d);
		return 0;
	}
	list_add_tail(&d->node, &st->drivers);
	return 0;
}

/* The driver called argv[1], or NULL after reporting ENODEV. */
static struct scn_driver *driver_arg(struct scn_state *st,
				     const struct scn_call *c)
{
	struct scn_driver *d = driver_lookup(st, c->argv[1]);

	if (!d || d->detached) {
		scn_call_failed(st, c, -ENODEV);
		return NULL;
	}
	return d;
}

int scn_cmd_detach(struct scn_state *st, const struct scn_call *c)
{
	struct scn_driver *d = driver_arg(st, c);

	if (d)
		driver_destroy(d);
	return 0;
}

static int driver_access(struct scn_driver *d, unsigned long addr,
			 unsigned char *byte, bool write)
{
	switch (d->kind) {
	case DRV_KVM:
	case DRV_BROKEN_KVM:
		return msim_kvm_access(d->kvm, addr, byte, 1, write);
	case DRV_DMIRROR:
		return msim_dmirror_access(d->dmirror, addr, byte, 1, write);
	case DRV_DEV_TLB:
		return msim_dev_tlb_access(d->tlb, addr, byte, 1, write);
	default:
		return msim_my_mmu_access(d->my_mmu, addr, byte, 1, write);
	}
}

int scn_cmd_dpeek(struct scn_state *st, const struct scn_call *c)
{
	struct scn_driver *d = driver_arg(st, c);
	unsigned char byte;
	int ret;

	if (!d)
		return 0;
	ret = driver_access(d, c->arg[1], &byte, false);
	if (ret)
		scn_call_failed(st, c, ret);
	else
		fprintf(st->out, "dpeek %s 0x%lx = 0x%02x\n", d->name,
			c->arg[1], byte);
	return 0;
}

int scn_cmd_dpoke(struct scn_state *st, const struct scn_call *c)
{
	struct scn_driver *d = driver_arg(st, c);
	unsigned char byte = (unsigned char)c->arg[2];
	int ret;

	if (!d)
		return 0;
	ret = driver_access(d, c->arg[1], &byte, true);
	if (ret)
		scn_call_failed(st, c, ret);
	else if (d->kind == DRV_BROKEN_KVM)
		st->tainted = true;
	return 0;
}

static void driver_show(struct scn_driver *d, FILE *out)
{
	switch (d->kind) {
	case DRV_KVM:
	case DRV_BROKEN_KVM:
		msim_kvm_show(d->kvm, out);
		break;
	case DRV_DMIRROR:
		msim_dmirror_show(d->dmirror, out);
		break;
	case DRV_DEV_TLB:
		msim_dev_tlb_show(d->tlb, out);
		break;
	case DRV_MY_MMU:
		msim_my_mmu_show(d->my_mmu, out);
		break;
	}
}

/*
 * The driver's translations, one a line; a driver with none says so, or
 * the output could not tell an empty table from a command that did not
 * run.  The lines are gathered first to know whether there are any.
 */
int scn_cmd_mappings(struct scn_state *st, const struct scn_call *c)
{
	struct scn_driver *d = driver_arg(st, c);
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	if (!d)
		return 0;
	out = open_memstream(&buf, &len);
	if (!out) {
		scn_internal_error(st, "out of memory");
		return SCN_EXIT_FAILED;
	}
	driver_show(d, out);
	if (fclose(out)) {
		free(buf);
		scn_internal_error(st, "out of memory");
		return SCN_EXIT_FAILED;
	}
	if (len)
		fwrite(buf, 1, len, st->out);
	else
		fprintf(st->out, "mappings %s: none\n", d->name);
	free(buf);
	return 0;
}

int scn_coherence_check(struct scn_state *st, const char *what)
{
	struct scn_checker *k;
	char report[4096], *line, *save;
	bool bad = false;

	list_for_each_entry(k, &st->checkers, node) {
		if (!msim_coherence_check(k->c, report, sizeof(report)))
			continue;
		bad = true;
		for (line = strtok_r(report, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			scn_violation(st, "coherence", what, "%s", line);
	}
	if (!bad)
		return 0;
	st->status = SCN_EXIT_FAILED;
	return -EUCLEAN;
}

int scn_cmd_coherence(struct scn_state *st, const struct scn_call *c)
{
	(void)c;
	scn_coherence_check(st, "coherence");
	return 0;
}

void scn_drivers_teardown(struct scn_state *st)
{
	struct scn_driver *d, *dn;
	struct scn_checker *k, *kn;

	list_for_each_entry_safe(d, dn, &st->drivers, node) {
		if (!d->detached)
			driver_destroy(d);
		list_del_init(&d->node);
		free(d->name);
		free(d);
	}
	list_for_each_entry_safe(k, kn, &st->checkers, node) {
		list_del_init(&k->node);
		msim_coherence_destroy(k->c);
		free(k);
	}
}
