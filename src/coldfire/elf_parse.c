// SPDX-License-Identifier: MIT
/*
 * Checking a static ColdFire executable before exec maps it: what
 * load_elf_binary() checks (elf_check_arch(), the program headers, each
 * PT_LOAD against TASK_SIZE), what mmsim needs on top (a static ET_EXEC,
 * segments that do not overlap), and the symbols the explorer calls by
 * name.  The file comes from users and from a fuzzer: every offset, size
 * and index is checked against the buffer before it is used, all in
 * 64-bit arithmetic, and nothing of the file reaches a reason unescaped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mmsim/coldfire/exec.h>
#include "be.h"

#define EHDR_SIZE 52
#define PHDR_SIZE 32
#define SHDR_SIZE 40
#define SYM_SIZE 16
#define EM_68K 4
#define ET_EXEC 2
#define ET_DYN 3
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PT_TLS 7
#define PT_GNU_STACK 0x6474e551
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define SHT_SYMTAB 2
#define SHN_UNDEF 0
#define SHN_LORESERVE 0xff00
#define STT_FUNC 2
#define STT_SECTION 3
#define STT_FILE 4
#define STT_TLS 6
#define CF_PAGE 0x2000U
#define CF_TASK_SIZE 0xc0000000ULL
#define CF_MMAP_MIN_ADDR 0x10000U
/* The vDSO page, and the stack at its largest with 32 pages of arguments. */
#define CF_VDSO 0x5fffe000U
#define CF_STACK_LOW (0xc0000000U - 32 * CF_PAGE - 0x20000U)

struct parse {
	const unsigned char *b;
	size_t len;
	char *why;
	size_t whylen;
};

/* A reason; %s arguments that come from the file go through esc(). */
static int reject(struct parse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int reject(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	if (p->why && p->whylen) {
		va_start(ap, fmt);
		vsnprintf(p->why, p->whylen, fmt, ap);
		va_end(ap);
	}
	return -ENOEXEC;
}

/* The file's bytes at @s (at most @n of them), printable, into @buf. */
static const char *esc(const unsigned char *s, size_t n, char *buf, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < n && s[i] && o + 5 < size; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
			buf[o++] = (char)s[i];
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x",
					      s[i]);
	}
	buf[o] = '\0';
	return buf;
}

static bool in_file(const struct parse *p, uint64_t off, uint64_t size)
{
	return off <= p->len && size <= p->len - off;
}

static const char *machine_name(unsigned int m)
{
	switch (m) {
	case 3:
		return " (i386)";
	case 8:
		return " (MIPS)";
	case 20:
		return " (PowerPC)";
	case 40:
		return " (ARM)";
	case 62:
		return " (x86-64)";
	case 183:
		return " (AArch64)";
	case 243:
		return " (RISC-V)";
	}
	return "";
}

static int check_header(struct parse *p, struct msim_cf_elf *elf)
{
	const unsigned char *b = p->b;
	unsigned int type, machine, phentsize;

	if (p->len < 4 || memcmp(b, "\177ELF", 4))
		return reject(p, "not an ELF file");
	if (p->len < EHDR_SIZE)
		return reject(p,
			      "truncated: %zu bytes, less than an ELF header",
			      p->len);
	if (b[4] != 1)
		return reject(p, "not a 32-bit ELF file (class %u)", b[4]);
	if (b[5] != 2)
		return reject(p, "not big-endian (data %u)", b[5]);
	if (b[6] != 1)
		return reject(p, "ELF version %u, not 1", b[6]);
	type = be16(b + 16);
	machine = be16(b + 18);
	if (machine != EM_68K)
		return reject(p, "not an m68k program: e_machine %u%s", machine,
			      machine_name(machine));
	if (type == ET_DYN)
		return reject(p, "a position-independent program or shared "
				 "object (ET_DYN): link it static, not PIE "
				 "(-static -no-pie)");
	if (type != ET_EXEC)
		return reject(p, "not an executable: e_type %u", type);
	elf->entry = be32(b + 24);
	elf->phoff = be32(b + 28);
	phentsize = be16(b + 42);
	elf->phnum = be16(b + 44);
	if (phentsize != PHDR_SIZE)
		return reject(p, "program header size %u, not %d", phentsize,
			      PHDR_SIZE);
	if (!elf->phnum || elf->phnum > 65536 / PHDR_SIZE)
		return reject(p, "%u program headers", elf->phnum);
	if (!in_file(p, elf->phoff, (uint64_t)elf->phnum * PHDR_SIZE))
		return reject(p,
			      "truncated: the program headers end past the "
			      "file's %zu bytes",
			      p->len);
	return 0;
}

static unsigned int prot_of(uint32_t flags)
{
	return (flags & PF_R ? 1U : 0) | (flags & PF_W ? 2U : 0) |
	       (flags & PF_X ? 4U : 0);
}

/* One PT_LOAD, checked on its own. */
static int check_load(struct parse *p, unsigned int i,
		      const struct msim_cf_segment *s)
{
	uint64_t end = (uint64_t)s->vaddr + s->memsz;

	if (s->filesz > s->memsz)
		return reject(p, "segment %u: p_filesz %#x above p_memsz %#x",
			      i, s->filesz, s->memsz);
	if (!in_file(p, s->offset, s->filesz))
		return reject(p,
			      "truncated: segment %u's bytes end past the "
			      "file's %zu bytes",
			      i, p->len);
	if ((s->offset ^ s->vaddr) & (CF_PAGE - 1))
		return reject(p,
			      "segment %u: file offset %#x and address %#x "
			      "differ modulo the 8 KiB page",
			      i, s->offset, s->vaddr);
	if (end > CF_TASK_SIZE)
		return reject(p,
			      "segment %u at %#x-%#llx ends past user space "
			      "(TASK_SIZE %#llx)",
			      i, s->vaddr, (unsigned long long)end,
			      CF_TASK_SIZE);
	if ((s->vaddr & ~(CF_PAGE - 1)) < CF_MMAP_MIN_ADDR)
		return reject(p,
			      "segment %u at %#x is below mmap_min_addr "
			      "(%#x)",
			      i, s->vaddr, CF_MMAP_MIN_ADDR);
	if (s->vaddr < CF_VDSO + CF_PAGE && end > CF_VDSO)
		return reject(p,
			      "segment %u at %#x-%#llx overlaps the vDSO at "
			      "%#x",
			      i, s->vaddr, (unsigned long long)end, CF_VDSO);
	if (end > CF_STACK_LOW)
		return reject(p,
			      "segment %u at %#x-%#llx overlaps the stack "
			      "below %#llx",
			      i, s->vaddr, (unsigned long long)end,
			      CF_TASK_SIZE);
	return 0;
}

/*
 * One program header, @i, into @elf: a PT_LOAD checked and kept, the
 * stack's and TLS's headers noted, a dynamic program refused.
 */
static int read_phdr(struct parse *p, struct msim_cf_elf *elf, unsigned int i)
{
	const unsigned char *ph = p->b + elf->phoff + i * PHDR_SIZE;
	struct msim_cf_segment s = {
		.vaddr = be32(ph + 8),
		.offset = be32(ph + 4),
		.filesz = be32(ph + 16),
		.memsz = be32(ph + 20),
		.prot = prot_of(be32(ph + 24)),
	};
	char tmp[96];
	int ret;

	switch (be32(ph)) {
	case PT_INTERP:
		return reject(p,
			      "dynamically linked (interpreter %s): link it "
			      "static",
			      in_file(p, s.offset, s.filesz)
				      ? esc(p->b + s.offset, s.filesz, tmp,
					    sizeof(tmp))
				      : "?");
	case PT_DYNAMIC:
		return reject(p, "dynamically linked (PT_DYNAMIC): link it "
				 "static");
	case PT_GNU_STACK:
		elf->exec_stack = s.prot & 4;
		break;
	case PT_TLS:
		if (s.filesz > s.memsz || !in_file(p, s.offset, s.filesz))
			return reject(p, "bad PT_TLS segment");
		elf->has_tls = true;
		elf->tls = s;
		elf->tls_align = be32(ph + 28);
		break;
	case PT_LOAD:
		if (elf->nr_segments == MSIM_CF_MAX_SEGMENTS)
			return reject(p, "more than %d loadable segments",
				      MSIM_CF_MAX_SEGMENTS);
		ret = check_load(p, i, &s);
		if (ret)
			return ret;
		elf->segment[elf->nr_segments++] = s;
		break;
	}
	return 0;
}

/* Whether [@addr, @addr + @len) lies in the file bytes of segment @a. */
static bool in_segment_file(const struct msim_cf_segment *a, uint32_t addr,
			    uint64_t len)
{
	return addr >= a->vaddr &&
	       (uint64_t)addr + len <= (uint64_t)a->vaddr + a->filesz;
}

/*
 * The loadable segments together: none overlaps another, the entry point
 * is in an executable one; and from them the initial break (the page
 * after the highest byte) and AT_PHDR.
 *
 * MODEL: cf-exec-no-overlap: segments whose bytes overlap are refused,
 * where Linux maps each later one MAP_FIXED over the one before;
 * segments that only share a page are loaded as Linux loads them.
 */
static int lay_out_segments(struct parse *p, struct msim_cf_elf *elf)
{
	bool entry_ok = false;
	unsigned int i, j;

	for (i = 0; i < elf->nr_segments; i++) {
		const struct msim_cf_segment *a = &elf->segment[i];
		uint64_t end = (uint64_t)a->vaddr + a->memsz;

		for (j = 0; j < i; j++) {
			const struct msim_cf_segment *b = &elf->segment[j];

			if (a->vaddr < (uint64_t)b->vaddr + b->memsz &&
			    b->vaddr < end)
				return reject(p,
					      "segments at %#x and %#x overlap",
					      b->vaddr, a->vaddr);
		}
		if (end > elf->brk)
			elf->brk = (uint32_t)((end + CF_PAGE - 1) &
					      ~(uint64_t)(CF_PAGE - 1));
		if ((a->prot & 4) && in_segment_file(a, elf->entry, 1))
			entry_ok = true;
		/* AT_PHDR: where a segment maps the program headers. */
		if (elf->phoff >= a->offset &&
		    (uint64_t)elf->phoff + elf->phnum * PHDR_SIZE <=
			    (uint64_t)a->offset + a->filesz)
			elf->phdr = a->vaddr + (elf->phoff - a->offset);
	}
	if (!entry_ok)
		return reject(p,
			      "entry point %#x is not in an executable "
			      "segment",
			      elf->entry);
	return 0;
}

static int check_segments(struct parse *p, struct msim_cf_elf *elf)
{
	unsigned int i;
	int ret;

	elf->exec_stack = true; /* no PT_GNU_STACK: EXSTACK_DEFAULT */
	for (i = 0; i < elf->phnum; i++) {
		ret = read_phdr(p, elf, i);
		if (ret)
			return ret;
	}
	if (!elf->nr_segments)
		return reject(p, "no loadable segment");
	ret = lay_out_segments(p, elf);
	if (ret || !elf->has_tls)
		return ret;
	for (i = 0; i < elf->nr_segments; i++)
		if (in_segment_file(&elf->segment[i], elf->tls.vaddr,
				    elf->tls.filesz))
			return 0;
	return reject(p, "PT_TLS is not inside a loadable segment");
}

static int cmp_symbol(const void *a, const void *b)
{
	const struct msim_cf_symbol *x = a, *y = b;
	int d = strcmp(x->name, y->name);

	return d ? d : (x->value > y->value) - (x->value < y->value);
}

/*
 * The defined symbols of the one SHT_SYMTAB, if any (a stripped program
 * has none, and is still a program).  A broken symbol table is refused:
 * the explorer would call the wrong thing.
 */
static int read_symbols(struct parse *p, struct msim_cf_elf *elf)
{
	const unsigned char *b = p->b, *sh, *str = NULL, *sym;
	uint32_t shoff = be32(b + 32), i, n, symoff = 0, symsz = 0;
	uint32_t stroff = 0, strsz = 0, name, k;
	unsigned int shentsize = be16(b + 46), shnum = be16(b + 48), link;
	size_t used = 0;
	char *s;

	if (!shoff || !shnum)
		return 0;
	if (shentsize != SHDR_SIZE ||
	    !in_file(p, shoff, (uint64_t)shnum * SHDR_SIZE))
		return reject(p,
			      "truncated: the section headers end past the "
			      "file's %zu bytes",
			      p->len);
	for (i = 0; i < shnum; i++) {
		sh = b + shoff + i * SHDR_SIZE;
		if (be32(sh + 4) != SHT_SYMTAB)
			continue;
		symoff = be32(sh + 16);
		symsz = be32(sh + 20);
		link = be32(sh + 24);
		if (link >= shnum)
			return reject(p, "symbol table: string table %u", link);
		stroff = be32(b + shoff + link * SHDR_SIZE + 16);
		strsz = be32(b + shoff + link * SHDR_SIZE + 20);
		if (!in_file(p, symoff, symsz) || !in_file(p, stroff, strsz) ||
		    symsz % SYM_SIZE)
			return reject(p, "truncated: the symbol table ends "
					 "past the file");
		str = b + stroff;
		break;
	}
	if (!str)
		return 0;
	n = symsz / SYM_SIZE;
	elf->symbol = calloc(n ? n : 1, sizeof(*elf->symbol));
	elf->strtab = malloc(strsz + 1);
	if (!elf->symbol || !elf->strtab)
		return -ENOMEM;
	memcpy(elf->strtab, str, strsz);
	elf->strtab[strsz] = '\0';
	for (k = 0; k < n; k++) {
		unsigned int type, shndx;

		sym = b + symoff + k * SYM_SIZE;
		name = be32(sym);
		type = sym[12] & 0xf;
		shndx = be16(sym + 14);
		if (!name || name >= strsz || shndx == SHN_UNDEF ||
		    (shndx >= SHN_LORESERVE && shndx != 0xfff1) ||
		    type == STT_SECTION || type == STT_FILE || type == STT_TLS)
			continue;
		s = elf->strtab + name;
		/* A name that runs to the table's end is cut there. */
		elf->symbol[used++] = (struct msim_cf_symbol){
			s, be32(sym + 4), be32(sym + 8), type == STT_FUNC
		};
	}
	elf->nr_symbols = used;
	qsort(elf->symbol, used, sizeof(*elf->symbol), cmp_symbol);
	return 0;
}

int msim_cf_elf_parse(const void *buf, size_t len, struct msim_cf_elf *elf,
		      char *why, size_t whylen)
{
	struct parse p = { buf, len, why, whylen };
	int ret;

	memset(elf, 0, sizeof(*elf));
	if (why && whylen)
		why[0] = '\0';
	if (!buf)
		return reject(&p, "no file");
	ret = check_header(&p, elf);
	if (!ret)
		ret = check_segments(&p, elf);
	if (!ret)
		ret = read_symbols(&p, elf);
	if (ret == -ENOMEM)
		reject(&p, "out of memory");
	return ret;
}

void msim_cf_elf_free(struct msim_cf_elf *elf)
{
	free(elf->symbol);
	free(elf->strtab);
	elf->symbol = NULL;
	elf->strtab = NULL;
	elf->nr_symbols = 0;
}

const struct msim_cf_symbol *msim_cf_elf_symbol(const struct msim_cf_elf *elf,
						const char *name)
{
	size_t lo = 0, hi = elf->nr_symbols;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = strcmp(elf->symbol[mid].name, name);

		if (!d) {
			/* The first of equal names: the lowest address. */
			while (mid && !strcmp(elf->symbol[mid - 1].name, name))
				mid--;
			return &elf->symbol[mid];
		}
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct msim_cf_symbol *
msim_cf_elf_symbol_at(const struct msim_cf_elf *elf, uint32_t addr)
{
	const struct msim_cf_symbol *best = NULL;
	size_t i;

	for (i = 0; i < elf->nr_symbols; i++) {
		const struct msim_cf_symbol *s = &elf->symbol[i];

		if (s->value > addr)
			continue;
		if (s->size && addr - s->value < s->size)
			return s;
		if (!s->size && (!best || s->value > best->value))
			best = s;
	}
	return best;
}
