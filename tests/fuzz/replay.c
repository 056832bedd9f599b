// SPDX-License-Identifier: MIT
/*
 * Runs a fuzz target's LLVMFuzzerTestOneInput() over files, as libFuzzer
 * does when given files instead of a corpus directory: each file is one
 * input, read into a buffer of exactly its size so that AddressSanitizer
 * sees any read past its end.  With directories, every regular file in
 * them (not recursively).  A target's abort() (a finding) exits with
 * status 3.
 *
 *	replay FILE_OR_DIR...
 */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *buf;
	size_t n;

	if (!f || fstat(fileno(f), &st)) {
		perror(path);
		if (f)
			fclose(f);
		return -1;
	}
	n = (size_t)st.st_size;
	buf = malloc(n ? n : 1);
	if (!buf || fread(buf, 1, n, f) != n) {
		fprintf(stderr, "%s: cannot read\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

/* A finding (the target's abort()) is exit status 3, which a test can
 * expect (WILL_FAIL); a crash stays a crash. */
static void on_abort(int sig)
{
	(void)sig;
	_exit(3);
}

int main(int argc, char **argv)
{
	unsigned long inputs = 0;
	char path[4096];
	struct dirent *de;
	struct stat st;
	DIR *dir;
	int i;

	signal(SIGABRT, on_abort);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st)) {
			perror(argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (run_file(argv[i]))
				return 1;
			inputs++;
			continue;
		}
		dir = opendir(argv[i]);
		if (!dir) {
			perror(argv[i]);
			return 1;
		}
		while ((de = readdir(dir))) {
			snprintf(path, sizeof(path), "%s/%s", argv[i],
				 de->d_name);
			if (stat(path, &st) || !S_ISREG(st.st_mode))
				continue;
			if (run_file(path)) {
				closedir(dir);
				return 1;
			}
			inputs++;
		}
		closedir(dir);
	}
	printf("replayed %lu inputs\n", inputs);
	return inputs ? 0 : 1;
}
