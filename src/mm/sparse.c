// SPDX-License-Identifier: MIT
/*
 * The memory map by section (mm/sparse.c, mm/sparse-vmemmap.c): a
 * machine's RAM and its struct pages are reserved in the host's address
 * space at creation, inaccessible, and a section's part of both is made
 * accessible, and its struct pages initialized, when the frame allocator
 * first reaches the section.  A machine of a terabyte thus starts at
 * once, and costs the host in proportion to the frames it has used.
 *
 * MODEL: memmap-by-section: Linux populates and initializes the memory
 * map of all present memory at boot (deferred struct page init aside),
 * in sections of 128 MiB on x86_64, and only memory hotplugged later in
 * 2 MiB subsections; here every section is 2 MiB (MSIM_SECTION_SHIFT)
 * and is populated on first use, in pfn order, since the allocator hands
 * out never-used frames from the bottom up.  pfn_to_page() is NULL for a
 * frame whose section is not populated, as pfn_valid() is false for a
 * section with no memory map.
 */
#include <sys/mman.h>
#include <unistd.h>
#include "internal.h"

static unsigned long pages_per_section(const struct msim_machine *m)
{
	return 1UL << (MSIM_SECTION_SHIFT - m->arch->page_shift);
}

static size_t host_page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static size_t memmap_bytes(const struct msim_machine *m)
{
	size_t hp = host_page_size();

	return (m->nr_frames * sizeof(struct page) + hp - 1) & ~(hp - 1);
}

/* The host range of @start to @end, widened to whole host pages. */
static int make_accessible(void *start, void *end)
{
	uintptr_t hp = host_page_size();
	uintptr_t s = (uintptr_t)start & ~(hp - 1);
	uintptr_t e = ((uintptr_t)end + hp - 1) & ~(hp - 1);

	return mprotect((void *)s, e - s, PROT_READ | PROT_WRITE) ? -ENOMEM : 0;
}

int msim_memmap_reserve(struct msim_machine *m)
{
	size_t ram = m->nr_frames << m->arch->page_shift;

	/*
	 * Neither is charged to the host's commit until a section makes
	 * its part writable, and neither is backed until written.  No THP
	 * for RAM: a host that has it "always" would back a touched frame
	 * with 2 MiB.
	 */
	m->ram = mmap(NULL, ram, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->ram == MAP_FAILED) {
		m->ram = NULL;
		return -ENOMEM;
	}
	madvise(m->ram, ram, MADV_NOHUGEPAGE);
	m->mem_map = mmap(NULL, memmap_bytes(m), PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->mem_map == MAP_FAILED) {
		m->mem_map = NULL;
		munmap(m->ram, ram);
		m->ram = NULL;
		return -ENOMEM;
	}
	m->memmap_pfns = 0;
	return 0;
}

void msim_memmap_release(struct msim_machine *m)
{
	if (m->mem_map)
		munmap(m->mem_map, memmap_bytes(m));
	if (m->ram)
		munmap(m->ram, m->nr_frames << m->arch->page_shift);
}

int sparse_populate_next_section(struct msim_machine *m)
{
	unsigned long start = m->memmap_pfns, end, pfn;
	unsigned int shift = m->arch->page_shift;

	if (start >= m->nr_frames)
		return -ENOMEM;
	end = start + pages_per_section(m);
	if (end > m->nr_frames)
		end = m->nr_frames;
	if (make_accessible(m->ram + (start << shift),
			    m->ram + (end << shift)) ||
	    make_accessible(&m->mem_map[start], &m->mem_map[end]))
		return -ENOMEM;
	/* What memmap_init() does; every other field is zero. */
	for (pfn = start; pfn < end; pfn++) {
		struct page *page = &m->mem_map[pfn];

		page->machine = m;
		atomic_init(&page->_mapcount, -1);
		INIT_LIST_HEAD(&page->lru);
	}
	/* Publishes the struct pages to pfn_to_page() without the lock. */
	__atomic_store_n(&m->memmap_pfns, end, __ATOMIC_RELEASE);
	return 0;
}
