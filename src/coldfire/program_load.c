// SPDX-License-Identifier: MIT
/*
 * A ColdFire program for exec, from a file: an ELF executable as it is,
 * or a C source compiled with m68k-linux-gnu-gcc, mmsim's start file and
 * <cfrt.h> (cfrt/), as mmsim_coldfire_program() builds one.  The tools
 * run as the fixup's do (tools.c): a regular file only, within bounds, in
 * a scratch directory that goes whatever happens.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mmsim/coldfire/exec.h>

#include "tools.h"

#ifndef MMSIM_CFRT_FLAGS
#define MMSIM_CFRT_FLAGS "-mcpu=5475 -O2 -static -nostdlib -ffreestanding"
#endif

/* A program, source or executable, is at most this big. */
#define PROGRAM_MAX (64UL << 20)

static const char *const scratch_files[] = { "prog.c", "prog.elf", "err",
					     NULL };

static bool has_file(const char *dir, const char *name)
{
	char path[4200];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return !stat(path, &st) && S_ISREG(st.st_mode);
}

/* m68k-linux-gnu-gcc with cfrt's flags, split on spaces. */
static int compile(const char *path, const char *cfrt, void **buf, size_t *len,
		   char *why, size_t whylen)
{
	static const char flags[] = MMSIM_CFRT_FLAGS;
	char src[640], elf[640], err[640], srcdir[512], inc[4200], quote[520];
	char crt0[4200], cfrt_c[4200], words[sizeof(flags)], *argv[64], *w;
	struct tool_scratch t;
	enum tool_end end;
	int argc = 0, code = 0, ret;

	if (!tool_on_path("m68k-linux-gnu-gcc"))
		return tool_why(
			why, whylen, -ENOENT,
			"cannot compile it: m68k-linux-gnu-gcc not found "
			"(Debian package gcc-m68k-linux-gnu); give a "
			"ColdFire ELF executable instead");
	if (!cfrt || !has_file(cfrt, "cfrt.h") || !has_file(cfrt, "crt0.S") ||
	    !has_file(cfrt, "cfrt.c"))
		return tool_why(why, whylen, -ENOENT,
				"cannot compile it: no start file and cfrt.h "
				"in %s",
				cfrt ? cfrt : "(none)");
	ret = tool_scratch_open(&t, "mmsim-prog", why, whylen);
	if (ret)
		return ret;
	tool_scratch_path(&t, "prog.c", src, sizeof(src));
	tool_scratch_path(&t, "prog.elf", elf, sizeof(elf));
	tool_scratch_path(&t, "err", err, sizeof(err));
	tool_dir_of(path, srcdir, sizeof(srcdir));
	snprintf(inc, sizeof(inc), "-I%s", cfrt);
	snprintf(quote, sizeof(quote), "-iquote%s", srcdir);
	snprintf(crt0, sizeof(crt0), "%s/crt0.S", cfrt);
	snprintf(cfrt_c, sizeof(cfrt_c), "%s/cfrt.c", cfrt);
	memcpy(words, flags, sizeof(flags));
	argv[argc++] = "m68k-linux-gnu-gcc";
	for (w = strtok(words, " "); w && argc < 50; w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc++] = inc;
	argv[argc++] = quote;
	argv[argc++] = "-o";
	argv[argc++] = elf;
	argv[argc++] = crt0;
	argv[argc++] = cfrt_c;
	argv[argc++] = src;
	argv[argc++] = "-lgcc";
	argv[argc] = NULL;
	ret = tool_copy(path, PROGRAM_MAX, src, why, whylen);
	if (!ret) {
		end = tool_spawn(argv, NULL, err, &code);
		if (end != TOOL_EXITED || code)
			ret = tool_failed(end, code, "m68k-linux-gnu-gcc", err,
					  src, path, why, whylen);
	}
	if (!ret)
		ret = tool_read_file(elf, PROGRAM_MAX, buf, len, why, whylen);
	tool_scratch_close(&t, scratch_files);
	return ret;
}

int msim_cf_program_load(const char *path, const char *cfrt_dir, void **buf,
			 size_t *len, char *why, size_t whylen)
{
	const char *dot = strrchr(path, '.');
	struct stat st;

	*buf = NULL;
	*len = 0;
	if (stat(path, &st))
		return tool_why(why, whylen, -errno, "%s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return tool_why(why, whylen, -EINVAL, "not a regular file");
	if (dot && !strcmp(dot, ".c"))
		return compile(path, cfrt_dir, buf, len, why, whylen);
	return tool_read_file(path, PROGRAM_MAX, buf, len, why, whylen);
}
