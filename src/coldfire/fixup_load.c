// SPDX-License-Identifier: MIT
/*
 * Entry fixups for the vDSO fuzzer, from assembly or from an object.  The
 * object is checked here, before the CPU loads it, so that a wrong file
 * gets a reason a person can act on.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mmsim/coldfire/pt_regs.h>

#include <mmsim/coldfire/fixup.h>

#include "tools.h"
#include "be.h"

#define MSIM_VF_FIXUP_SYM "check_vdso_atomic_cmpxchg_32"
#define MSIM_VF_FIXUP_MAX (1U << 20)

/*
 * The symbol table at section header @sh: 0 when it defines the fixup's
 * symbol as a global, 1 when it does not define it, -ENOEXEC with @why.
 */
static int find_fixup_sym(const uint8_t *b, size_t len, const uint8_t *sh,
			  uint32_t shoff, uint32_t shentsize, uint32_t shnum,
			  char *why, size_t whylen)
{
	const uint8_t *str;
	uint32_t off, size, link, strsz, j;

	off = be32(sh + 16);
	size = be32(sh + 20);
	link = be32(sh + 24);
	if (off > len || size > len - off || link >= shnum)
		return tool_why(why, whylen, -ENOEXEC,
				"symbol table out of the file");
	str = b + shoff + link * shentsize;
	if (be32(str + 16) > len || be32(str + 20) > len - be32(str + 16))
		return tool_why(why, whylen, -ENOEXEC,
				"string table out of the file");
	strsz = be32(str + 20);
	str = b + be32(str + 16);
	for (j = 0; j + 16 <= size; j += 16) {
		const uint8_t *sym = b + off + j;
		uint32_t name = be32(sym);
		size_t n = sizeof(MSIM_VF_FIXUP_SYM);

		if (name >= strsz || strsz - name < n ||
		    memcmp(str + name, MSIM_VF_FIXUP_SYM, n))
			continue;
		if (be16(sym + 14) == 0) /* SHN_UNDEF */
			continue;
		if (sym[12] >> 4 != 1) /* STB_GLOBAL */
			return tool_why(why, whylen, -ENOEXEC,
					"%s is not global", MSIM_VF_FIXUP_SYM);
		return 0;
	}
	return 1;
}

int msim_vf_fixup_check(const void *obj, size_t len, char *why, size_t whylen)
{
	const uint8_t *b = obj;
	uint32_t shoff, shentsize, shnum, i;
	int ret;

	if (len < 52 || memcmp(b, "\177ELF", 4))
		return tool_why(why, whylen, -ENOEXEC, "not an ELF file");
	if (b[4] != 1 || b[5] != 2)
		return tool_why(why, whylen, -ENOEXEC,
				"not a 32-bit big-endian ELF file");
	if (be16(b + 18) != 4)
		return tool_why(why, whylen, -ENOEXEC,
				"not an m68k object (e_machine %u)",
				be16(b + 18));
	if (be16(b + 16) != 1)
		return tool_why(why, whylen, -ENOEXEC,
				"not a relocatable object (e_type %u)",
				be16(b + 16));
	shoff = be32(b + 32);
	shentsize = be16(b + 46);
	shnum = be16(b + 48);
	if (shentsize < 40 || shoff > len || shnum > (len - shoff) / shentsize)
		return tool_why(why, whylen, -ENOEXEC,
				"section headers out of the file");
	for (i = 0; i < shnum; i++) {
		const uint8_t *sh = b + shoff + i * shentsize;

		if (be32(sh + 4) != 2) /* SHT_SYMTAB */
			continue;
		ret = find_fixup_sym(b, len, sh, shoff, shentsize, shnum, why,
				     whylen);
		if (ret <= 0)
			return ret;
	}
	return tool_why(why, whylen, -ENOEXEC, "does not define %s",
			MSIM_VF_FIXUP_SYM);
}

/* ColdFire struct pt_regs, as the library's CPU model lays it out. */
#define PT_STR(x) #x
#define PT_DEF(name) "-D" #name "=" PT_STR(name)
static const char *const pt_regs_defs[] = {
	PT_DEF(PT_OFF_D1),	PT_DEF(PT_OFF_D2),     PT_DEF(PT_OFF_D3),
	PT_DEF(PT_OFF_D4),	PT_DEF(PT_OFF_D5),     PT_DEF(PT_OFF_A0),
	PT_DEF(PT_OFF_A1),	PT_DEF(PT_OFF_A2),     PT_DEF(PT_OFF_D0),
	PT_DEF(PT_OFF_ORIG_D0), PT_DEF(PT_OFF_STKADJ), PT_DEF(PT_OFF_FORMATVEC),
	PT_DEF(PT_OFF_SR),	PT_DEF(PT_OFF_PC),
};

/*
 * What a fixup written for the kernel includes, so that entry.S code
 * assembles as it is: ENTRY() from <linux/linkage.h> (included always,
 * as the kernel's build does for entry code) and the pt_regs offsets of
 * <asm/asm-offsets.h>, also defined on the command line.
 */
static const char linkage_h[] =
	"#ifndef _LINUX_LINKAGE_H\n#define _LINUX_LINKAGE_H\n"
	"#define ALIGN .align 4\n"
	"#define ENTRY(name) .globl name; ALIGN; name:\n#endif\n";
static const char offsets_h[] = "/* PT_OFF_* come from the command line */\n";

static int put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int ret = 0;

	if (!f)
		return -errno;
	if (fputs(text, f) < 0)
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

static int write_headers(const char *dir, char *inc, size_t incsz,
			 char *linkage, size_t linkagesz)
{
	char path[768];
	int ret;

	snprintf(inc, incsz, "%s/include", dir);
	snprintf(path, sizeof(path), "%s/linux", inc);
	if (mkdir(inc, 0700) || mkdir(path, 0700))
		return -errno;
	snprintf(path, sizeof(path), "%s/asm", inc);
	if (mkdir(path, 0700))
		return -errno;
	snprintf(linkage, linkagesz, "%s/linux/linkage.h", inc);
	ret = put(linkage, linkage_h);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/asm/asm-offsets.h", inc);
	return put(path, offsets_h);
}

/*
 * cpp @src into @pre, as the kernel's build preprocesses entry code;
 * quoted includes are looked for in @srcdir, the directory of the file
 * the user named (@src is a copy of it).
 */
static int preprocess(const char *src, const char *path, const char *srcdir,
		      const char *inc, const char *linkage, const char *pre,
		      const char *err, char *why, size_t whylen)
{
	char *argv[40];
	enum tool_end end;
	int argc = 0, code = 0;
	size_t i;

	argv[argc++] = "cpp";
	argv[argc++] = "-undef";
	argv[argc++] = "-x";
	argv[argc++] = "assembler-with-cpp";
	argv[argc++] = "-D__ASSEMBLY__";
	argv[argc++] = "-iquote";
	argv[argc++] = (char *)srcdir;
	argv[argc++] = "-I";
	argv[argc++] = (char *)inc;
	argv[argc++] = "-include";
	argv[argc++] = (char *)linkage;
	for (i = 0; i < sizeof(pt_regs_defs) / sizeof(pt_regs_defs[0]); i++)
		argv[argc++] = (char *)pt_regs_defs[i];
	argv[argc++] = (char *)src;
	argv[argc] = NULL;
	end = tool_spawn(argv, pre, err, &code);
	if (end == TOOL_EXITED && !code)
		return 0;
	return tool_failed(end, code, "cpp", err, src, path, why, whylen);
}

/* m68k-linux-gnu-as -mcpu=5475 @pre into @o. */
static int as_run(const char *pre, const char *o, const char *err,
		  const char *src, const char *path, char *why, size_t whylen)
{
	char *argv[] = { "m68k-linux-gnu-as", "-mcpu=5475", "-o",
			 (char *)o,	      (char *)pre,  NULL };
	enum tool_end end;
	int code = 0;

	end = tool_spawn(argv, NULL, err, &code);
	if (end == TOOL_EXITED && !code)
		return 0;
	/* The line markers name the copy: name the source instead. */
	return tool_failed(end, code, "m68k-linux-gnu-as", err, src, path, why,
			   whylen);
}

/*
 * The scratch directory of one assembly: the source's copy, what cpp
 * makes of it, the object, the tools' errors, and the headers.
 */
static const char *const scratch_files[] = {
	"fixup.S",
	"fixup.s",
	"fixup.o",
	"err",
	"include/linux/linkage.h",
	"include/asm/asm-offsets.h",
	"include/linux",
	"include/asm",
	"include",
	NULL,
};

static int assemble(const char *path, void **obj, size_t *len, char *why,
		    size_t whylen)
{
	char src[640], pre[640], o[640], err[640], inc[640], linkage[700];
	char srcdir[512];
	struct tool_scratch t;
	int ret;

	if (!tool_on_path("cpp"))
		return tool_why(why, whylen, -ENOENT,
				"cannot preprocess: cpp not found");
	if (!tool_on_path("m68k-linux-gnu-as"))
		return tool_why(why, whylen, -ENOENT,
				"cannot assemble: m68k-linux-gnu-as not found "
				"(Debian package binutils-m68k-linux-gnu)");
	ret = tool_scratch_open(&t, "mmsim-fixup", why, whylen);
	if (ret)
		return ret;
	tool_scratch_path(&t, "fixup.S", src, sizeof(src));
	tool_scratch_path(&t, "fixup.s", pre, sizeof(pre));
	tool_scratch_path(&t, "fixup.o", o, sizeof(o));
	tool_scratch_path(&t, "err", err, sizeof(err));
	tool_dir_of(path, srcdir, sizeof(srcdir));
	ret = write_headers(t.dir, inc, sizeof(inc), linkage, sizeof(linkage));
	if (ret)
		tool_why(why, whylen, ret, "cannot write headers: %s",
			 strerror(-ret));
	if (!ret)
		ret = tool_copy(path, MSIM_VF_FIXUP_MAX, src, why, whylen);
	if (!ret)
		ret = preprocess(src, path, srcdir, inc, linkage, pre, err, why,
				 whylen);
	if (!ret)
		ret = as_run(pre, o, err, src, path, why, whylen);
	if (!ret)
		ret = tool_read_file(o, MSIM_VF_FIXUP_MAX, obj, len, why,
				     whylen);
	tool_scratch_close(&t, scratch_files);
	return ret;
}

int msim_vf_fixup_load(const char *path, void **obj, size_t *len, char *why,
		       size_t whylen)
{
	const char *dot = strrchr(path, '.');
	struct stat st;
	int ret;

	*obj = NULL;
	*len = 0;
	/* The type first: a FIFO or a device is never opened. */
	if (stat(path, &st))
		return tool_why(why, whylen, -errno, "%s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return tool_why(why, whylen, -EINVAL, "not a regular file");
	if (dot && (!strcmp(dot, ".S") || !strcmp(dot, ".s")))
		ret = assemble(path, obj, len, why, whylen);
	else if (dot && !strcmp(dot, ".o"))
		ret = tool_read_file(path, MSIM_VF_FIXUP_MAX, obj, len, why,
				     whylen);
	else
		return tool_why(
			why, whylen, -EINVAL,
			"not a fixup: name it .S or .s (assembly) or .o "
			"(object)");
	if (ret)
		return ret;
	ret = msim_vf_fixup_check(*obj, *len, why, whylen);
	if (ret) {
		free(*obj);
		*obj = NULL;
	}
	return ret;
}
