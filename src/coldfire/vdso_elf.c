// SPDX-License-Identifier: MIT
/*
 * Validating a ColdFire vDSO blob before it is copied into the vDSO page.
 *
 * The kernel trusts its built-in blob; mmsim also loads blobs from users
 * and from a fuzzer, so every check here is one that keeps the copy and
 * the C library's lookup (glibc's dl_vdso_vsym: name plus version in
 * .dynsym, through .gnu.version and .gnu.version_d) meaningful.  libelf
 * reads the headers and the symbol table (converting from big-endian);
 * every offset and size is checked against the buffer here first, so
 * that libelf is never asked to look outside it.  The note and the
 * version definitions are walked by hand, with the same bounds checks.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gelf.h>
#include <libelf.h>
#include <mmsim/coldfire/vdso.h>
#include <mmsim/mmsim.h>
#include "be.h"

/* The ColdFire page: the blob's base and its data area live in one. */
#define VDSO_PAGE_SIZE 0x2000UL

static const char *const vdso_symbols[] = {
	"__kernel_read_tp",
	"__kernel_atomic_cmpxchg_32",
	"__kernel_atomic_barrier",
};
#define VDSO_VERSION "LINUX_2.6"

struct vdso_parse {
	const unsigned char *buf;
	size_t len;
	char *why;
	size_t whylen;
};

static int reject(struct vdso_parse *p, const char *fmt, ...)
{
	va_list ap;

	if (p->why && p->whylen) {
		va_start(ap, fmt);
		vsnprintf(p->why, p->whylen, fmt, ap);
		va_end(ap);
	}
	return -ENOEXEC;
}

/* [off, off + size) lies inside the blob, computed without overflow. */
static bool in_file(const struct vdso_parse *p, uint64_t off, uint64_t size)
{
	return off <= p->len && size <= p->len - off;
}

static int check_ident(struct vdso_parse *p)
{
	const unsigned char *id = p->buf;

	if (p->len < EI_NIDENT || memcmp(id, ELFMAG, SELFMAG))
		return reject(p, "not an ELF file (no \\177ELF magic)");
	if (id[EI_CLASS] != ELFCLASS32)
		return reject(p, "ELF class %u, not ELFCLASS32", id[EI_CLASS]);
	if (id[EI_DATA] != ELFDATA2MSB)
		return reject(p,
			      "ELF data encoding %u, not ELFDATA2MSB "
			      "(big-endian)",
			      id[EI_DATA]);
	if (id[EI_VERSION] != EV_CURRENT)
		return reject(p, "ELF ident version %u, not EV_CURRENT",
			      id[EI_VERSION]);
	if (p->len < sizeof(Elf32_Ehdr))
		return reject(p,
			      "truncated: %zu bytes, the ELF header needs "
			      "%zu",
			      p->len, sizeof(Elf32_Ehdr));
	return 0;
}

/* The header fields that decide where libelf will look, checked first. */
static int check_ehdr(struct vdso_parse *p, const Elf32_Ehdr *eh)
{
	if (eh->e_machine != EM_68K)
		return reject(p, "machine %u, not EM_68K", eh->e_machine);
	if (eh->e_type != ET_DYN)
		return reject(p, "type %u, not ET_DYN (a shared object)",
			      eh->e_type);
	if (eh->e_ehsize != sizeof(Elf32_Ehdr))
		return reject(p, "e_ehsize %u, not %zu", eh->e_ehsize,
			      sizeof(Elf32_Ehdr));
	if (!eh->e_phnum || eh->e_phentsize != sizeof(Elf32_Phdr))
		return reject(p,
			      "program headers: %u of %u bytes each, want "
			      "some of %zu",
			      eh->e_phnum, eh->e_phentsize, sizeof(Elf32_Phdr));
	if (!in_file(p, eh->e_phoff,
		     (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr)))
		return reject(p,
			      "truncated: program headers at %#x past the "
			      "end (%zu bytes)",
			      eh->e_phoff, p->len);
	/* The symbols are found through section headers: they must exist. */
	if (!eh->e_shnum || eh->e_shnum >= SHN_LORESERVE ||
	    eh->e_shentsize != sizeof(Elf32_Shdr))
		return reject(p,
			      "section headers: %u of %u bytes each, want "
			      "some of %zu",
			      eh->e_shnum, eh->e_shentsize, sizeof(Elf32_Shdr));
	if (!in_file(p, eh->e_shoff,
		     (uint64_t)eh->e_shnum * sizeof(Elf32_Shdr)))
		return reject(p,
			      "truncated: section headers at %#x past the "
			      "end (%zu bytes)",
			      eh->e_shoff, p->len);
	if (eh->e_shstrndx >= eh->e_shnum)
		return reject(p, "e_shstrndx %u out of range", eh->e_shstrndx);
	return 0;
}

/*
 * The one PT_LOAD is what vdso_init() copies to the start of the page:
 * from file offset 0 (so that the copy puts each byte at its linked
 * address), at a page-aligned base, ending below the data area.
 */
static int check_phdrs(struct vdso_parse *p, const Elf32_Phdr *ph,
		       unsigned int n, const Elf32_Phdr **load,
		       const Elf32_Phdr **note)
{
	unsigned int i, nload = 0;

	*load = *note = NULL;
	for (i = 0; i < n; i++) {
		if (ph[i].p_type == PT_LOAD) {
			nload++;
			*load = &ph[i];
		} else if (ph[i].p_type == PT_NOTE && !*note) {
			*note = &ph[i];
		}
	}
	if (nload != 1)
		return reject(p, "%u PT_LOAD segments, want exactly one",
			      nload);
	ph = *load;
	if (ph->p_offset)
		return reject(p,
			      "PT_LOAD at file offset %#x, want 0 (the page "
			      "is a copy of the file)",
			      ph->p_offset);
	if (ph->p_vaddr % VDSO_PAGE_SIZE)
		return reject(p, "PT_LOAD linked at %#x, not page-aligned",
			      ph->p_vaddr);
	if (ph->p_filesz > ph->p_memsz)
		return reject(p, "PT_LOAD p_filesz %#x exceeds p_memsz %#x",
			      ph->p_filesz, ph->p_memsz);
	if (ph->p_memsz > VDSO_PAGE_SIZE)
		return reject(p,
			      "PT_LOAD segment of %#x bytes does not fit "
			      "in the %#lx-byte page",
			      ph->p_memsz, VDSO_PAGE_SIZE);
	if (ph->p_memsz > VDSO_VAR_OFFSET)
		return reject(p,
			      "PT_LOAD segment of %#x bytes reaches the "
			      "data area at +%#lx",
			      ph->p_memsz, VDSO_VAR_OFFSET);
	if (!in_file(p, 0, ph->p_filesz))
		return reject(p,
			      "truncated: PT_LOAD wants %#x bytes, the file "
			      "has %zu",
			      ph->p_filesz, p->len);
	if (ph->p_vaddr > UINT32_MAX - VDSO_PAGE_SIZE)
		return reject(p, "PT_LOAD linked at %#x, no room for the page",
			      ph->p_vaddr);
	if (!*note)
		return reject(p, "no PT_NOTE segment (kernel-version note)");
	return 0;
}

/* The "Linux" note of type 0 whose 4-byte descriptor is the version. */
static int check_note(struct vdso_parse *p, const Elf32_Phdr *note,
		      uint32_t *version)
{
	const unsigned char *b;
	uint64_t off, end;
	uint32_t namesz, descsz, type;

	if (!in_file(p, note->p_offset, note->p_filesz))
		return reject(p, "truncated: PT_NOTE at %#x+%#x past the end",
			      note->p_offset, note->p_filesz);
	off = note->p_offset;
	end = off + note->p_filesz;
	while (end - off >= 12) {
		b = p->buf + off;
		namesz = be32(b);
		descsz = be32(b + 4);
		type = be32(b + 8);
		off += 12;
		/* Name and descriptor are each padded to 4 bytes. */
		if (namesz > end - off || ((namesz + 3ULL) & ~3ULL) > end - off)
			break;
		b = p->buf + off;
		off += (namesz + 3ULL) & ~3ULL;
		if (namesz == 6 && !memcmp(b, "Linux", 6) && type == 0) {
			if (descsz != 4 || descsz > end - off)
				return reject(p,
					      "Linux note descriptor of %u "
					      "bytes (%u left in PT_NOTE), "
					      "want 4",
					      descsz,
					      (unsigned int)(end - off));
			*version = be32(p->buf + off);
			return 0;
		}
		/*
		 * The padded size, not the bare one: off must never pass
		 * end, or end - off wraps and the walk leaves the segment.
		 */
		if (((descsz + 3ULL) & ~3ULL) > end - off)
			break;
		off += (descsz + 3ULL) & ~3ULL;
	}
	return reject(p, "no \"Linux\" note of type 0 in PT_NOTE");
}

struct vdso_sections {
	Elf_Scn *dynsym;
	const Elf32_Shdr *dynsym_sh, *versym_sh, *verdef_sh;
	size_t dynstr;
};

static int check_section_bounds(struct vdso_parse *p, const Elf32_Shdr *sh,
				const char *what)
{
	if (sh->sh_type != SHT_NOBITS &&
	    !in_file(p, sh->sh_offset, sh->sh_size))
		return reject(p, "truncated: %s at %#x+%#x past the end", what,
			      sh->sh_offset, sh->sh_size);
	return 0;
}

static int find_sections(struct vdso_parse *p, Elf *elf, const Elf32_Ehdr *eh,
			 struct vdso_sections *s)
{
	Elf_Scn *scn = NULL;
	Elf32_Shdr *sh;
	int err;

	memset(s, 0, sizeof(*s));
	while ((scn = elf_nextscn(elf, scn))) {
		sh = elf32_getshdr(scn);
		if (!sh)
			return reject(p, "unreadable section header: %s",
				      elf_errmsg(-1));
		switch (sh->sh_type) {
		case SHT_DYNSYM:
			if (s->dynsym)
				return reject(p, "two .dynsym sections");
			s->dynsym = scn;
			s->dynsym_sh = sh;
			break;
		case SHT_GNU_versym:
			s->versym_sh = sh;
			break;
		case SHT_GNU_verdef:
			s->verdef_sh = sh;
			break;
		default:
			continue;
		}
		err = check_section_bounds(p, sh, "a symbol section");
		if (err)
			return err;
	}
	if (!s->dynsym)
		return reject(p, "no .dynsym section");
	if (s->dynsym_sh->sh_entsize != sizeof(Elf32_Sym) ||
	    s->dynsym_sh->sh_size % sizeof(Elf32_Sym))
		return reject(p, ".dynsym entries of %u bytes in %u, want %zu",
			      s->dynsym_sh->sh_entsize, s->dynsym_sh->sh_size,
			      sizeof(Elf32_Sym));
	if (!s->dynsym_sh->sh_link || s->dynsym_sh->sh_link >= eh->e_shnum)
		return reject(p,
			      ".dynsym links to section %u, not a string "
			      "table",
			      s->dynsym_sh->sh_link);
	s->dynstr = s->dynsym_sh->sh_link;
	sh = elf32_getshdr(elf_getscn(elf, s->dynstr));
	if (!sh || sh->sh_type != SHT_STRTAB)
		return reject(p,
			      ".dynsym links to section %zu, not a string "
			      "table",
			      s->dynstr);
	err = check_section_bounds(p, sh, ".dynstr");
	if (err)
		return err;
	if (!s->versym_sh)
		return reject(p, "no .gnu.version section (symbol versions)");
	if (!s->verdef_sh)
		return reject(p, "no .gnu.version_d section (version "
				 "definitions)");
	if (s->versym_sh->sh_size / 2 !=
	    s->dynsym_sh->sh_size / sizeof(Elf32_Sym))
		return reject(p, ".gnu.version has %u entries, .dynsym %zu",
			      s->versym_sh->sh_size / 2,
			      s->dynsym_sh->sh_size / sizeof(Elf32_Sym));
	if (s->verdef_sh->sh_link != s->dynstr)
		return reject(p,
			      ".gnu.version_d names from section %u, not "
			      ".dynstr",
			      s->verdef_sh->sh_link);
	return 0;
}

/*
 * The name of version definition @ndx, walking .gnu.version_d's chain
 * (Elf32_Verdef, then its first Elf32_Verdaux); NULL if there is none.
 */
static const char *verdef_name(struct vdso_parse *p, Elf *elf,
			       const struct vdso_sections *s, unsigned int ndx)
{
	const Elf32_Shdr *sh = s->verdef_sh;
	uint64_t off = 0, aux;
	unsigned int n;
	const unsigned char *d;

	for (n = 0; n < 256 && off + 20 <= sh->sh_size; n++) {
		d = p->buf + sh->sh_offset + off;
		if (be16(d) != VER_DEF_CURRENT)
			return NULL;
		if (be16(d + 4) == ndx) {
			aux = off + be32(d + 12);
			if (!be16(d + 8) || aux + 8 > sh->sh_size)
				return NULL;
			return elf_strptr(elf, s->dynstr,
					  be32(p->buf + sh->sh_offset + aux));
		}
		if (!be32(d + 16))
			return NULL;
		off += be32(d + 16);
	}
	return NULL;
}

static int check_symbols(struct vdso_parse *p, Elf *elf, const Elf32_Ehdr *eh,
			 const struct vdso_sections *s, const Elf32_Phdr *load,
			 uint32_t *addr)
{
	Elf_Data *data = elf_getdata(s->dynsym, NULL);
	const unsigned char *versym = p->buf + s->versym_sh->sh_offset;
	const Elf32_Sym *sym;
	size_t i, j, n;
	const char *name, *ver;
	uint16_t v;

	if (!data || !data->d_buf || data->d_size != s->dynsym_sh->sh_size)
		return reject(p, "unreadable .dynsym: %s", elf_errmsg(-1));
	sym = data->d_buf;
	n = data->d_size / sizeof(Elf32_Sym);
	for (j = 0; j < 3; j++) {
		for (i = 1; i < n; i++) {
			name = elf_strptr(elf, s->dynstr, sym[i].st_name);
			if (name && !strcmp(name, vdso_symbols[j]))
				break;
		}
		if (i >= n)
			return reject(p, "symbol %s missing from .dynsym",
				      vdso_symbols[j]);
		if (sym[i].st_shndx == SHN_UNDEF ||
		    sym[i].st_shndx >= eh->e_shnum)
			return reject(p, "symbol %s not defined (section %u)",
				      vdso_symbols[j], sym[i].st_shndx);
		if (sym[i].st_value < load->p_vaddr ||
		    sym[i].st_value - load->p_vaddr >= load->p_filesz ||
		    sym[i].st_size >
			    load->p_vaddr + load->p_filesz - sym[i].st_value)
			return reject(p,
				      "symbol %s at %#x outside the PT_LOAD "
				      "segment %#x-%#x",
				      vdso_symbols[j], sym[i].st_value,
				      load->p_vaddr,
				      load->p_vaddr + load->p_filesz);
		/* The hidden bit (0x8000) would make it @, not @@. */
		v = be16(versym + 2 * i);
		ver = (v & 0x8000) || v < 2 ? NULL : verdef_name(p, elf, s, v);
		if (!ver || strcmp(ver, VDSO_VERSION))
			return reject(p,
				      "symbol %s has version %s, not "
				      "%s",
				      vdso_symbols[j],
				      ver     ? ver
				      : v < 2 ? "none (global)"
					      : "undefined or hidden",
				      VDSO_VERSION);
		addr[j] = sym[i].st_value;
	}
	return 0;
}

static int parse(struct vdso_parse *p, Elf *elf, struct msim_vdso_image *img)
{
	const Elf32_Phdr *ph, *load, *note;
	struct vdso_sections s;
	Elf32_Ehdr *eh;
	uint32_t addr[3], version = 0;
	int err;

	if (elf_kind(elf) != ELF_K_ELF)
		return reject(p, "libelf does not take it as ELF: %s",
			      elf_errmsg(-1));
	eh = elf32_getehdr(elf);
	if (!eh)
		return reject(p, "unreadable ELF header: %s", elf_errmsg(-1));
	err = check_ehdr(p, eh);
	if (err)
		return err;
	ph = elf32_getphdr(elf);
	if (!ph)
		return reject(p, "unreadable program headers: %s",
			      elf_errmsg(-1));
	err = check_phdrs(p, ph, eh->e_phnum, &load, &note);
	if (!err)
		err = check_note(p, note, &version);
	if (!err)
		err = find_sections(p, elf, eh, &s);
	if (!err)
		err = check_symbols(p, elf, eh, &s, load, addr);
	if (err)
		return err;
	img->link_base = load->p_vaddr;
	img->sym_read_tp = addr[0];
	img->sym_atomic_cmpxchg_32 = addr[1];
	img->sym_atomic_barrier = addr[2];
	img->kernel_version = version;
	return 0;
}

int msim_vdso_parse(const void *buf, size_t len, struct msim_vdso_image *img,
		    char *why, size_t whylen)
{
	struct vdso_parse p = {
		.buf = buf, .len = len, .why = why, .whylen = whylen
	};
	struct msim_vdso_image out = { .data = buf, .size = len };
	void *copy;
	Elf *elf;
	int err;

	if (why && whylen)
		why[0] = '\0';
	if (!buf && len)
		return reject(&p, "no buffer");
	err = check_ident(&p);
	if (err)
		return err;
	/*
	 * vdso_init() copies the whole file into the page: all of it must
	 * stay below the data area, not just the PT_LOAD.
	 */
	if (len > VDSO_VAR_OFFSET)
		return reject(&p,
			      "file of %zu bytes would overwrite the data "
			      "area at +%#lx",
			      len, VDSO_VAR_OFFSET);
	/*
	 * libelf converts big-endian structures in place when it may write:
	 * hand it an aligned private copy, never the caller's bytes.
	 */
	copy = malloc(len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, len);
	elf_version(EV_CURRENT);
	elf = elf_memory(copy, len);
	if (!elf) {
		free(copy);
		return reject(&p, "libelf refuses it: %s", elf_errmsg(-1));
	}
	err = parse(&p, elf, &out);
	elf_end(elf);
	free(copy);
	if (!err && img)
		*img = out;
	return err;
}

/* vdso/CMakeLists.txt compiles these in from vdso/prebuilt or a rebuild. */
extern const unsigned char msim_vdso_seed_blob[];
extern const size_t msim_vdso_seed_blob_len;
extern const unsigned char msim_vdso_seed_fixup_bytes[];
extern const size_t msim_vdso_seed_fixup_bytes_len;

static struct msim_vdso_image seed_image;
static int seed_err;
static pthread_once_t seed_once = PTHREAD_ONCE_INIT;

static void seed_parse(void)
{
	char why[160];

	seed_err = msim_vdso_parse(msim_vdso_seed_blob, msim_vdso_seed_blob_len,
				   &seed_image, why, sizeof(why));
	if (seed_err)
		fprintf(stderr, "mmsim: the built-in vDSO is invalid: %s\n",
			why);
}

const struct msim_vdso_image *msim_vdso_seed(void)
{
	pthread_once(&seed_once, seed_parse);
	return seed_err ? NULL : &seed_image;
}

const void *msim_vdso_seed_fixup(size_t *len)
{
	if (len)
		*len = msim_vdso_seed_fixup_bytes_len;
	return msim_vdso_seed_fixup_bytes;
}
