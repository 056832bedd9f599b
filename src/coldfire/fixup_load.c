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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mmsim/coldfire/pt_regs.h>

#include <mmsim/coldfire/fixup.h>

#define MSIM_VF_FIXUP_SYM "check_vdso_atomic_cmpxchg_32"
#define MSIM_VF_FIXUP_MAX (1U << 20)

static int why_set(char *why, size_t whylen, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int why_set(char *why, size_t whylen, int err, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return err;
}

static int read_file(const char *path, void **buf, size_t *len, char *why,
		     size_t whylen)
{
	struct stat st;
	ssize_t got;
	size_t off = 0;
	int fd, err;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return why_set(why, whylen, -errno, "%s", strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return why_set(why, whylen, -EINVAL, "not a regular file");
	}
	if (st.st_size > MSIM_VF_FIXUP_MAX) {
		close(fd);
		return why_set(why, whylen, -EFBIG, "larger than %u bytes",
			       MSIM_VF_FIXUP_MAX);
	}
	*len = (size_t)st.st_size;
	*buf = malloc(*len ? *len : 1);
	if (!*buf) {
		close(fd);
		return why_set(why, whylen, -ENOMEM, "out of memory");
	}
	while (off < *len) {
		got = read(fd, (char *)*buf + off, *len - off);
		if (got <= 0) {
			err = got < 0 ? errno : EIO;
			close(fd);
			free(*buf);
			*buf = NULL;
			return why_set(why, whylen, -err, "%s", strerror(err));
		}
		off += (size_t)got;
	}
	close(fd);
	return 0;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

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
		return why_set(why, whylen, -ENOEXEC,
			       "symbol table out of the file");
	str = b + shoff + link * shentsize;
	if (be32(str + 16) > len || be32(str + 20) > len - be32(str + 16))
		return why_set(why, whylen, -ENOEXEC,
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
			return why_set(why, whylen, -ENOEXEC,
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
		return why_set(why, whylen, -ENOEXEC, "not an ELF file");
	if (b[4] != 1 || b[5] != 2)
		return why_set(why, whylen, -ENOEXEC,
			       "not a 32-bit big-endian ELF file");
	if (be16(b + 18) != 4)
		return why_set(why, whylen, -ENOEXEC,
			       "not an m68k object (e_machine %u)",
			       be16(b + 18));
	if (be16(b + 16) != 1)
		return why_set(why, whylen, -ENOEXEC,
			       "not a relocatable object (e_type %u)",
			       be16(b + 16));
	shoff = be32(b + 32);
	shentsize = be16(b + 46);
	shnum = be16(b + 48);
	if (shentsize < 40 || shoff > len || shnum > (len - shoff) / shentsize)
		return why_set(why, whylen, -ENOEXEC,
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
	return why_set(why, whylen, -ENOEXEC, "does not define %s",
		       MSIM_VF_FIXUP_SYM);
}

/* Is @tool an executable somewhere on $PATH? */
static bool on_path(const char *tool)
{
	const char *path = getenv("PATH");
	char buf[4096];

	while (path && *path) {
		const char *end = strchr(path, ':');
		size_t n = end ? (size_t)(end - path) : strlen(path);

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, tool);
		if (n && !access(buf, X_OK))
			return true;
		path = end ? end + 1 : NULL;
	}
	return false;
}

/*
 * Runs @argv with standard output to @out (if not NULL) and standard error
 * to @err; returns its exit status, or -1 if it could not run.
 */
static int spawn(char *const argv[], const char *out, const char *err)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd >= 0)
			dup2(fd, 2);
		if (out) {
			fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			if (fd >= 0)
				dup2(fd, 1);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * The tool's first error, for the reason: the first line that says
 * "rror", else its first line.
 */
static void first_line(const char *file, char *buf, size_t size)
{
	FILE *f = fopen(file, "r");
	char line[512];
	bool any = false;

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, (int)sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!any || strstr(line, "rror")) {
			size_t n =
				strlen(line) < size ? strlen(line) : size - 1;

			memcpy(buf, line, n);
			buf[n] = '\0';
			if (any || strstr(line, "rror"))
				break;
			any = true;
		}
	}
	fclose(f);
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
	char path[128];
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

static void remove_headers(const char *dir)
{
	static const char *const names[] = {
		"include/linux/linkage.h",
		"include/asm/asm-offsets.h",
		"include/linux",
		"include/asm",
		"include",
	};
	char path[128];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		remove(path);
	}
}

/* cpp @path into @pre, as the kernel's build preprocesses entry code. */
static int preprocess(const char *path, const char *inc, const char *linkage,
		      const char *pre, const char *err, char *why,
		      size_t whylen)
{
	char *argv[32], msg[200];
	int argc = 0;
	size_t i;

	argv[argc++] = "cpp";
	argv[argc++] = "-undef";
	argv[argc++] = "-x";
	argv[argc++] = "assembler-with-cpp";
	argv[argc++] = "-D__ASSEMBLY__";
	argv[argc++] = "-I";
	argv[argc++] = (char *)inc;
	argv[argc++] = "-include";
	argv[argc++] = (char *)linkage;
	for (i = 0; i < sizeof(pt_regs_defs) / sizeof(pt_regs_defs[0]); i++)
		argv[argc++] = (char *)pt_regs_defs[i];
	argv[argc++] = (char *)path;
	argv[argc] = NULL;
	if (!spawn(argv, pre, err))
		return 0;
	first_line(err, msg, sizeof(msg));
	return why_set(why, whylen, -ENOEXEC, "cpp failed: %s", msg);
}

/* m68k-linux-gnu-as -mcpu=5475 @pre into @o. */
static int as_run(const char *pre, const char *o, const char *err, char *why,
		  size_t whylen)
{
	char *argv[] = { "m68k-linux-gnu-as", "-mcpu=5475", "-o",
			 (char *)o,	      (char *)pre,  NULL };
	char msg[200];

	if (!spawn(argv, NULL, err))
		return 0;
	first_line(err, msg, sizeof(msg));
	/* The assembler names the temporary file: say the line only. */
	return why_set(why, whylen, -ENOEXEC, "m68k-linux-gnu-as failed: %s",
		       msg);
}

static int assemble(const char *path, void **obj, size_t *len, char *why,
		    size_t whylen)
{
	char dir[] = "/tmp/mmsim-fixup-XXXXXX";
	char pre[64], o[64], err[64], inc[64], linkage[96];
	int ret;

	if (!on_path("cpp"))
		return why_set(why, whylen, -ENOENT,
			       "cannot preprocess: cpp not found");
	if (!on_path("m68k-linux-gnu-as"))
		return why_set(why, whylen, -ENOENT,
			       "cannot assemble: m68k-linux-gnu-as not found "
			       "(Debian package binutils-m68k-linux-gnu)");
	if (!mkdtemp(dir))
		return why_set(why, whylen, -errno, "mkdtemp: %s",
			       strerror(errno));
	snprintf(pre, sizeof(pre), "%s/fixup.s", dir);
	snprintf(o, sizeof(o), "%s/fixup.o", dir);
	snprintf(err, sizeof(err), "%s/err", dir);

	ret = write_headers(dir, inc, sizeof(inc), linkage, sizeof(linkage));
	if (ret)
		why_set(why, whylen, ret, "cannot write headers: %s",
			strerror(-ret));
	if (!ret)
		ret = preprocess(path, inc, linkage, pre, err, why, whylen);
	if (!ret)
		ret = as_run(pre, o, err, why, whylen);
	if (!ret)
		ret = read_file(o, obj, len, why, whylen);
	unlink(pre);
	unlink(o);
	unlink(err);
	remove_headers(dir);
	rmdir(dir);
	return ret;
}

int msim_vf_fixup_load(const char *path, void **obj, size_t *len, char *why,
		       size_t whylen)
{
	const char *dot = strrchr(path, '.');
	int ret;

	*obj = NULL;
	*len = 0;
	if (access(path, R_OK))
		return why_set(why, whylen, -errno, "%s", strerror(errno));
	if (dot && (!strcmp(dot, ".S") || !strcmp(dot, ".s")))
		ret = assemble(path, obj, len, why, whylen);
	else if (dot && !strcmp(dot, ".o"))
		ret = read_file(path, obj, len, why, whylen);
	else
		return why_set(why, whylen, -EINVAL,
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
