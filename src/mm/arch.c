// SPDX-License-Identifier: MIT
/*
 * The two architectures.  Values are the kernel's; see arch.h for the
 * layouts they describe.
 */
#include <string.h>
#include <mmsim/mm.h>
#include <mmsim/mm_types.h>

#define X86_PRESENT (1ULL << 0)
#define X86_RW (1ULL << 1)
#define X86_USER (1ULL << 2)
#define X86_ACCESSED (1ULL << 5)
#define X86_DIRTY (1ULL << 6)
#define X86_PROTNONE (1ULL << 8) /* _PAGE_GLOBAL, meaningful without P */
#define X86_SPECIAL (1ULL << 9)	 /* _PAGE_SOFTW1 */
#define X86_NX (1ULL << 63)

const struct msim_arch msim_arch_x86_64 = {
	.name = "x86_64",
	.page_shift = 12,
	.levels = 4,
	.level_shift = { 39, 30, 21, 12 },
	.level_bits = { 9, 9, 9, 9 },
	.ptr_bytes = 8,
	.task_size = 0x7ffffffff000UL,
	/*
	 * mmap_base(): TASK_SIZE less the 128 MiB minimum stack gap.
	 * MODEL: no-aslr: the layout is the one Linux gives with
	 * randomization off (norandmaps, personality ADDR_NO_RANDOMIZE), so
	 * that addresses repeat from run to run.
	 */
	.mmap_base = 0x7ffffffff000UL - (128UL << 20),
	.mmap_min_addr = 65536,
	.topdown = true,
	/*
	 * The modelled kernel, these machines' 6.18, has THP but not
	 * CONFIG_MEM_SOFT_DIRTY: its smaps never shows "sd".
	 */
	.soft_dirty = false,
	.thp = true,
	.pte = {
		.present = X86_PRESENT,
		.protnone = X86_PROTNONE,
		.read = 0,
		.write = X86_RW,
		.user = X86_USER,
		.young = X86_ACCESSED,
		.dirty = X86_DIRTY,
		.special = X86_SPECIAL,
		.exec = 0,
		.nx = X86_NX,
		.pfn_shift = 12,
		.pfn_mask = 0x000ffffffffff000ULL,
		.table = X86_PRESENT | X86_RW | X86_USER | X86_ACCESSED |
			 X86_DIRTY,
		/*
		 * Type in bits 59-63, offset from bit 9, above protnone, so
		 * that a swap PTE is neither present nor protnone; the
		 * exclusive marker is _PAGE_PSE.
		 * MODEL: x86-swap-offset-not-inverted: Linux stores the
		 * offset inverted (the L1TF mitigation); the model does not,
		 * having no speculating CPU to hide the frames from.
		 */
		.swp_type_shift = 59,
		.swp_type_bits = 5,
		.swp_offset_shift = 9,
		.swp_offset_bits = 50,
		.swp_exclusive = 1ULL << 7,
	},
};

/* arch/m68k/include/asm/mcf_pgtable.h */
#define CF_PAGE_DIRTY 0x001ULL
#define CF_PAGE_EXEC 0x004ULL
#define CF_PAGE_WRITABLE 0x008ULL
#define CF_PAGE_READABLE 0x010ULL
#define CF_PAGE_VALID 0x800ULL
#define CF_PAGE_ACCESSED 0x1000ULL

const struct msim_arch msim_arch_coldfire = {
	.name = "coldfire",
	.page_shift = 13,
	.levels = 2,
	.level_shift = { 22, 13 },
	.level_bits = { 10, 9 },
	.ptr_bytes = 4,
	.task_size = 0xc0000000UL,
	.mmap_base = 0x60000000UL, /* TASK_UNMAPPED_BASE */
	.mmap_min_addr = 65536,
	.topdown = false,
	.pte = {
		/*
		 * PAGE_NONE is VALID|ACCESSED: a PROT_NONE PTE is present
		 * with no access bit, so there is no separate protnone bit.
		 * There is no user bit (kernel pages have SYSTEM instead)
		 * and no special bit: m68k finds the zero page by its pfn.
		 */
		.present = CF_PAGE_VALID,
		.protnone = 0,
		.read = CF_PAGE_READABLE,
		.write = CF_PAGE_WRITABLE,
		.user = 0,
		.young = CF_PAGE_ACCESSED,
		.dirty = CF_PAGE_DIRTY,
		.special = 0,
		.exec = CF_PAGE_EXEC,
		.nx = 0,
		.pfn_shift = 13,
		.pfn_mask = 0xffffe000ULL,
		.table = 0,
		/*
		 * Type in bits 0-6 and the exclusive marker CF_PAGE_NOCACHE
		 * (0x80), as Linux has them.
		 * MODEL: coldfire-swap-offset-bit12: Linux starts the offset
		 * at bit 11, which is CF_PAGE_VALID: an odd offset would read
		 * as a present PTE.  The model starts it at bit 12.
		 */
		.swp_type_shift = 0,
		.swp_type_bits = 7,
		.swp_offset_shift = 12,
		.swp_offset_bits = 20,
		.swp_exclusive = 0x80ULL,
	},
};

const struct msim_arch *msim_arch_lookup(const char *name)
{
	if (!name)
		return NULL;
	if (!strcmp(name, msim_arch_x86_64.name))
		return &msim_arch_x86_64;
	if (!strcmp(name, msim_arch_coldfire.name))
		return &msim_arch_coldfire;
	return NULL;
}

/*
 * protection_map for private mappings.  A private writable mapping gets
 * no write bit: the first write faults and breaks COW (or claims the page).
 * x86 does this with PAGE_COPY.
 * MODEL: coldfire-protection-map: Linux's ColdFire __P010/__P011 do carry
 * CF_PAGE_WRITABLE; mmsim leaves it out, since mm/ assumes private PTEs
 * start write-protected (the zero page would otherwise be writable).  And
 * write-only is readable, where __P010 has no CF_PAGE_READABLE (below).
 */
pgprot_t vm_get_page_prot(const struct msim_arch *a, unsigned long vm_flags)
{
	const struct msim_pte_bits *b = &a->pte;
	uint64_t prot;

	if (!(vm_flags & VM_ACCESS_FLAGS)) {
		prot = (b->protnone ? b->protnone : b->present) | b->young;
		return (pgprot_t){ prot };
	}
	prot = b->present | b->user | b->young;
	/*
	 * Write-only is readable, as on x86; ColdFire's __P010 has no
	 * READABLE, but with the write bit withheld for COW a write-only
	 * page would then allow no access at all.
	 */
	if (vm_flags & (VM_READ | VM_WRITE))
		prot |= b->read;
	if (vm_flags & VM_EXEC)
		prot |= b->exec;
	else
		prot |= b->nx;
	return (pgprot_t){ prot };
}

/*
 * The seed's ColdFire vDSO names its mapping here, from mm->context.vdso,
 * which arch_setup_additional_pages() sets; x86_64 names its vDSO through
 * the special mapping, and mmsim maps none there.
 */
const char *arch_vma_name(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;

	if (mm && mm->arch == &msim_arch_coldfire && mm->context.vdso &&
	    vma->vm_start == mm->context.vdso)
		return "[vdso]";
	return NULL;
}
