// SPDX-License-Identifier: MIT
/*
 * Runs the libFuzzer harness over files, for builds without libFuzzer:
 * fuzz_replay FILE|DIR...  Each input is printed as the case it decodes
 * to before it runs, so that a failure names it.  Exits 3 when the harness
 * aborts (a finding), so that a test can expect it.
 */
#include <dirent.h>
#include <signal.h>
#include <unistd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <mmsim/coldfire/fuzz_case.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	char text[MSIM_VF_CASE_TEXT_MAX];
	uint8_t buf[4096];
	struct msim_vf_case c;
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f) {
		perror(path);
		return 1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	msim_vf_case_decode(buf, n, &c);
	msim_vf_case_format(&c, text, sizeof(text));
	printf("%s: %s\n", path, text);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *path)
{
	char *names[1024], full[4096];
	struct dirent *de;
	int n = 0, i, ret = 0;
	DIR *d = opendir(path);

	if (!d) {
		perror(path);
		return 1;
	}
	while ((de = readdir(d)) && n < 1024)
		if (de->d_name[0] != '.')
			names[n++] = strdup(de->d_name);
	closedir(d);
	/* In name order, so that runs are the same everywhere. */
	qsort(names, (size_t)n, sizeof(names[0]), cmp_names);
	for (i = 0; i < n; i++) {
		snprintf(full, sizeof(full), "%s/%s", path, names[i]);
		ret |= run_file(full);
		free(names[i]);
	}
	return ret;
}

static void on_abort(int sig)
{
	(void)sig;
	_exit(3);
}

int main(int argc, char **argv)
{
	int i, ret = 0, files = 0;

	signal(SIGABRT, on_abort);
	for (i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st)) {
			perror(argv[i]);
			return 1;
		}
		ret |= S_ISDIR(st.st_mode) ? run_dir(argv[i])
					   : run_file(argv[i]);
		files++;
	}
	if (!files) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	return ret;
}
