// SPDX-License-Identifier: MIT
/*
 * The Unicorn ColdFire CPU as a secondary MMU of its mm.  The pages
 * Unicorn maps (a hash by virtual page, under cpu->lock) play the part of
 * ColdFire's software-loaded TLB: an access to a page it does not map is
 * a TLB miss, filled here from the PTE (young, and dirty for a write)
 * or, when the PTE does not allow the access, by the mm's fault handler.
 * A page is writable in Unicorn only while its PTE is writable and dirty,
 * so that the first write through a clean PTE traps.  The mmu notifier
 * drops pages on every invalidation; msim_ucpu_check() cross-checks the
 * two MMUs.  Kept apart from the CPU's runs because this is the part the
 * mm (its notifiers, from any thread) calls into.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <mmsim/swapops.h>

#include "ucpu_internal.h"

/* The secondary page table, with @lock held. */

/*
 * Unicorn keys translations by the address and by the offset of the
 * memory block behind it, which a block mapped later may reuse; and it
 * finds them only through a mapping (uc_ctl_remove_cache() after the
 * unmap finds nothing).  An address that has only ever been mapped to
 * one frame of a file or a special mapping (the program's text, the
 * vDSO: the same frames in every fork of a cf-explore case, and no user
 * store changes them) keeps its translations when its page leaves the
 * TLB: whatever offset they linger under, they are that frame's code.
 * Any other drops them before the unmap; and an address seen with a
 * second frame (or whose code was flushed) is unstable for good: its
 * translations go before every unmap and after every map, so that none
 * from an older frame is ever found again.
 */
static struct ucpu_vpage *vpage_of(struct msim_ucpu *cpu, uint32_t vpn)
{
	struct ucpu_vpage *v;

	HASH_FIND(hh, cpu->vpages, &vpn, sizeof(vpn), v);
	return v;
}

static void drop_translations(struct msim_ucpu *cpu, uint32_t va, bool kuc)
{
	uc_ctl_remove_cache(cpu->uc, va, va + cpu->psize);
	if (kuc)
		uc_ctl_remove_cache(cpu->kuc, va, va + cpu->psize);
}

/* @va is mapped to @pfn (of @page) now. */
static void vpage_mapped(struct msim_ucpu *cpu, uint32_t va, unsigned long pfn,
			 const struct page *page)
{
	uint32_t vpn = va / cpu->psize;
	struct ucpu_vpage *v = vpage_of(cpu, vpn);

	if (!v) {
		v = calloc(1, sizeof(*v));
		if (!v) {
			drop_translations(cpu, va, false);
			return;
		}
		v->vpn = vpn;
		v->pfn = pfn;
		v->gen = page->msim_alloc_gen;
		v->unstable = PageAnon(page);
		HASH_ADD(hh, cpu->vpages, vpn, sizeof(v->vpn), v);
	}
	if (v->pfn != pfn || v->gen != page->msim_alloc_gen || PageAnon(page))
		v->unstable = true;
	if (v->unstable)
		drop_translations(cpu, va, false);
}

static void tlb_remove(struct msim_ucpu *cpu, struct ucpu_page *pg)
{
	uint32_t va = pg->vpn * cpu->psize;
	struct ucpu_vpage *v = vpage_of(cpu, pg->vpn);

	if (!v || v->unstable)
		drop_translations(cpu, va, pg->in_kuc);
	uc_mem_unmap(cpu->uc, va, cpu->psize);
	if (pg->in_kuc)
		uc_mem_unmap(cpu->kuc, va, cpu->psize);
	HASH_DEL(cpu->pages, pg);
	free(pg);
	cpu->tlb_gen++;
	cpu->stats.tlb_flushes++;
}

static bool tlb_flush_range(struct msim_ucpu *cpu, unsigned long start,
			    unsigned long end)
{
	struct ucpu_page *pg, *tmp;
	unsigned long vpn, first, last;
	bool any = false;

	if (end > cpu->mm->task_size)
		end = cpu->mm->task_size;
	if (start >= end)
		return false;
	first = start / cpu->psize;
	last = (end - 1) / cpu->psize;
	if (last - first < HASH_COUNT(cpu->pages)) {
		for (vpn = first; vpn <= last; vpn++) {
			uint32_t key = vpn;

			HASH_FIND(hh, cpu->pages, &key, sizeof(key), pg);
			if (pg) {
				tlb_remove(cpu, pg);
				any = true;
			}
		}
		return any;
	}
	HASH_ITER(hh, cpu->pages, pg, tmp) {
		if (pg->vpn >= first && pg->vpn <= last) {
			tlb_remove(cpu, pg);
			any = true;
		}
	}
	return any;
}

/*
 * MODEL: cf-tlb-unbounded: the TLB holds every page the CPU has touched
 * until the mm invalidates it (or ages it), where ColdFire's has 32
 * instruction and 32 data entries and evicts; a case takes no miss for
 * eviction.
 */
static int tlb_insert(struct msim_ucpu *cpu, uint32_t va, unsigned long pfn,
		      uint32_t prot, void *host)
{
	uint32_t key = va / cpu->psize;
	struct ucpu_page *pg;

	HASH_FIND(hh, cpu->pages, &key, sizeof(key), pg);
	if (pg && pg->pfn == pfn) {
		if (pg->prot != prot &&
		    (uc_mem_protect(cpu->uc, va, cpu->psize, prot) ||
		     (pg->in_kuc &&
		      uc_mem_protect(cpu->kuc, va, cpu->psize, prot))))
			return -ENOMEM;
		if (pg->prot != prot)
			cpu->tlb_gen++;
		pg->prot = prot;
		return 0;
	}
	if (pg)
		tlb_remove(cpu, pg);
	pg = calloc(1, sizeof(*pg));
	if (!pg)
		return -ENOMEM;
	/* The kernel engine maps it when it touches it (kernel runs and
	 * replays seldom do): half the work of a fill and a flush. */
	if (uc_mem_map_ptr(cpu->uc, va, cpu->psize, prot, host)) {
		free(pg);
		return -ENOMEM;
	}
	vpage_mapped(cpu, va, pfn, pfn_to_page(cpu->m, pfn));
	pg->vpn = key;
	pg->pfn = pfn;
	pg->prot = prot;
	pg->host = host;
	HASH_ADD(hh, cpu->pages, vpn, sizeof(pg->vpn), pg);
	cpu->stats.tlb_fills++;
	return 0;
}

/*
 * The kernel engine touched @addr, which it does not map: a page of the
 * TLB is mapped there now (and true returned, so that the access is
 * done again); anything else is a miss of its own.  With @lock held (the
 * engine is running).
 */
bool ucpu_kuc_map_on_use(struct msim_ucpu *cpu, uint32_t addr)
{
	uint32_t key = addr / cpu->psize, va = key * cpu->psize;
	struct ucpu_page *pg;
	struct ucpu_vpage *v;

	HASH_FIND(hh, cpu->pages, &key, sizeof(key), pg);
	if (!pg || pg->in_kuc ||
	    uc_mem_map_ptr(cpu->kuc, va, cpu->psize, pg->prot, pg->host))
		return false;
	pg->in_kuc = true;
	v = vpage_of(cpu, key);
	if (!v || v->unstable)
		uc_ctl_remove_cache(cpu->kuc, va, va + cpu->psize);
	return true;
}

/* The mmu notifier: the secondary MMU follows the primary. */

static struct msim_ucpu *mn_cpu(struct mmu_notifier *mn)
{
	return container_of(mn, struct msim_ucpu, mn);
}

static int ucpu_invalidate_range_start(struct mmu_notifier *mn,
				       const struct mmu_notifier_range *range)
{
	struct msim_ucpu *cpu = mn_cpu(mn);

	/*
	 * Every event drops the pages rather than downgrading them: a page
	 * that is still allowed comes back on the next TLB miss.
	 */
	pthread_mutex_lock(&cpu->lock);
	cpu->inval_running++;
	cpu->inval_seq++;
	tlb_flush_range(cpu, range->start, range->end);
	pthread_mutex_unlock(&cpu->lock);
	return 0;
}

static void ucpu_invalidate_range_end(struct mmu_notifier *mn,
				      const struct mmu_notifier_range *range)
{
	struct msim_ucpu *cpu = mn_cpu(mn);

	(void)range;
	pthread_mutex_lock(&cpu->lock);
	cpu->inval_running--;
	cpu->inval_seq++;
	pthread_mutex_unlock(&cpu->lock);
}

static void ucpu_invalidate_range(struct mmu_notifier *mn, struct mm_struct *mm,
				  unsigned long start, unsigned long end)
{
	struct msim_ucpu *cpu = mn_cpu(mn);

	(void)mm;
	pthread_mutex_lock(&cpu->lock);
	tlb_flush_range(cpu, start, end);
	pthread_mutex_unlock(&cpu->lock);
}

static void ucpu_change_pte(struct mmu_notifier *mn, struct mm_struct *mm,
			    unsigned long address, pte_t pte)
{
	struct msim_ucpu *cpu = mn_cpu(mn);

	(void)pte;
	ucpu_invalidate_range(mn, mm, address & ~(cpu->psize - 1),
			      (address & ~(cpu->psize - 1)) + cpu->psize);
}

/*
 * The emulator keeps no accessed bits: a mapped page counts as young, and
 * clearing youth unmaps it so that the next access is seen (by the TLB
 * miss, which marks the PTE young again).
 */
static int ucpu_clear_young(struct mmu_notifier *mn, struct mm_struct *mm,
			    unsigned long start, unsigned long end)
{
	struct msim_ucpu *cpu = mn_cpu(mn);
	bool young;

	(void)mm;
	pthread_mutex_lock(&cpu->lock);
	young = tlb_flush_range(cpu, start, end);
	pthread_mutex_unlock(&cpu->lock);
	return young;
}

static int ucpu_test_young(struct mmu_notifier *mn, struct mm_struct *mm,
			   unsigned long address)
{
	struct msim_ucpu *cpu = mn_cpu(mn);
	uint32_t key = address / cpu->psize;
	struct ucpu_page *pg;

	(void)mm;
	pthread_mutex_lock(&cpu->lock);
	HASH_FIND(hh, cpu->pages, &key, sizeof(key), pg);
	pthread_mutex_unlock(&cpu->lock);
	return pg != NULL;
}

/* Every page out of the TLB, with @lock held. */
void ucpu_tlb_flush_all(struct msim_ucpu *cpu)
{
	struct ucpu_page *pg, *tmp;

	HASH_ITER(hh, cpu->pages, pg, tmp)
		tlb_remove(cpu, pg);
}

static void ucpu_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct msim_ucpu *cpu = mn_cpu(mn);

	(void)mm;
	pthread_mutex_lock(&cpu->lock);
	tlb_flush_range(cpu, 0, cpu->mm->task_size);
	cpu->released = true;
	pthread_mutex_unlock(&cpu->lock);
}

const struct mmu_notifier_ops ucpu_mn_ops = {
	.release = ucpu_release,
	.clear_flush_young = ucpu_clear_young,
	.clear_young = ucpu_clear_young,
	.test_young = ucpu_test_young,
	.change_pte = ucpu_change_pte,
	.invalidate_range_start = ucpu_invalidate_range_start,
	.invalidate_range_end = ucpu_invalidate_range_end,
	.invalidate_range = ucpu_invalidate_range,
};

unsigned char *ucpu_host_of(struct msim_ucpu *cpu, uint32_t addr)
{
	uint32_t key = addr / cpu->psize;
	struct ucpu_page *pg;

	HASH_FIND(hh, cpu->pages, &key, sizeof(key), pg);
	if (!pg)
		return NULL;
	return (unsigned char *)page_address(pfn_to_page(cpu->m, pg->pfn)) +
	       (addr & (cpu->psize - 1));
}

enum msim_access ucpu_access_of(uc_mem_type type)
{
	switch (type) {
	case UC_MEM_WRITE_UNMAPPED:
	case UC_MEM_WRITE_PROT:
		return MSIM_ACCESS_WRITE;
	case UC_MEM_FETCH_UNMAPPED:
	case UC_MEM_FETCH_PROT:
		return MSIM_ACCESS_EXEC;
	default:
		return MSIM_ACCESS_READ;
	}
}

const char *ucpu_access_name(enum msim_access a)
{
	return a == MSIM_ACCESS_WRITE  ? "write"
	       : a == MSIM_ACCESS_EXEC ? "fetch"
				       : "read";
}

/*
 * The TLB miss handler: load the emulator's mapping of @addr from the PTE
 * if the PTE allows @access, marking it young (and dirty for a write) as
 * ColdFire's miss handler does.  Return: 0, 1 if the PTE does not allow
 * the access, -EAGAIN if an invalidation is running, -ENOMEM.
 */
static int tlb_fill(struct msim_ucpu *cpu, uint32_t addr,
		    enum msim_access access)
{
	struct mm_struct *mm = cpu->mm;
	const struct msim_arch *a = mm->arch;
	bool write = access == MSIM_ACCESS_WRITE;
	uint32_t va = addr & ~(cpu->psize - 1), prot = 0;
	pte_t *ptep, pte;
	int ret = 1;

	spin_lock(&mm->page_table_lock);
	ptep = msim_pte_offset(mm, va);
	if (!ptep ||
	    !msim_pte_allows(a, *ptep, write, access == MSIM_ACCESS_EXEC))
		goto out;
	pte = *ptep;
	if (msim_pte_allows(a, pte, false, false))
		prot |= UC_PROT_READ;
	if (msim_pte_allows(a, pte, false, true))
		prot |= UC_PROT_EXEC;
	if (write || (pte_write(a, pte) && pte_dirty(a, pte)))
		prot |= UC_PROT_WRITE;
	pthread_mutex_lock(&cpu->lock);
	if (cpu->inval_running || cpu->released) {
		ret = cpu->released ? 1 : -EAGAIN;
	} else {
		pte = pte_mkyoung(a, pte);
		if (write)
			pte = pte_mkdirty(a, pte);
		*ptep = pte;
		ret = tlb_insert(cpu, va, pte_pfn(a, pte), prot,
				 page_address(pfn_to_page(mm->machine,
							  pte_pfn(a, pte))));
	}
	pthread_mutex_unlock(&cpu->lock);
out:
	spin_unlock(&mm->page_table_lock);
	return ret;
}

/* How many invalidations have started or ended so far. */
static unsigned long inval_seq(struct msim_ucpu *cpu)
{
	unsigned long seq;

	pthread_mutex_lock(&cpu->lock);
	seq = cpu->inval_seq;
	pthread_mutex_unlock(&cpu->lock);
	return seq;
}

static int segv(struct msim_ucpu *cpu, enum msim_access access, uint32_t addr,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A user access the mm cannot resolve: the thread gets a SIGSEGV. */
static int segv(struct msim_ucpu *cpu, enum msim_access access, uint32_t addr,
		const char *fmt, ...)
{
	char msg[sizeof(cpu->error.msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ucpu_fail(cpu, -EFAULT, MSIM_UCPU_ERR_SEGV, "%s", msg);
	cpu->error.addr = addr;
	cpu->error.access = access;
	return -EFAULT;
}

/* What the PTE for @addr holds, as the fault handler will see it. */
static enum msim_ucpu_fault_kind
fault_kind(struct msim_ucpu *cpu, uint32_t addr, enum msim_access access)
{
	struct mm_struct *mm = cpu->mm;
	const struct msim_arch *a = mm->arch;
	enum msim_ucpu_fault_kind kind = MSIM_UCPU_FAULT_OTHER;
	pte_t *ptep, pte;

	spin_lock(&mm->page_table_lock);
	ptep = msim_pte_offset(mm, addr & ~(cpu->psize - 1));
	pte = ptep ? *ptep : __pte(0);
	spin_unlock(&mm->page_table_lock);
	if (pte_none(pte))
		kind = MSIM_UCPU_FAULT_NEW;
	else if (is_swap_pte(a, pte))
		kind = is_migration_entry(pte_to_swp_entry(a, pte))
			       ? MSIM_UCPU_FAULT_MIGRATION
			       : MSIM_UCPU_FAULT_SWAPIN;
	else if (access == MSIM_ACCESS_WRITE && !pte_write(a, pte))
		kind = MSIM_UCPU_FAULT_COW;
	return kind;
}

/* The rest of the access-error path: TLB load, else do_page_fault(). */
int ucpu_resolve_fault(struct msim_ucpu *cpu, uint32_t addr,
		       enum msim_access access)
{
	int tries = 0, faults = 0, ret;
	unsigned long seq, last_seq = inval_seq(cpu), rounds = 0;
	vm_fault_t vf;

	cpu->fault_addr = addr;
	cpu->fault_kind = MSIM_UCPU_FAULT_NONE;
	if (addr >= cpu->mm->task_size)
		return segv(cpu, access, addr,
			    "SIGSEGV: user %s of kernel address %#x",
			    ucpu_access_name(access), addr);
	for (;;) {
		/*
		 * The bounds below only stop a model bug from spinning: while
		 * invalidations come and go, another thread is making
		 * progress (zapping what was just faulted in, say), and the
		 * retries start over, as a real CPU would retry for good; a
		 * fault whose own invalidations keep it going is stopped by
		 * the bound on rounds.
		 */
		if (++rounds > 1000000)
			return segv(cpu, access, addr,
				    "fault at %#x never resolves", addr);
		seq = inval_seq(cpu);
		if (seq != last_seq) {
			last_seq = seq;
			tries = 0;
			faults = 0;
		}
		ret = tlb_fill(cpu, addr, access);
		if (ret <= 0 && ret != -EAGAIN)
			return ret ? ucpu_fail(cpu, ret, MSIM_UCPU_ERR_NOMEM,
					       "out of host memory")
				   : 0;
		if (ret == -EAGAIN) {
			/* Another thread is between start and end. */
			if (++tries > 100000)
				return segv(cpu, access, addr,
					    "invalidation of %#x never ends",
					    addr);
			sched_yield();
			continue;
		}
		/* A fault that succeeded lets the next fill pass. */
		if (!faults)
			cpu->fault_kind = fault_kind(cpu, addr, access);
		if (faults++ == 4)
			return segv(cpu, access, addr,
				    "fault at %#x does not stick", addr);
		vf = msim_handle_user_fault(cpu->mm, addr, access);
		cpu->stats.page_faults++;
		if (vf & VM_FAULT_OOM)
			return ucpu_fail(cpu, -ENOMEM, MSIM_UCPU_ERR_NOMEM,
					 "out of memory at %#x", addr);
		if (vf & VM_FAULT_ERROR)
			return segv(cpu, access, addr, "SIG%s: %s at %#x",
				    vf & VM_FAULT_SIGBUS ? "BUS" : "SEGV",
				    ucpu_access_name(access), addr);
	}
}

void msim_ucpu_flush_icache(struct msim_ucpu *cpu, uint32_t start, uint32_t end)
{
	struct ucpu_vpage *v, *tmp;

	pthread_mutex_lock(&cpu->lock);
	/* Translations lingering elsewhere, from before, may be stale. */
	HASH_ITER(hh, cpu->vpages, v, tmp)
		if ((v->vpn + 1) * cpu->psize > start &&
		    v->vpn * cpu->psize < end)
			v->unstable = true;
	uc_ctl_remove_cache(cpu->uc, start, end);
	uc_ctl_remove_cache(cpu->kuc, start, end);
	pthread_mutex_unlock(&cpu->lock);
}

int msim_ucpu_check(struct msim_ucpu *cpu, char *msg, size_t size)
{
	struct mm_struct *mm = cpu->mm;
	const struct msim_arch *a = mm->arch;
	struct ucpu_page *pg, *tmp;
	char buf[160] = "";
	pte_t *ptep, pte;
	uint32_t va;

	spin_lock(&mm->page_table_lock);
	pthread_mutex_lock(&cpu->lock);
	HASH_ITER(hh, cpu->pages, pg, tmp) {
		va = pg->vpn * cpu->psize;
		ptep = msim_pte_offset(mm, va);
		pte = ptep ? *ptep : __pte(0);
		if (!msim_pte_allows(a, pte, false, false) &&
		    !msim_pte_allows(a, pte, false, true)) {
			snprintf(buf, sizeof(buf),
				 "%#x: mapped by the CPU, PTE %#llx gives no "
				 "access",
				 va, (unsigned long long)pte_val(pte));
			break;
		}
		if (pte_pfn(a, pte) != pg->pfn) {
			snprintf(buf, sizeof(buf),
				 "%#x: the CPU maps pfn %#lx, the PTE pfn %#lx",
				 va, pg->pfn, pte_pfn(a, pte));
			break;
		}
		if ((pg->prot & UC_PROT_WRITE) &&
		    !(pte_write(a, pte) && pte_dirty(a, pte))) {
			snprintf(buf, sizeof(buf),
				 "%#x: writable in the CPU, PTE %#llx is not "
				 "writable and dirty",
				 va, (unsigned long long)pte_val(pte));
			break;
		}
	}
	pthread_mutex_unlock(&cpu->lock);
	spin_unlock(&mm->page_table_lock);
	if (!buf[0])
		return 0;
	if (msg && size)
		snprintf(msg, size, "%s", buf);
	return -EUCLEAN;
}
