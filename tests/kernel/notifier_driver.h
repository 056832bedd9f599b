/* SPDX-License-Identifier: MIT */
/*
 * The interface of notifier_driver.c, a device TLB driver written once
 * and compiled twice into test_kernel_notifier: against Linux 6.18's
 * mmu_notifier API and against 6.5's.  Include it with NDRV_PREFIX
 * defined to the prefix of the copy wanted (v618_ or v65_).
 */
#define NDRV_CAT2(a, b) a##b
#define NDRV_CAT(a, b) NDRV_CAT2(a, b)
#define NDRV(name) NDRV_CAT(NDRV_PREFIX, name)

struct mm_struct;
struct ndrv;

/**
 * struct NDRV(stats) - what the driver saw
 * @starts, @ends: invalidate_range_start/end calls
 * @tlb_flushes: calls of the version's TLB hook (->arch_invalidate_
 *	secondary_tlbs from 6.6, ->invalidate_range before)
 * @change_ptes: ->change_pte calls (before 6.9)
 * @releases: ->release calls
 * @entries: translations held now
 */
struct NDRV(stats) {
	int starts, ends, tlb_flushes, change_ptes, releases;
	unsigned long entries;
};

struct ndrv *NDRV(attach)(struct mm_struct *mm);
void NDRV(detach)(struct ndrv *d);
/* The device reads the byte at @addr through its TLB, faulting it in. */
int NDRV(read)(struct ndrv *d, unsigned long addr, unsigned char *byte);
/* Does the TLB hold a translation of @addr, to @pfn? */
bool NDRV(holds)(struct ndrv *d, unsigned long addr, unsigned long *pfn);
/* An invalidation the driver raises itself (mmu_notifier_range_init()). */
void NDRV(self_invalidate)(struct ndrv *d, unsigned long start,
			   unsigned long end);
void NDRV(stats)(struct ndrv *d, struct NDRV(stats) * s);
