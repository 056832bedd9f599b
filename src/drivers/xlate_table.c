// SPDX-License-Identifier: MIT
/*
 * A secondary MMU's translation table (see xlate_table.h).  No locking:
 * every caller holds its driver's lock.
 */
#include <limits.h>
#include <string.h>
#include <mmsim/mmsim.h>
#include <mmsim/drivers/xlate_table.h>

void msim_xlate_table_init(struct msim_xlate_table *t, struct msim_machine *m,
			   const char *name, struct msim_coherence *coherence)
{
	t->root = MSIM_AVL_ROOT;
	t->nr_entries = 0;
	t->machine = m;
	t->name = name;
	t->coherence = coherence;
}

struct msim_xlate_entry *msim_xlate_lookup(struct msim_xlate_table *t,
					   unsigned long addr)
{
	struct interval_tree_node *node =
		interval_tree_iter_first(&t->root, addr, addr);

	return node ? container_of(node, struct msim_xlate_entry, node) : NULL;
}

void msim_xlate_drop(struct msim_xlate_table *t, struct msim_xlate_entry *e)
{
	interval_tree_remove(&e->node, &t->root);
	msim_coherence_unmap(t->coherence, &e->sm);
	t->nr_entries--;
	msim_kfree(t->machine, MSIM_ALLOC_OTHER, e);
}

unsigned long msim_xlate_drop_range(struct msim_xlate_table *t,
				    unsigned long start, unsigned long end)
{
	struct interval_tree_node *node;
	unsigned long n = 0;

	if (start >= end)
		return 0;
	while ((node = interval_tree_iter_first(&t->root, start, end - 1))) {
		msim_xlate_drop(
			t, container_of(node, struct msim_xlate_entry, node));
		n++;
	}
	return n;
}

unsigned long msim_xlate_insert(struct msim_xlate_table *t,
				struct msim_xlate_entry *e, unsigned long addr,
				unsigned long size, struct page *page,
				bool writable, unsigned long seen)
{
	struct msim_xlate_entry *old = msim_xlate_lookup(t, addr);

	if (old)
		msim_xlate_drop(t, old);
	e->node.start = addr;
	e->node.last = addr + size - 1;
	e->page = page;
	e->writable = writable;
	interval_tree_insert(&e->node, &t->root);
	t->nr_entries++;
	msim_secondary_mapping_init(&e->sm, t->name, addr, page, writable,
				    seen);
	msim_coherence_map(t->coherence, &e->sm);
	return old ? 1 : 0;
}

void msim_xlate_repoint(struct msim_xlate_table *t, struct msim_xlate_entry *e,
			struct page *page, bool writable, unsigned long seen)
{
	msim_coherence_unmap(t->coherence, &e->sm);
	e->page = page;
	e->writable = writable;
	msim_secondary_mapping_init(&e->sm, t->name, e->node.start, page,
				    writable, seen);
	msim_coherence_map(t->coherence, &e->sm);
}

struct msim_xlate_entry *msim_xlate_access(struct msim_xlate_table *t,
					   unsigned long base,
					   unsigned long off, void *buf,
					   size_t len, bool write)
{
	struct msim_xlate_entry *e = msim_xlate_lookup(t, base);
	unsigned char *p;

	if (!e || (write && !e->writable))
		return NULL;
	msim_trace(MSIM_TRACE_SEC_ACCESS, .s = { t->name },
		   .a = { base + off, page_to_pfn(e->page), write });
	p = (unsigned char *)page_address(e->page) + off;
	if (write)
		memcpy(p, buf, len);
	else
		memcpy(buf, p, len);
	return e;
}

struct page *msim_xlate_page(struct msim_xlate_table *t, unsigned long addr,
			     bool *writable)
{
	struct msim_xlate_entry *e = msim_xlate_lookup(t, addr);

	if (!e)
		return NULL;
	if (writable)
		*writable = e->writable;
	return e->page;
}

void msim_xlate_entry_show(struct msim_xlate_table *t,
			   struct msim_xlate_entry *e, FILE *out)
{
	fprintf(out, "%s 0x%lx pfn 0x%lx %s", t->name, e->node.start,
		page_to_pfn(e->page), e->writable ? "rw" : "ro");
}

void msim_xlate_show(struct msim_xlate_table *t, FILE *out)
{
	struct interval_tree_node *node;

	for (node = interval_tree_iter_first(&t->root, 0, ULONG_MAX); node;
	     node = interval_tree_iter_next(node, 0, ULONG_MAX)) {
		msim_xlate_entry_show(
			t, container_of(node, struct msim_xlate_entry, node),
			out);
		fputc('\n', out);
	}
}
