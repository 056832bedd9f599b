// SPDX-License-Identifier: MIT
/*
 * /proc/PID/maps and smaps as fs/proc/task_mmu.c prints them.  The header
 * of a line is padded to 25 + 6 * sizeof(void *) - 1 columns before a
 * name, and a nameless line keeps the space after the inode column.
 */
#include <string.h>
#include <mmsim/swapops.h>
#include "internal.h"

/*
 * The heap and the stack as get_vma_name() tells them: the VMAs that
 * overlap what brk() has added since exec (vma_is_initial_heap()), and
 * the one holding the stack pointer exec left (vma_is_initial_stack();
 * never for an mm that did not exec, start_stack 0).
 */
static const char *vma_name(const struct vm_area_struct *vma)
{
	const struct mm_struct *mm = vma->vm_mm;
	const char *name = NULL;

	if (vma->vm_ops && vma->vm_ops->name)
		name = vma->vm_ops->name((struct vm_area_struct *)vma);
	if (!name)
		name = arch_vma_name((struct vm_area_struct *)vma);
	if (name)
		return name;
	if (vma->vm_start < mm->brk && vma->vm_end > mm->start_brk)
		return "[heap]";
	if (mm->start_stack && vma->vm_start <= mm->start_stack &&
	    vma->vm_end >= mm->start_stack)
		return "[stack]";
	return NULL;
}

int msim_maps_line(const struct vm_area_struct *vma, char *buf, size_t size)
{
	const struct msim_arch *a = vma->vm_mm->arch;
	int width = 25 + 6 * (int)a->ptr_bytes - 1;
	vm_flags_t f = vma->vm_flags;
	const char *name = vma_name(vma);
	char head[96];
	int n;

	n = snprintf(head, sizeof(head),
		     "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ",
		     vma->vm_start, vma->vm_end, f & VM_READ ? 'r' : '-',
		     f & VM_WRITE ? 'w' : '-', f & VM_EXEC ? 'x' : '-',
		     f & VM_MAYSHARE ? 's' : 'p', 0ULL, 0, 0, 0UL);
	if (!name)
		return snprintf(buf, size, "%s\n", head);
	return snprintf(buf, size, "%s%*s %s\n", head,
			n < width ? width - n : 0, "", name);
}

void msim_show_maps(struct mm_struct *mm, FILE *out)
{
	struct vm_area_struct *vma;
	char line[256];

	mmap_read_lock(mm);
	for_each_vma(mm, vma) {
		msim_maps_line(vma, line, sizeof(line));
		fputs(line, out);
	}
	mmap_read_unlock(mm);
}

struct rss_walk {
	struct vm_area_struct *vma;
	unsigned long rss, anon, swap;
};

/*
 * As smaps_pte_entry(): a migration entry's page is still resident, and
 * so are a device-private page and a device-exclusive one (all three
 * anonymous); a swap entry counts as swap.
 */
static int count_rss(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		     void *arg)
{
	struct rss_walk *w = arg;
	swp_entry_t entry;
	struct page *page;

	if (pte_present(mm->arch, *ptep)) {
		page = vm_normal_page(w->vma, addr, *ptep);
		if (page) {
			w->rss++;
			w->anon += PageAnon(page);
		}
		return 0;
	}
	entry = pte_to_swp_entry(mm->arch, *ptep);
	if (is_pfn_swap_entry(entry)) {
		/* Only anonymous pages migrate or go to a device. */
		w->rss++;
		w->anon++;
	} else if (!non_swap_entry(entry)) {
		w->swap++;
	}
	return 0;
}

/* Resident pages of @vma, how many of them are anonymous, and swapped. */
static void vma_rss_walk(struct vm_area_struct *vma, struct rss_walk *w)
{
	struct mm_struct *mm = vma->vm_mm;

	spin_lock(&mm->page_table_lock);
	msim_walk_ptes(mm, vma->vm_start, vma->vm_end, count_rss, w);
	spin_unlock(&mm->page_table_lock);
}

unsigned long msim_vma_rss(struct vm_area_struct *vma)
{
	struct rss_walk w = { .vma = vma };

	vma_rss_walk(vma, &w);
	return w.rss;
}

unsigned long msim_vma_swap(struct vm_area_struct *vma)
{
	struct rss_walk w = { .vma = vma };

	vma_rss_walk(vma, &w);
	return w.swap;
}

/* Indexed by bit number, as show_smap_vma_flags() has them. */
static const char mnemonics[32][2] = {
	[0] = "rd",  [1] = "wr",  [2] = "ex",  [3] = "sh",  [4] = "mr",
	[5] = "mw",  [6] = "me",  [7] = "ms",  [8] = "gd",  [10] = "pf",
	[13] = "lo", [14] = "io", [15] = "sr", [16] = "rr", [17] = "dc",
	[18] = "de", [19] = "lf", [20] = "ac", [21] = "nr", [22] = "ht",
	[23] = "sf", [25] = "wf", [26] = "dd", [27] = "sd", [29] = "hg",
	[30] = "nh",
};

const char *msim_vm_flags_string(vm_flags_t flags, char *buf, size_t size)
{
	size_t len = 0;
	int bit;

	if (size)
		buf[0] = '\0';
	for (bit = 0; bit < 32; bit++) {
		if (!(flags & (1UL << bit)) || !mnemonics[bit][0])
			continue;
		if (len + 3 < size) {
			buf[len++] = mnemonics[bit][0];
			buf[len++] = mnemonics[bit][1];
			buf[len++] = ' ';
			buf[len] = '\0';
		}
	}
	return buf;
}

void msim_show_smaps(struct mm_struct *mm, FILE *out)
{
	struct vm_area_struct *vma;
	unsigned long kb = mm_page_size(mm) >> 10;
	char line[256], flags[128];
	struct rss_walk w;

	mmap_read_lock(mm);
	for_each_vma(mm, vma) {
		msim_maps_line(vma, line, sizeof(line));
		fputs(line, out);
		w = (struct rss_walk){ .vma = vma };
		vma_rss_walk(vma, &w);
		fprintf(out, "%-16s%8lu kB\n",
			"Size:", (vma->vm_end - vma->vm_start) >> 10);
		fprintf(out, "%-16s%8lu kB\n", "KernelPageSize:", kb);
		fprintf(out, "%-16s%8lu kB\n", "MMUPageSize:", kb);
		fprintf(out, "%-16s%8lu kB\n", "Rss:", w.rss * kb);
		/* Per page, as Linux counts: a COWed vDSO page is anon. */
		fprintf(out, "%-16s%8lu kB\n", "Anonymous:", w.anon * kb);
		fprintf(out, "%-16s%8lu kB\n", "Swap:", w.swap * kb);
		fprintf(out, "VmFlags: %s\n",
			msim_vm_flags_string(vma->vm_flags, flags,
					     sizeof(flags)));
	}
	mmap_read_unlock(mm);
}
