// SPDX-License-Identifier: MIT
/*
 * msim_vdso_parse(): the seed's blob, and a table of blobs made by
 * breaking one thing in it, each refused with -ENOEXEC and a reason that
 * names the broken thing; then every truncation of it.  Each input sits
 * in a buffer of exactly its length, so that under AddressSanitizer a
 * read past the end is caught.
 */
#include <mmsim/coldfire.h>

#include "mmsim_test.h"
#include <elf.h>

struct blob {
	unsigned char *b;
	size_t len;
};

static uint32_t get32(const struct blob *x, size_t off)
{
	const unsigned char *p = x->b + off;

	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint16_t get16(const struct blob *x, size_t off)
{
	return (uint16_t)(x->b[off] << 8 | x->b[off + 1]);
}

static void put32(struct blob *x, size_t off, uint32_t v)
{
	x->b[off] = (unsigned char)(v >> 24);
	x->b[off + 1] = (unsigned char)(v >> 16);
	x->b[off + 2] = (unsigned char)(v >> 8);
	x->b[off + 3] = (unsigned char)v;
}

static void put16(struct blob *x, size_t off, uint16_t v)
{
	x->b[off] = (unsigned char)(v >> 8);
	x->b[off + 1] = (unsigned char)v;
}

static struct blob seed_copy(size_t len)
{
	const struct msim_vdso_image *img = msim_vdso_seed();
	struct blob x;

	assert_non_null(img);
	x.len = len ? len : img->size;
	x.b = calloc(1, x.len ? x.len : 1);
	assert_non_null(x.b);
	memcpy(x.b, img->data, x.len < img->size ? x.len : img->size);
	return x;
}

/* Offsets into the big-endian ELF32 headers. */
static size_t phdr(const struct blob *x, unsigned int i)
{
	return get32(x, 28) + 32 * i;
}

static size_t phdr_of_type(const struct blob *x, uint32_t type)
{
	unsigned int i;

	for (i = 0; i < get16(x, 44); i++)
		if (get32(x, phdr(x, i)) == type)
			return phdr(x, i);
	fail_msg("no program header of type %u", type);
	return 0;
}

static size_t shdr_of_type(const struct blob *x, uint32_t type)
{
	unsigned int i;
	size_t sh;

	for (i = 0; i < get16(x, 48); i++) {
		sh = get32(x, 32) + 40 * i;
		if (get32(x, sh + 4) == type)
			return sh;
	}
	fail_msg("no section of type %#x", type);
	return 0;
}

/* The .dynsym entry called @name. */
static size_t dynsym_entry(const struct blob *x, const char *name)
{
	size_t sym = shdr_of_type(x, SHT_DYNSYM);
	size_t str = get32(x, 32) + 40 * get32(x, sym + 24);
	size_t off = get32(x, sym + 16), n = get32(x, sym + 20) / 16, i;

	for (i = 0; i < n; i++)
		if (!strcmp((char *)x->b + get32(x, str + 16) +
				    get32(x, off + 16 * i),
			    name))
			return off + 16 * i;
	fail_msg("no symbol %s", name);
	return 0;
}

static size_t dynsym_index(const struct blob *x, const char *name)
{
	return (dynsym_entry(x, name) -
		get32(x, shdr_of_type(x, SHT_DYNSYM) + 16)) /
	       16;
}

/* Rewrite the first occurrence of @from in the file (same length). */
static void replace_string(struct blob *x, const char *from, const char *to)
{
	size_t n = strlen(from), i;

	assert_int_equal(strlen(to), n);
	for (i = 0; i + n <= x->len; i++) {
		if (!memcmp(x->b + i, from, n)) {
			memcpy(x->b + i, to, n);
			return;
		}
	}
	fail_msg("no \"%s\" in the blob", from);
}

static void bad_class(struct blob *x)
{
	x->b[EI_CLASS] = ELFCLASS64;
}
static void bad_data(struct blob *x)
{
	x->b[EI_DATA] = ELFDATA2LSB;
}
static void bad_magic(struct blob *x)
{
	x->b[1] = 'e';
}
static void bad_machine(struct blob *x)
{
	put16(x, 18, EM_386);
}
static void bad_type(struct blob *x)
{
	put16(x, 16, ET_EXEC);
}
static void bad_phentsize(struct blob *x)
{
	put16(x, 42, 28);
}
static void bad_phoff(struct blob *x)
{
	put32(x, 28, 0xfffffff0);
}
static void bad_shoff(struct blob *x)
{
	put32(x, 32, (uint32_t)x->len);
}
static void bad_shnum(struct blob *x)
{
	put16(x, 48, 0);
}

static void two_loads(struct blob *x)
{
	put32(x, phdr_of_type(x, PT_DYNAMIC), PT_LOAD);
}

static void no_load(struct blob *x)
{
	put32(x, phdr_of_type(x, PT_LOAD), PT_NULL);
}

static void load_offset(struct blob *x)
{
	put32(x, phdr_of_type(x, PT_LOAD) + 4, 0x400);
}

static void load_unaligned(struct blob *x)
{
	size_t ph = phdr_of_type(x, PT_LOAD);

	put32(x, ph + 8, get32(x, ph + 8) + 0x1000);
}

static void load_oversized(struct blob *x)
{
	put32(x, phdr_of_type(x, PT_LOAD) + 20, 0x4000);
}

static void load_reaches_data(struct blob *x)
{
	put32(x, phdr_of_type(x, PT_LOAD) + 20, 0x1004);
}

static void load_filesz_over_memsz(struct blob *x)
{
	size_t ph = phdr_of_type(x, PT_LOAD);

	put32(x, ph + 16, get32(x, ph + 20) + 4);
}

static void load_past_end(struct blob *x)
{
	size_t ph = phdr_of_type(x, PT_LOAD);

	put32(x, ph + 16, 0xff0);
	put32(x, ph + 20, 0xff0);
}

static void no_note(struct blob *x)
{
	put32(x, phdr_of_type(x, PT_NOTE), PT_NULL);
}

static void note_name(struct blob *x)
{
	replace_string(x, "Linux", "Linuz");
}

static void note_type(struct blob *x)
{
	put32(x, get32(x, phdr_of_type(x, PT_NOTE) + 4) + 8, 1);
}

static void note_descsz(struct blob *x)
{
	put32(x, get32(x, phdr_of_type(x, PT_NOTE) + 4) + 4, 8);
}

static void note_past_end(struct blob *x)
{
	put32(x, phdr_of_type(x, PT_NOTE) + 4, (uint32_t)x->len - 8);
}

/*
 * A note whose descriptor fits in PT_NOTE but whose padding does not:
 * the walk must stop there, not step past the segment's end (found by
 * the fuzzer).
 */
static void note_padding_past_end(struct blob *x)
{
	size_t ph = phdr_of_type(x, PT_NOTE), note = get32(x, ph + 4);

	put32(x, note + 4, 2);
	put32(x, note + 8, 4);
	put32(x, ph + 16, 12 + 8 + 2);
}

static void missing_symbol(struct blob *x)
{
	replace_string(x, "__kernel_atomic_barrier", "__kernel_atomic_barrieR");
}

static void wrong_version(struct blob *x)
{
	replace_string(x, "LINUX_2.6", "LINUX_2.7");
}

static void hidden_version(struct blob *x)
{
	size_t vs = get32(x, shdr_of_type(x, SHT_GNU_versym) + 16);
	size_t i = dynsym_index(x, "__kernel_read_tp");

	put16(x, vs + 2 * i, (uint16_t)(get16(x, vs + 2 * i) | 0x8000));
}

static void unversioned(struct blob *x)
{
	size_t vs = get32(x, shdr_of_type(x, SHT_GNU_versym) + 16);

	put16(x, vs + 2 * dynsym_index(x, "__kernel_atomic_cmpxchg_32"), 1);
}

static void undefined_symbol(struct blob *x)
{
	put16(x, dynsym_entry(x, "__kernel_read_tp") + 14, SHN_UNDEF);
}

static void symbol_outside(struct blob *x)
{
	put32(x, dynsym_entry(x, "__kernel_atomic_barrier") + 4, 0x5ffff000);
}

static void symbol_overruns(struct blob *x)
{
	put32(x, dynsym_entry(x, "__kernel_atomic_barrier") + 8, 0x1000);
}

static void no_dynsym(struct blob *x)
{
	put32(x, shdr_of_type(x, SHT_DYNSYM) + 4, SHT_PROGBITS);
}

static void no_versym(struct blob *x)
{
	put32(x, shdr_of_type(x, SHT_GNU_versym) + 4, SHT_PROGBITS);
}

static void no_verdef(struct blob *x)
{
	put32(x, shdr_of_type(x, SHT_GNU_verdef) + 4, SHT_PROGBITS);
}

static void dynsym_past_end(struct blob *x)
{
	put32(x, shdr_of_type(x, SHT_DYNSYM) + 20, 0x10000);
}

static void dynsym_entsize(struct blob *x)
{
	put32(x, shdr_of_type(x, SHT_DYNSYM) + 36, 12);
}

static void dynsym_link(struct blob *x)
{
	put32(x, shdr_of_type(x, SHT_DYNSYM) + 24, 0);
}

static void verdef_loop(struct blob *x)
{
	size_t vd = get32(x, shdr_of_type(x, SHT_GNU_verdef) + 16);

	/* The first definition's vd_next points at itself. */
	put32(x, vd + 16, 0);
	put16(x, vd + 4, 7);
}

static const struct {
	const char *name;
	void (*mutate)(struct blob *x);
	size_t len;	  /* 0: the seed's length */
	const char *word; /* must appear in the reason */
} bad[] = {
	{ "not ELF", bad_magic, 0, "ELF magic" },
	{ "64-bit class", bad_class, 0, "ELFCLASS32" },
	{ "little-endian", bad_data, 0, "big-endian" },
	{ "i386", bad_machine, 0, "EM_68K" },
	{ "executable", bad_type, 0, "ET_DYN" },
	{ "phentsize", bad_phentsize, 0, "program headers" },
	{ "phoff", bad_phoff, 0, "program headers" },
	{ "shoff", bad_shoff, 0, "section headers" },
	{ "no sections", bad_shnum, 0, "section headers" },
	{ "two PT_LOADs", two_loads, 0, "2 PT_LOAD" },
	{ "no PT_LOAD", no_load, 0, "0 PT_LOAD" },
	{ "PT_LOAD offset", load_offset, 0, "file offset" },
	{ "unaligned base", load_unaligned, 0, "page-aligned" },
	{ "oversized segment", load_oversized, 0, "does not fit" },
	{ "segment reaches data", load_reaches_data, 0, "data area" },
	{ "filesz over memsz", load_filesz_over_memsz, 0, "exceeds" },
	{ "segment past the end", load_past_end, 0, "truncated" },
	{ "file reaches data", NULL, 0x1001, "data area" },
	{ "no PT_NOTE", no_note, 0, "PT_NOTE" },
	{ "note name", note_name, 0, "\"Linux\" note" },
	{ "note type", note_type, 0, "type 0" },
	{ "note descsz", note_descsz, 0, "want 4" },
	{ "note past the end", note_past_end, 0, "PT_NOTE" },
	{ "note padding past the end", note_padding_past_end, 0,
	  "no \"Linux\" note" },
	{ "missing symbol", missing_symbol, 0,
	  "__kernel_atomic_barrier missing" },
	{ "wrong version", wrong_version, 0, "not LINUX_2.6" },
	{ "hidden version", hidden_version, 0, "__kernel_read_tp has version" },
	{ "unversioned", unversioned, 0, "none (global)" },
	{ "undefined symbol", undefined_symbol, 0, "not defined" },
	{ "symbol outside", symbol_outside, 0, "outside the PT_LOAD" },
	{ "symbol overruns", symbol_overruns, 0, "outside the PT_LOAD" },
	{ "no .dynsym", no_dynsym, 0, "no .dynsym" },
	{ "no .gnu.version", no_versym, 0, "no .gnu.version " },
	{ "no .gnu.version_d", no_verdef, 0, "no .gnu.version_d" },
	{ ".dynsym past the end", dynsym_past_end, 0, "truncated" },
	{ ".dynsym entsize", dynsym_entsize, 0, ".dynsym entries" },
	{ ".dynsym link", dynsym_link, 0, "string table" },
	{ "verdef chain", verdef_loop, 0, "version" },
};

static void test_seed_parses(void **state)
{
	struct blob x = seed_copy(0);
	struct msim_vdso_image img;
	char why[160] = "untouched";

	(void)state;
	assert_int_equal(msim_vdso_parse(x.b, x.len, &img, why, sizeof(why)),
			 0);
	assert_string_equal(why, "");
	assert_ptr_equal(img.data, x.b);
	assert_int_equal(img.size, x.len);
	assert_int_equal(img.link_base, 0x5fffe000);
	assert_int_equal(img.sym_read_tp, 0x5fffe400);
	assert_int_equal(img.sym_atomic_cmpxchg_32, 0x5fffe40c);
	assert_int_equal(img.sym_atomic_barrier, 0x5fffe41c);
	assert_int_equal(img.kernel_version, 0x020626);
	/* @why and @img are optional. */
	assert_int_equal(msim_vdso_parse(x.b, x.len, NULL, NULL, 0), 0);
	free(x.b);
}

static void test_malformed(void **state)
{
	struct msim_vdso_image img = { .size = 12345 };
	char why[160];
	size_t i;
	struct blob x;
	int ret;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		x = seed_copy(bad[i].len);
		if (bad[i].mutate)
			bad[i].mutate(&x);
		ret = msim_vdso_parse(x.b, x.len, &img, why, sizeof(why));
		if (ret != -ENOEXEC || !strstr(why, bad[i].word))
			fail_msg("%s: got %d \"%s\", want -ENOEXEC naming "
				 "\"%s\"",
				 bad[i].name, ret, why, bad[i].word);
		/* Nothing is written to @img on failure. */
		assert_int_equal(img.size, 12345);
		/* Without a reason buffer, the same answer. */
		assert_int_equal(msim_vdso_parse(x.b, x.len, NULL, NULL, 0),
				 -ENOEXEC);
		free(x.b);
	}
}

/* Every proper prefix of the seed's blob is refused, never read past. */
static void test_truncations(void **state)
{
	const struct msim_vdso_image *img = msim_vdso_seed();
	char why[160];
	unsigned char *b;
	size_t len;

	(void)state;
	for (len = 0; len < img->size; len++) {
		b = malloc(len ? len : 1);
		assert_non_null(b);
		memcpy(b, img->data, len);
		if (msim_vdso_parse(b, len, NULL, why, sizeof(why)) !=
			    -ENOEXEC ||
		    !why[0])
			fail_msg("length %zu: not refused with a reason", len);
		free(b);
	}
	assert_int_equal(msim_vdso_parse(NULL, 0, NULL, why, sizeof(why)),
			 -ENOEXEC);
	assert_non_null(strstr(why, "not an ELF file"));
	/* A short reason buffer is still a terminated string. */
	b = calloc(1, 64);
	assert_non_null(b);
	assert_int_equal(msim_vdso_parse(b, 64, NULL, why, 8), -ENOEXEC);
	assert_int_equal(strlen(why), 7);
	free(b);
}

/*
 * Random byte flips over the seed's blob (seeded): whatever comes out,
 * a success must describe symbols inside the blob's one page.
 */
static void test_random_flips(void **state)
{
	struct mt_rng rng = { .s = mt_seed("test_random_flips") };
	struct msim_vdso_image img;
	char why[160];
	struct blob x;
	int i, j, ret;

	(void)state;
	for (i = 0; i < 20000; i++) {
		x = seed_copy(0);
		for (j = 0; j < 1 + (int)(mt_rand(&rng) % 4); j++)
			x.b[mt_rand(&rng) % x.len] =
				(unsigned char)mt_rand(&rng);
		ret = msim_vdso_parse(x.b, x.len, &img, why, sizeof(why));
		if (ret == 0) {
			assert_true(img.sym_read_tp - img.link_base < 0x1000);
			assert_true(img.sym_atomic_cmpxchg_32 - img.link_base <
				    0x1000);
			assert_true(img.sym_atomic_barrier - img.link_base <
				    0x1000);
		} else {
			assert_int_equal(ret, -ENOEXEC);
			assert_true(why[0]);
		}
		free(x.b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_parses),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_random_flips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
