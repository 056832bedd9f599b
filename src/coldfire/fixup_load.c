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

/*
 * Opens @path for reading only if it is a regular file: O_NONBLOCK, so
 * that a FIFO or a device cannot block the open, and the type checked on
 * the open file before a byte is read.  Returns the descriptor, or
 * -errno with @why.
 */
static int open_regular(const char *path, struct stat *st, char *why,
			size_t whylen)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return why_set(why, whylen, -errno, "%s", strerror(errno));
	if (fstat(fd, st) || !S_ISREG(st->st_mode)) {
		close(fd);
		return why_set(why, whylen, -EINVAL, "not a regular file");
	}
	if (st->st_size > MSIM_VF_FIXUP_MAX) {
		close(fd);
		return why_set(why, whylen, -EFBIG, "larger than %u bytes",
			       MSIM_VF_FIXUP_MAX);
	}
	/* A regular file never blocks; reads are plain from here. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

static int read_file(const char *path, void **buf, size_t *len, char *why,
		     size_t whylen)
{
	struct stat st;
	ssize_t got;
	size_t off = 0;
	int fd, err;

	fd = open_regular(path, &st, why, whylen);
	if (fd < 0)
		return fd;
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
 * Bounds on each tool a fixup is built with.  A source may #include
 * anything: /dev/zero (endless input), a FIFO nobody writes (a tool that
 * waits for ever), a huge file.  Each tool gets FIXUP_TOOL_SECONDS of
 * wall-clock time, FIXUP_TOOL_MEMORY of address space and
 * FIXUP_TOOL_OUTPUT bytes per file it writes; past them it is killed and
 * the fixup refused.
 */
#define FIXUP_TOOL_SECONDS 10
#define FIXUP_TOOL_MEMORY (1UL << 30)
#define FIXUP_TOOL_OUTPUT (16UL << 20)

/* The signals that end a process at a terminal, held while a tool runs. */
static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGQUIT);
	sigaddset(set, SIGTERM);
}

/* In the child: the bounds, the default signals, then the tool. */
static void child_exec(char *const argv[], const char *out, const char *err)
{
	struct rlimit rl;
	sigset_t set;
	int fd;

	stop_signals(&set);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	rl.rlim_cur = rl.rlim_max = FIXUP_TOOL_SECONDS;
	setrlimit(RLIMIT_CPU, &rl);
	rl.rlim_cur = rl.rlim_max = FIXUP_TOOL_MEMORY;
	setrlimit(RLIMIT_AS, &rl);
	rl.rlim_cur = rl.rlim_max = FIXUP_TOOL_OUTPUT;
	setrlimit(RLIMIT_FSIZE, &rl);
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0)
		dup2(fd, 0);
	fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
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

enum spawn_end {
	SPAWN_EXITED,
	SPAWN_FAILED,
	SPAWN_KILLED,
	SPAWN_TIMEOUT,
	SPAWN_SIGNALLED
};

/*
 * Runs @argv with standard output to @out (if not NULL) and standard error
 * to @err, within the bounds above; the caller holds the stop signals
 * (stop_signals()).  Returns how it ended, with its exit status or signal
 * in *@code.  A stop signal that arrives meanwhile kills the tool at once
 * (SPAWN_SIGNALLED): the caller then cleans up and lets the signal act.
 */
static enum spawn_end spawn(char *const argv[], const char *out,
			    const char *err, int *code)
{
	struct timespec nap = { 0, 1000000 }, now, end;
	sigset_t stop, pending;
	int status, sig;
	pid_t pid;

	fflush(NULL);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += FIXUP_TOOL_SECONDS;
	pid = fork();
	if (pid < 0)
		return SPAWN_FAILED;
	if (!pid)
		child_exec(argv, out, err);
	stop_signals(&stop);
	for (;;) {
		pid_t got = waitpid(pid, &status, WNOHANG);

		if (got == pid)
			break;
		if (got < 0 && errno != EINTR)
			return SPAWN_FAILED;
		sigpending(&pending);
		for (sig = 1; sig < NSIG; sig++)
			if (sigismember(&stop, sig) &&
			    sigismember(&pending, sig))
				break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (sig < NSIG || now.tv_sec > end.tv_sec ||
		    (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec)) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			*code = sig < NSIG ? sig : 0;
			return sig < NSIG ? SPAWN_SIGNALLED : SPAWN_TIMEOUT;
		}
		/* A quick tool is seen at once, a slow one every 50 ms. */
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < 50000000)
			nap.tv_nsec *= 2;
	}
	if (WIFEXITED(status)) {
		*code = WEXITSTATUS(status);
		return *code == 127 ? SPAWN_FAILED : SPAWN_EXITED;
	}
	*code = WTERMSIG(status);
	return SPAWN_KILLED;
}

static void first_line(const char *file, const char *from, const char *to,
		       char *buf, size_t size);

/* Why a tool that did not succeed stopped, for its reason. */
static int tool_failed(enum spawn_end end, int code, const char *tool,
		       const char *err, const char *from, const char *to,
		       char *why, size_t whylen)
{
	char msg[200];

	switch (end) {
	case SPAWN_FAILED:
		return why_set(why, whylen, -ENOEXEC, "cannot run %s", tool);
	case SPAWN_TIMEOUT:
		return why_set(why, whylen, -ETIMEDOUT,
			       "%s did not finish in %d s (does the source "
			       "include a FIFO or a device?)",
			       tool, FIXUP_TOOL_SECONDS);
	case SPAWN_SIGNALLED:
		return why_set(why, whylen, -EINTR, "%s stopped: %s", tool,
			       strsignal(code));
	case SPAWN_KILLED:
		if (code == SIGXFSZ || code == SIGXCPU || code == SIGKILL ||
		    code == SIGSEGV || code == SIGABRT)
			return why_set(why, whylen, -E2BIG,
				       "%s stopped by its bounds (%s: %d s of "
				       "CPU, %lu MiB of memory, %lu MiB of "
				       "output)",
				       tool, strsignal(code),
				       FIXUP_TOOL_SECONDS,
				       FIXUP_TOOL_MEMORY >> 20,
				       FIXUP_TOOL_OUTPUT >> 20);
		return why_set(why, whylen, -ENOEXEC, "%s killed: %s", tool,
			       strsignal(code));
	case SPAWN_EXITED:
		break;
	}
	first_line(err, from, to, msg, sizeof(msg));
	return why_set(why, whylen, -ENOEXEC, "%s failed: %s", tool, msg);
}

/*
 * The tool's first error, for the reason: the first line that says
 * "rror" or "fatal", else its first line that is not empty; the copy of
 * the source named as the user named it (@from becomes @to).
 */
static void first_line(const char *file, const char *from, const char *to,
		       char *buf, size_t size)
{
	FILE *f = fopen(file, "r");
	char line[512], pick[512] = "";
	const char *at;

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, (int)sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0])
			continue;
		if (strstr(line, "rror") || strstr(line, "fatal")) {
			snprintf(pick, sizeof(pick), "%s", line);
			break;
		}
		if (!pick[0])
			snprintf(pick, sizeof(pick), "%s", line);
	}
	fclose(f);
	at = from ? strstr(pick, from) : NULL;
	if (at)
		snprintf(buf, size, "%.*s%s%s", (int)(at - pick), pick, to,
			 at + strlen(from));
	else
		snprintf(buf, size, "%s", pick);
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
	char path[640];
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
	char path[640];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		remove(path);
	}
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
	enum spawn_end end;
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
	end = spawn(argv, pre, err, &code);
	if (end == SPAWN_EXITED && !code)
		return 0;
	return tool_failed(end, code, "cpp", err, src, path, why, whylen);
}

/* m68k-linux-gnu-as -mcpu=5475 @pre into @o. */
static int as_run(const char *pre, const char *o, const char *err,
		  const char *src, const char *path, char *why, size_t whylen)
{
	char *argv[] = { "m68k-linux-gnu-as", "-mcpu=5475", "-o",
			 (char *)o,	      (char *)pre,  NULL };
	enum spawn_end end;
	int code = 0;

	end = spawn(argv, NULL, err, &code);
	if (end == SPAWN_EXITED && !code)
		return 0;
	/* The line markers name the copy: name the source instead. */
	return tool_failed(end, code, "m68k-linux-gnu-as", err, src, path, why,
			   whylen);
}

/* The directory of @path, for its quoted includes. */
static void dir_of(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(buf, size, ".");
	else if (slash == path)
		snprintf(buf, size, "/");
	else
		snprintf(buf, size, "%.*s", (int)(slash - path), path);
}

/*
 * A copy of the source in the temporary directory, read through
 * read_file(): only a regular file of bounded size is ever opened, and
 * cpp reads the copy, not what @path may have become since.
 */
static int copy_source(const char *path, const char *copy, char *why,
		       size_t whylen)
{
	void *buf;
	size_t len;
	FILE *f;
	int ret = read_file(path, &buf, &len, why, whylen);

	if (ret)
		return ret;
	f = fopen(copy, "w");
	if (!f || fwrite(buf, 1, len, f) != len) {
		ret = why_set(why, whylen, -EIO, "cannot copy the source");
		if (f)
			fclose(f);
	} else if (fclose(f)) {
		ret = why_set(why, whylen, -EIO, "cannot copy the source");
	}
	free(buf);
	return ret;
}

/*
 * The temporary files of one assembly, under $TMPDIR (or /tmp): removed
 * on every way out of assemble(), and the stop signals (SIGINT, SIGTERM,
 * SIGHUP, SIGQUIT) held meanwhile, so that one that arrives kills the
 * running tool, the files go, and then the signal acts as it would have.
 */
struct scratch {
	char dir[512];
	char src[560], pre[560], o[560], err[560], inc[560], linkage[600];
};

static void scratch_remove(struct scratch *t)
{
	unlink(t->src);
	unlink(t->pre);
	unlink(t->o);
	unlink(t->err);
	remove_headers(t->dir);
	rmdir(t->dir);
}

static int assemble(const char *path, void **obj, size_t *len, char *why,
		    size_t whylen)
{
	const char *tmp = getenv("TMPDIR");
	char srcdir[512];
	struct scratch t;
	sigset_t stop, old;
	int ret;

	if (!on_path("cpp"))
		return why_set(why, whylen, -ENOENT,
			       "cannot preprocess: cpp not found");
	if (!on_path("m68k-linux-gnu-as"))
		return why_set(why, whylen, -ENOENT,
			       "cannot assemble: m68k-linux-gnu-as not found "
			       "(Debian package binutils-m68k-linux-gnu)");
	if (!tmp || !*tmp || strlen(tmp) > 400)
		tmp = "/tmp";
	stop_signals(&stop);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	snprintf(t.dir, sizeof(t.dir), "%s/mmsim-fixup-XXXXXX", tmp);
	if (!mkdtemp(t.dir)) {
		ret = why_set(why, whylen, -errno, "mkdtemp %s: %s", t.dir,
			      strerror(errno));
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return ret;
	}
	snprintf(t.src, sizeof(t.src), "%s/fixup.S", t.dir);
	snprintf(t.pre, sizeof(t.pre), "%s/fixup.s", t.dir);
	snprintf(t.o, sizeof(t.o), "%s/fixup.o", t.dir);
	snprintf(t.err, sizeof(t.err), "%s/err", t.dir);
	dir_of(path, srcdir, sizeof(srcdir));

	ret = write_headers(t.dir, t.inc, sizeof(t.inc), t.linkage,
			    sizeof(t.linkage));
	if (ret)
		why_set(why, whylen, ret, "cannot write headers: %s",
			strerror(-ret));
	if (!ret)
		ret = copy_source(path, t.src, why, whylen);
	if (!ret)
		ret = preprocess(t.src, path, srcdir, t.inc, t.linkage, t.pre,
				 t.err, why, whylen);
	if (!ret)
		ret = as_run(t.pre, t.o, t.err, t.src, path, why, whylen);
	if (!ret)
		ret = read_file(t.o, obj, len, why, whylen);
	scratch_remove(&t);
	/* A stop signal held meanwhile acts now, with nothing left behind. */
	pthread_sigmask(SIG_SETMASK, &old, NULL);
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
		return why_set(why, whylen, -errno, "%s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return why_set(why, whylen, -EINVAL, "not a regular file");
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
