/* SPDX-License-Identifier: MIT */
/*
 * VMA layouts asserted as pictures, one character a page:
 *
 *	assert_vmas(mm, BASE - p, ".aaBB.cc.");
 *
 * draws @mm's VMAs over the pages from BASE - p, as many as the picture
 * has characters, and fails the test unless the drawing is the picture:
 *
 *	.	no VMA covers the page
 *	a-z	a page of a VMA, its PTE not present (none, or a swap or
 *		migration entry)
 *	A-Z	a page of a VMA whose PTE is present (it maps a frame, the
 *		zero page included; PROT_NONE PTEs are present too)
 *
 * Letters name VMAs in the order they appear: the first VMA in the window
 * is a, the next b, and so on, whatever their addresses; the pages of one
 * VMA share its letter, in either case.  So ".aaBB.cc." is a hole, a
 * VMA of two untouched pages, a second VMA right after it whose two pages
 * are mapped, a hole, a third VMA, a hole.  A boundary is asserted only
 * where the picture shows one: to pin where a VMA starts or ends, draw
 * the page beyond it too, as the dots do here.
 *
 *	assert_vmas_prot(mm, BASE - p, ".aaBB.cc.", "rw- r-- rw-");
 *
 * also asserts each VMA's access bits (VM_READ, VM_WRITE, VM_EXEC), one
 * "rwx" group per letter, in letter order, '-' for a bit not set.
 *
 * On a difference, both pictures are printed one above the other with
 * the caller's file:line, carets under the pages that differ, and the
 * VMAs found.  A picture that cannot be drawn (letters out of order, one
 * VMA's letter in two places, an unknown character) fails as such.
 */
#ifndef MMSIM_VMA_PICTURE_H
#define MMSIM_VMA_PICTURE_H

#include <ctype.h>

#include "mmsim_test.h"

/* Pages a picture may span; letters are the VMAs it may show. */
#define MT_PICTURE_PAGES 128
#define MT_PICTURE_VMAS 26
/* Their protections: "rwx" and a blank each. */
#define MT_PICTURE_PROTS (MT_PICTURE_VMAS * 4)

struct mt_picture {
	char pages[MT_PICTURE_PAGES + 1];
	char prots[MT_PICTURE_PROTS];
	int nr_vmas;
	struct {
		unsigned long start, end;
		vm_flags_t flags;
	} vmas[MT_PICTURE_VMAS];
};

/* "rwx" for @flags' access bits, '-' where one is missing. */
static inline void mt_prot_string(vm_flags_t flags, char out[4])
{
	out[0] = flags & VM_READ ? 'r' : '-';
	out[1] = flags & VM_WRITE ? 'w' : '-';
	out[2] = flags & VM_EXEC ? 'x' : '-';
	out[3] = '\0';
}

/*
 * Draw @n pages of @mm from @start into @pic.  A window showing more than
 * MT_PICTURE_VMAS VMAs draws '?' for the pages of the ones beyond.
 */
static inline void mt_draw_vmas(struct mm_struct *mm, unsigned long start,
				size_t n, struct mt_picture *pic)
{
	unsigned long addr, psize = mm_page_size(mm);
	struct vm_area_struct *vma, *last = NULL;
	char *prot = pic->prots;
	int letter = -1;
	bool present;
	pte_t *ptep;
	size_t i;

	memset(pic, 0, sizeof(*pic));
	mmap_read_lock(mm);
	spin_lock(&mm->page_table_lock);
	for (i = 0; i < n; i++) {
		addr = start + i * psize;
		vma = vma_lookup(mm, addr);
		if (!vma) {
			pic->pages[i] = '.';
			continue;
		}
		if (vma != last) {
			last = vma;
			letter = pic->nr_vmas < MT_PICTURE_VMAS ? pic->nr_vmas
								: -1;
		}
		if (letter < 0) {
			pic->pages[i] = '?';
			continue;
		}
		if (letter == pic->nr_vmas) {
			pic->vmas[letter].start = vma->vm_start;
			pic->vmas[letter].end = vma->vm_end;
			pic->vmas[letter].flags = vma->vm_flags;
			if (letter)
				*prot++ = ' ';
			mt_prot_string(vma->vm_flags, prot);
			prot += 3;
			pic->nr_vmas++;
		}
		ptep = msim_pte_offset(mm, addr);
		present = ptep && pte_present(mm->arch, *ptep);
		pic->pages[i] = (char)((present ? 'A' : 'a') + letter);
	}
	spin_unlock(&mm->page_table_lock);
	mmap_read_unlock(mm);
}

/*
 * Is @picture one that mt_draw_vmas() can draw?  Its letters must come in
 * order, each new one the next of the alphabet, and each VMA's pages
 * must be contiguous.  Return: NULL, or what is wrong.
 */
static inline const char *mt_picture_invalid(const char *picture)
{
	size_t i, n = strlen(picture);
	int last = -1, cur;

	if (!n)
		return "it is empty";
	if (n > MT_PICTURE_PAGES)
		return "it is longer than MT_PICTURE_PAGES";
	for (i = 0; i < n; i++) {
		if (picture[i] == '.')
			continue;
		if (!isalpha((unsigned char)picture[i]))
			return "a page is neither '.' nor a letter";
		cur = tolower((unsigned char)picture[i]) - 'a';
		if (cur == last && i && picture[i - 1] != '.')
			continue;
		if (cur != last + 1)
			return "its letters are not a, b, c... in order of "
			       "appearance, one run each";
		last = cur;
	}
	return NULL;
}

/* @prots with runs of blanks made single spaces, ends trimmed, in @out. */
static inline void mt_normalize_prots(const char *prots, char *out, size_t size)
{
	size_t o = 0;
	bool blank = false;

	for (; *prots && o + 2 < size; prots++) {
		if (isspace((unsigned char)*prots)) {
			blank = o > 0;
			continue;
		}
		if (blank)
			out[o++] = ' ';
		blank = false;
		out[o++] = *prots;
	}
	out[o] = '\0';
}

/*
 * Does @mm look like @picture from @start (and have @prots, unless NULL)?
 * What was drawn is left in @pic.
 */
static inline bool mt_vmas_match(struct mm_struct *mm, unsigned long start,
				 const char *picture, const char *prots,
				 struct mt_picture *pic)
{
	char want[MT_PICTURE_PROTS + 1];

	mt_draw_vmas(mm, start, strlen(picture), pic);
	if (strcmp(pic->pages, picture))
		return false;
	if (!prots)
		return true;
	mt_normalize_prots(prots, want, sizeof(want));
	return !strcmp(pic->prots, want);
}

static inline void mt_assert_vmas_at(struct mm_struct *mm, unsigned long start,
				     const char *picture, const char *prots,
				     const char *file, int line)
{
	const char *bad = mt_picture_invalid(picture);
	char want[MT_PICTURE_PROTS + 1];
	char marks[MT_PICTURE_PAGES + 3 + sizeof(want)];
	char flags[128], prot[4];
	size_t i, n = strlen(picture), m = 0, nw, nh;
	struct mt_picture pic;
	int v;

	if (bad) {
		print_error("%s:%d: bad VMA picture \"%s\": %s\n", file, line,
			    picture, bad);
		_fail(file, line);
	}
	if (mt_vmas_match(mm, start, picture, prots, &pic))
		return;
	/* Carets under what differs, pages and protections alike. */
	want[0] = '\0';
	if (prots)
		mt_normalize_prots(prots, want, sizeof(want));
	for (i = 0; i < n; i++)
		marks[m++] = picture[i] == pic.pages[i] ? ' ' : '^';
	marks[m++] = ' ';
	marks[m++] = ' ';
	nw = strlen(want);
	nh = prots ? strlen(pic.prots) : 0;
	for (i = 0; i < nw || i < nh; i++)
		marks[m++] =
			i < nw && i < nh && want[i] == pic.prots[i] ? ' ' : '^';
	while (m && marks[m - 1] == ' ')
		m--;
	marks[m] = '\0';
	print_error("%s:%d: VMAs from %#lx, %lu KiB a page:\n"
		    "  want %s  %s\n"
		    "  have %s  %s\n"
		    "       %s\n",
		    file, line, start, mm_page_size(mm) / KiB, picture, want,
		    pic.pages, prots ? pic.prots : "", marks);
	for (v = 0; v < pic.nr_vmas; v++) {
		mt_prot_string(pic.vmas[v].flags, prot);
		msim_vm_flags_string(pic.vmas[v].flags, flags, sizeof(flags));
		print_error("  %c: %#lx-%#lx %s (%s)\n", 'a' + v,
			    pic.vmas[v].start, pic.vmas[v].end, prot, flags);
	}
	_fail(file, line);
}

#define assert_vmas(mm, start, picture)                                        \
	mt_assert_vmas_at((mm), (start), (picture), NULL, __FILE__, __LINE__)
#define assert_vmas_prot(mm, start, picture, prots)                            \
	mt_assert_vmas_at((mm), (start), (picture), (prots), __FILE__, __LINE__)

#endif /* MMSIM_VMA_PICTURE_H */
