// SPDX-License-Identifier: MIT
/*
 * The scenario runner under a fuzzer: any bytes are a scenario file, run
 * by scn_run_stream() as 'mmsim run' would run them.  It must end with
 * one of the run's exit statuses, never crash, hang or leak (ASan), and:
 *
 *  - never report an internal error: a leak or a broken promise of the
 *    library at teardown is the model's bug, whatever the input;
 *  - never put a raw control byte on the output, nor anything but
 *    printable ASCII in a message: a bad byte of the input is quoted
 *    escaped (\x00), never copied.
 *
 * A line "# args: OPTIONS" (the first one) sets the options of the run,
 * as in the golden tests: --arch NAME, --ram BYTES, --swap BYTES, --check,
 * --echo (others are ignored).  RAM is capped at 256 MiB and swap at 64 MiB so
 * that an input's host memory stays bounded whatever it touches.
 *
 * libFuzzer calls LLVMFuzzerTestOneInput(); replay.c calls it too, over
 * the committed corpus (corpus/scenario/), so that every build runs the
 * same checks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_RAM_MAX (256UL << 20)
#define FUZZ_SWAP_MAX (64UL << 20)

static void broken(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_scenario: %s\n%s\n", what, detail);
	abort();
}

/*
 * The output: discarded, but looked at first.  A tab or a newline is
 * fine (--echo prints lines as written, tabs included), and so are bytes
 * above 0x7f (a comment's UTF-8, echoed); any other control byte came
 * from the input unescaped.
 */
static ssize_t out_write(void *cookie, const char *buf, size_t len)
{
	size_t i;

	(void)cookie;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
			char what[64];

			snprintf(what, sizeof(what),
				 "raw control byte 0x%02x on the output", c);
			broken(what, "");
		}
	}
	return (ssize_t)len;
}

static const cookie_io_functions_t out_funcs = { .write = out_write };

/* The options of the first "# args:" line, if there is one. */
static void parse_args(const uint8_t *data, size_t size,
		       struct scn_options *opt)
{
	static const char head[] = "# args:";
	const size_t hlen = sizeof(head) - 1;
	char line[256], *word, *save, *arg;
	size_t at, len;

	for (at = 0; at + hlen <= size; at += len + 1) {
		for (len = 0; at + len < size && data[at + len] != '\n'; len++)
			;
		if (len >= hlen && !memcmp(data + at, head, hlen))
			break;
	}
	if (at + hlen > size || len >= sizeof(line))
		return;
	memcpy(line, data + at, len);
	line[len] = '\0';
	for (word = strtok_r(line + hlen, " \t", &save); word;
	     word = strtok_r(NULL, " \t", &save)) {
		if (!strcmp(word, "--check")) {
			opt->check_each = true;
			continue;
		}
		if (!strcmp(word, "--echo")) {
			opt->echo = true;
			continue;
		}
		arg = strtok_r(NULL, " \t", &save);
		if (!arg)
			return;
		if (!strcmp(word, "--arch")) {
			opt->arch = msim_arch_lookup(arg);
		} else if (!strcmp(word, "--ram")) {
			if (scn_parse_size(arg, &opt->ram_bytes) ||
			    opt->ram_bytes > FUZZ_RAM_MAX)
				opt->ram_bytes = FUZZ_RAM_MAX;
		} else if (!strcmp(word, "--swap")) {
			if (scn_parse_size(arg, &opt->swap_bytes) ||
			    opt->swap_bytes > FUZZ_SWAP_MAX)
				opt->swap_bytes = FUZZ_SWAP_MAX;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scn_options opt = { .ram_bytes = FUZZ_RAM_MAX };
	char *msgs = NULL;
	size_t msgs_len = 0, i;
	FILE *in, *out, *err;
	int status;

	parse_args(data, size, &opt);
	/* fmemopen() refuses an empty buffer. */
	in = size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
	out = fopencookie(NULL, "w", out_funcs);
	err = open_memstream(&msgs, &msgs_len);
	if (!in || !out || !err)
		broken("cannot open the streams", "");
	opt.out = out;
	opt.err = err;

	status = scn_run_stream(in, "fuzz.scn", &opt);

	fclose(in);
	fclose(out);
	fclose(err);
	if (status != SCN_EXIT_OK && status != SCN_EXIT_FAILED &&
	    status != SCN_EXIT_MALFORMED)
		broken("an exit status the run does not have", msgs);
	if (strstr(msgs, "internal error"))
		broken("internal error", msgs);
	for (i = 0; i < msgs_len; i++) {
		unsigned char c = (unsigned char)msgs[i];

		if ((c < 0x20 || c > 0x7e) && c != '\n')
			broken("a raw byte in a message", msgs);
	}
	free(msgs);
	return 0;
}
