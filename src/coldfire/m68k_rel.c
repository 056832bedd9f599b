// SPDX-License-Identifier: MIT
/*
 * A minimal module loader for m68k relocatable objects.  The input comes
 * from callers that generate it (a fuzzer among them), so every offset,
 * index and size read from the file is checked before use; libelf does
 * the byte-order conversion and its own bounds checks on section data.
 */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mmsim/coldfire/m68k_rel.h>

struct rel_load {
	Elf *elf;
	size_t shnum;
	uint32_t *sec_addr; /* guest address of each allocated section */
	bool *sec_alloc;
	unsigned char *mem;
	uint32_t base, size, used;
	size_t symtab; /* section index of the one SHT_SYMTAB */
	Elf_Data *syms;
	size_t nsyms;
	char *why;
	size_t whylen;
};

/*
 * The reason, with any byte of the file that is not printable ASCII (a
 * symbol's name is the file's) shown as \xNN, never raw.
 */
static int reject(struct rel_load *l, const char *fmt, ...)
{
	char raw[512];
	size_t i, n = 0;
	va_list ap;

	if (!l->why || !l->whylen)
		return -ENOEXEC;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	for (i = 0; raw[i] && n + 5 <= l->whylen; i++) {
		unsigned char ch = (unsigned char)raw[i];

		if (ch >= 0x20 && ch < 0x7f)
			l->why[n++] = (char)ch;
		else
			n += (size_t)snprintf(l->why + n, l->whylen - n,
					      "\\x%02x", ch);
	}
	l->why[n < l->whylen ? n : l->whylen - 1] = '\0';
	return -ENOEXEC;
}

static int check_header(struct rel_load *l, size_t len)
{
	Elf32_Ehdr *eh;
	char *ident;
	size_t n;

	if (elf_kind(l->elf) != ELF_K_ELF)
		return reject(l, "not an ELF file");
	ident = elf_getident(l->elf, &n);
	if (!ident || n < EI_NIDENT)
		return reject(l, "truncated ELF identification");
	if (ident[EI_CLASS] != ELFCLASS32)
		return reject(l, "not ELFCLASS32");
	if (ident[EI_DATA] != ELFDATA2MSB)
		return reject(l, "not big-endian");
	eh = elf32_getehdr(l->elf);
	if (!eh)
		return reject(l, "bad ELF header: %s", elf_errmsg(-1));
	if (eh->e_type != ET_REL)
		return reject(l, "e_type %u is not ET_REL", eh->e_type);
	if (eh->e_machine != EM_68K)
		return reject(l, "e_machine %u is not EM_68K", eh->e_machine);
	if (elf_getshdrnum(l->elf, &l->shnum))
		return reject(l, "bad section count: %s", elf_errmsg(-1));
	/* Each header takes 40 bytes of the file: a bound on the count. */
	if (l->shnum == 0 || l->shnum > len / sizeof(Elf32_Shdr))
		return reject(l, "%zu sections in a %zu-byte file", l->shnum,
			      len);
	return 0;
}

static Elf32_Shdr *shdr_of(struct rel_load *l, size_t i)
{
	Elf_Scn *scn = elf_getscn(l->elf, i);

	return scn ? elf32_getshdr(scn) : NULL;
}

/* Place every SHF_ALLOC section, in file order, each at its alignment. */
static int layout(struct rel_load *l)
{
	size_t i;

	for (i = 1; i < l->shnum; i++) {
		Elf32_Shdr *sh = shdr_of(l, i);
		uint32_t align, at;
		Elf_Data *d;

		if (!sh)
			return reject(l, "section %zu: bad header", i);
		if (sh->sh_type == SHT_SYMTAB) {
			if (l->symtab)
				return reject(l, "more than one symbol table");
			l->symtab = i;
		}
		if (!(sh->sh_flags & SHF_ALLOC) || sh->sh_size == 0)
			continue;
		if (sh->sh_type != SHT_PROGBITS && sh->sh_type != SHT_NOBITS)
			return reject(l, "allocated section %zu has type %u", i,
				      sh->sh_type);
		align = sh->sh_addralign ? sh->sh_addralign : 1;
		if (align & (align - 1) || align > 4096)
			return reject(l, "section %zu: alignment %u", i, align);
		at = (l->used + align - 1) & ~(align - 1);
		if (at > l->size || sh->sh_size > l->size - at)
			return reject(l, "sections larger than %u bytes",
				      l->size);
		if (sh->sh_type == SHT_PROGBITS) {
			d = elf_getdata(elf_getscn(l->elf, i), NULL);
			if (!d || d->d_size != sh->sh_size || !d->d_buf)
				return reject(l, "section %zu: bad data: %s", i,
					      elf_errmsg(-1));
			memcpy(l->mem + at, d->d_buf, d->d_size);
		}
		l->sec_alloc[i] = true;
		l->sec_addr[i] = l->base + at;
		l->used = at + sh->sh_size;
	}
	if (!l->symtab)
		return reject(l, "no symbol table");
	l->syms = elf_getdata(elf_getscn(l->elf, l->symtab), NULL);
	if (!l->syms || !l->syms->d_buf || l->syms->d_size % sizeof(Elf32_Sym))
		return reject(l, "bad symbol table: %s", elf_errmsg(-1));
	l->nsyms = l->syms->d_size / sizeof(Elf32_Sym);
	return 0;
}

static const char *sym_name(struct rel_load *l, const Elf32_Sym *s)
{
	Elf32_Shdr *sh = shdr_of(l, l->symtab);
	const char *name = NULL;

	if (sh && sh->sh_link && sh->sh_link < l->shnum)
		name = elf_strptr(l->elf, sh->sh_link, s->st_name);
	return name ? name : "?";
}

/* The guest address a symbol stands for, if it has one. */
static int sym_value(struct rel_load *l, size_t idx, uint32_t *val)
{
	const Elf32_Sym *s;
	Elf32_Shdr *sh;

	if (idx >= l->nsyms)
		return reject(l, "symbol index %zu out of range", idx);
	s = (const Elf32_Sym *)l->syms->d_buf + idx;
	switch (s->st_shndx) {
	case SHN_UNDEF:
		return reject(l, "undefined symbol %s", sym_name(l, s));
	case SHN_ABS:
		*val = s->st_value;
		return 0;
	case SHN_COMMON:
		return reject(l, "common symbol %s", sym_name(l, s));
	}
	if (s->st_shndx >= l->shnum || s->st_shndx >= SHN_LORESERVE)
		return reject(l, "symbol %s: section index %u", sym_name(l, s),
			      s->st_shndx);
	sh = shdr_of(l, s->st_shndx);
	if (!l->sec_alloc[s->st_shndx] || !sh) {
		/* A section symbol of an empty section is harmless. */
		if (sh && sh->sh_size == 0 && s->st_value == 0) {
			*val = l->base + l->used;
			return 0;
		}
		return reject(l, "symbol %s in a section that is not loaded",
			      sym_name(l, s));
	}
	if (s->st_value > sh->sh_size)
		return reject(l, "symbol %s beyond its section",
			      sym_name(l, s));
	*val = l->sec_addr[s->st_shndx] + s->st_value;
	return 0;
}

/* A relocation type by its name in <elf.h>, for the reasons we give. */
static const char *rel_name(unsigned int type)
{
#define N(x) [R_68K_##x] = "R_68K_" #x
	static const char *const names[R_68K_NUM] = {
		N(NONE),	N(32),	      N(16),	       N(8),
		N(PC32),	N(PC16),      N(PC8),	       N(GOT32),
		N(GOT16),	N(GOT8),      N(GOT32O),       N(GOT16O),
		N(GOT8O),	N(PLT32),     N(PLT16),	       N(PLT8),
		N(PLT32O),	N(PLT16O),    N(PLT8O),	       N(COPY),
		N(GLOB_DAT),	N(JMP_SLOT),  N(RELATIVE),     N(TLS_GD32),
		N(TLS_GD16),	N(TLS_GD8),   N(TLS_LDM32),    N(TLS_LDM16),
		N(TLS_LDM8),	N(TLS_LDO32), N(TLS_LDO16),    N(TLS_LDO8),
		N(TLS_IE32),	N(TLS_IE16),  N(TLS_IE8),      N(TLS_LE32),
		N(TLS_LE16),	N(TLS_LE8),   N(TLS_DTPMOD32), N(TLS_DTPREL32),
		N(TLS_TPREL32),
	};
#undef N

	return type < R_68K_NUM && names[type] ? names[type] : NULL;
}

static void put_be(unsigned char *p, uint32_t v, unsigned int bytes)
{
	while (bytes--) {
		p[bytes] = v & 0xff;
		v >>= 8;
	}
}

static int apply_one(struct rel_load *l, size_t target, const Elf32_Rela *r)
{
	Elf32_Shdr *sh = shdr_of(l, target);
	unsigned int type = ELF32_R_TYPE(r->r_info), bytes;
	uint32_t s, p, v;
	int64_t sv;
	bool pcrel;
	int ret;

	switch (type) {
	case R_68K_NONE:
		return 0;
	case R_68K_32:
	case R_68K_PC32:
		bytes = 4;
		break;
	case R_68K_16:
	case R_68K_PC16:
		bytes = 2;
		break;
	case R_68K_8:
	case R_68K_PC8:
		bytes = 1;
		break;
	default:
		if (rel_name(type))
			return reject(l,
				      "unsupported relocation %s (type %u): "
				      "a fixup is linked with R_68K_32/16/8 "
				      "and R_68K_PC32/16/8 only",
				      rel_name(type), type);
		return reject(l, "unknown relocation type %u", type);
	}
	if (r->r_offset > sh->sh_size || bytes > sh->sh_size - r->r_offset)
		return reject(l, "relocation at %#x beyond its section",
			      r->r_offset);
	ret = sym_value(l, ELF32_R_SYM(r->r_info), &s);
	if (ret)
		return ret;
	pcrel = type == R_68K_PC32 || type == R_68K_PC16 || type == R_68K_PC8;
	p = l->sec_addr[target] + r->r_offset;
	v = s + (uint32_t)r->r_addend - (pcrel ? p : 0);
	sv = (int32_t)v;
	/*
	 * As ld checks them: a PC-relative field is signed; an absolute one
	 * may hold either a signed or an unsigned value of its width.
	 */
	if (bytes < 4) {
		int64_t lo = -(INT64_C(1) << (8 * bytes - 1));
		int64_t hi = pcrel ? -lo - 1 : (INT64_C(1) << (8 * bytes)) - 1;

		if (!pcrel && v <= (uint32_t)hi)
			sv = v;
		if (sv < lo || sv > hi)
			return reject(l,
				      "relocation %s at %#x: value %#x does "
				      "not fit",
				      rel_name(type), r->r_offset, v);
	}
	put_be(l->mem + (p - l->base), v, bytes);
	return 0;
}

static int relocate(struct rel_load *l)
{
	size_t i, j;
	int ret;

	for (i = 1; i < l->shnum; i++) {
		Elf32_Shdr *sh = shdr_of(l, i);
		Elf_Data *d;

		if (!sh)
			return reject(l, "section %zu: bad header", i);
		if (sh->sh_type == SHT_REL)
			return reject(l, "SHT_REL section %zu (m68k uses RELA)",
				      i);
		if (sh->sh_type != SHT_RELA)
			continue;
		if (sh->sh_info >= l->shnum)
			return reject(l, "relocation section %zu: target %u", i,
				      sh->sh_info);
		/* Relocations of debug info and other unloaded sections. */
		if (!l->sec_alloc[sh->sh_info])
			continue;
		if (sh->sh_link != l->symtab)
			return reject(l,
				      "relocation section %zu: symbol "
				      "table %u",
				      i, sh->sh_link);
		d = elf_getdata(elf_getscn(l->elf, i), NULL);
		if (!d || (d->d_size && !d->d_buf) ||
		    d->d_size % sizeof(Elf32_Rela))
			return reject(l, "relocation section %zu: bad data", i);
		for (j = 0; j < d->d_size / sizeof(Elf32_Rela); j++) {
			ret = apply_one(l, sh->sh_info,
					(const Elf32_Rela *)d->d_buf + j);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int find_sym(struct rel_load *l, const char *want, uint32_t *addr)
{
	size_t i;

	for (i = 1; i < l->nsyms; i++) {
		const Elf32_Sym *s = (const Elf32_Sym *)l->syms->d_buf + i;
		unsigned int bind = ELF32_ST_BIND(s->st_info);

		if (bind != STB_GLOBAL && bind != STB_WEAK)
			continue;
		if (strcmp(sym_name(l, s), want))
			continue;
		if (s->st_shndx == SHN_UNDEF || s->st_shndx == SHN_ABS ||
		    s->st_shndx >= l->shnum || !l->sec_alloc[s->st_shndx])
			return reject(l,
				      "%s is not defined in a loaded "
				      "section",
				      want);
		if (sym_value(l, i, addr))
			return -ENOEXEC;
		if (*addr & 1)
			return reject(l, "%s at odd address %#x", want, *addr);
		return 0;
	}
	return reject(l, "no global symbol %s", want);
}

int msim_m68k_rel_load(const void *buf, size_t len, const char *sym,
		       unsigned char *mem, uint32_t base, uint32_t size,
		       uint32_t *sym_addr, char *why, size_t whylen)
{
	struct rel_load l = {
		.mem = mem,
		.base = base,
		.size = size,
		.why = why,
		.whylen = whylen,
	};
	char *copy;
	int ret;

	if (!buf || len < sizeof(Elf32_Ehdr))
		return reject(&l, "%zu bytes: too short for an ELF header",
			      buf ? len : 0);
	if (elf_version(EV_CURRENT) == EV_NONE)
		return reject(&l, "libelf: %s", elf_errmsg(-1));
	/* libelf may convert the image in place: give it a copy. */
	copy = malloc(len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, len);
	l.elf = elf_memory(copy, len);
	if (!l.elf) {
		ret = reject(&l, "libelf: %s", elf_errmsg(-1));
		goto out;
	}
	ret = check_header(&l, len);
	if (ret)
		goto out;
	l.sec_addr = calloc(l.shnum, sizeof(*l.sec_addr));
	l.sec_alloc = calloc(l.shnum, sizeof(*l.sec_alloc));
	if (!l.sec_addr || !l.sec_alloc) {
		ret = -ENOMEM;
		goto out;
	}
	ret = layout(&l);
	if (!ret)
		ret = relocate(&l);
	if (!ret)
		ret = find_sym(&l, sym, sym_addr);
out:
	free(l.sec_addr);
	free(l.sec_alloc);
	if (l.elf)
		elf_end(l.elf);
	free(copy);
	return ret;
}
