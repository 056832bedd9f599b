// SPDX-License-Identifier: MIT
/*
 * The scenario runner reading hostile files: lines of any length, NUL and
 * other control bytes, bytes that are not ASCII.  Each scenario is run
 * from a buffer by scn_run_stream(), its output and its messages caught
 * in memory, so that a test can say exactly what the user would see.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scenario.h"

struct run {
	int status;
	char *out, *err;
	size_t out_len, err_len;
};

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

/* Run @len bytes of @text as the file "t.scn". */
static struct run run_text(const char *text, size_t len)
{
	struct scn_options opt = { .ram_bytes = 16UL << 20 };
	struct run r = { 0 };
	FILE *in = fmemopen((void *)text, len, "r");

	assert_non_null(in);
	opt.out = open_memstream(&r.out, &r.out_len);
	opt.err = open_memstream(&r.err, &r.err_len);
	assert_non_null(opt.out);
	assert_non_null(opt.err);
	r.status = scn_run_stream(in, "t.scn", &opt);
	fclose(in);
	fclose(opt.out);
	fclose(opt.err);
	return r;
}

static struct run run_str(const char *text)
{
	return run_text(text, strlen(text));
}

/* Every message byte is printable ASCII, or the newline that ends it. */
static void assert_printable(const struct run *r)
{
	size_t i;

	for (i = 0; i < r->err_len; i++) {
		unsigned char c = (unsigned char)r->err[i];

		if ((c < 0x20 || c > 0x7e) && c != '\n')
			fail_msg("raw byte 0x%02x in message \"%s\"", c,
				 r->err);
	}
}

/* @n bytes of '#' comment, then a newline, into a new buffer. */
static char *comment_line(size_t n)
{
	char *s = malloc(n + 2);

	assert_non_null(s);
	memset(s, 'x', n);
	s[0] = '#';
	s[n] = '\n';
	s[n + 1] = '\0';
	return s;
}

static void test_line_at_the_limit_runs(void **state)
{
	char *text, *line = comment_line(SCN_LINE_MAX);
	struct run r;

	(void)state;
	text = malloc(strlen(line) + 32);
	assert_non_null(text);
	sprintf(text, "%smaps\n", line);
	r = run_str(text);
	assert_int_equal(r.status, SCN_EXIT_OK);
	assert_string_equal(r.err, "");
	run_free(&r);
	/* The last line needs no newline, and may be as long. */
	line[SCN_LINE_MAX] = '\0';
	r = run_str(line);
	assert_int_equal(r.status, SCN_EXIT_OK);
	assert_string_equal(r.err, "");
	run_free(&r);
	free(text);
	free(line);
}

/* One byte more stops the run there; the lines after it do not run. */
static void test_line_too_long(void **state)
{
	char *text, *line;
	struct run r;
	size_t n;

	(void)state;
	for (n = SCN_LINE_MAX + 1; n <= 3 * SCN_LINE_MAX; n += SCN_LINE_MAX) {
		line = comment_line(n);
		text = malloc(strlen(line) + 128);
		assert_non_null(text);
		sprintf(text,
			"mmap 0x10000000 0x1000 PROT_READ MAP_PRIVATE|"
			"MAP_ANONYMOUS|MAP_FIXED\n%smaps\n",
			line);
		r = run_str(text);
		assert_int_equal(r.status, SCN_EXIT_MALFORMED);
		assert_string_equal(r.err,
				    "t.scn:2: line too long (more than 4096 "
				    "bytes)\n");
		assert_string_equal(r.out, "");
		run_free(&r);
		/* Without a newline at the end of the file too. */
		line[n] = '\0';
		r = run_str(line);
		assert_int_equal(r.status, SCN_EXIT_MALFORMED);
		assert_string_equal(r.err,
				    "t.scn:1: line too long (more than 4096 "
				    "bytes)\n");
		run_free(&r);
		free(text);
		free(line);
	}
}

/*
 * /dev/zero is one endless line: the run must stop at the limit, not
 * read on (in memory that grows with the line, as getline() would).
 */
static void test_dev_zero(void **state)
{
	struct scn_options opt = { .ram_bytes = 16UL << 20 };
	char *err = NULL;
	size_t len = 0;

	(void)state;
	opt.out = fopen("/dev/null", "w");
	opt.err = open_memstream(&err, &len);
	assert_non_null(opt.out);
	assert_non_null(opt.err);
	assert_int_equal(scn_run_file("/dev/zero", &opt), SCN_EXIT_MALFORMED);
	fclose(opt.out);
	fclose(opt.err);
	assert_string_equal(err, "/dev/zero:1: line too long (more than 4096 "
				 "bytes)\n");
	free(err);
}

/*
 * NUL used to end the line where it stood ("maps\0garbage" ran maps);
 * every control byte but tab is a malformed line now, comments included,
 * shown escaped with its column.  Nothing of the line runs.
 */
static void test_control_bytes(void **state)
{
	char text[64], want[128];
	struct run r;
	int c;

	(void)state;
	for (c = 0; c < 0x80; c++) {
		if ((c >= 0x20 && c != 0x7f) || c == '\t' || c == '\n')
			continue;
		memcpy(text, "maps", 4);
		text[4] = (char)c;
		memcpy(text + 5, "garbage\n", 8);
		r = run_text(text, 13);
		assert_int_equal(r.status, SCN_EXIT_MALFORMED);
		snprintf(want, sizeof(want),
			 "t.scn:1: control byte '\\x%02x' at column 5\n", c);
		assert_string_equal(r.err, want);
		assert_string_equal(r.out, "");
		run_free(&r);

		/* In a comment, after a line that ran. */
		memcpy(text, "maps\n# a", 8);
		text[8] = (char)c;
		memcpy(text + 9, "\nmaps\n", 6);
		r = run_text(text, 15);
		assert_int_equal(r.status, SCN_EXIT_MALFORMED);
		/* It ends the line: a carriage return gets the hint. */
		snprintf(want, sizeof(want),
			 "t.scn:2: control byte '\\x%02x' at column 4%s\n", c,
			 c == '\r' ? " (a CRLF line end?)" : "");
		assert_string_equal(r.err, want);
		run_free(&r);
	}
	/* A carriage return that ends the line says what it may be. */
	r = run_str("maps\r\nmaps\r\n");
	assert_int_equal(r.status, SCN_EXIT_MALFORMED);
	assert_string_equal(r.err, "t.scn:1: control byte '\\x0d' at column 5 "
				   "(a CRLF line end?)\n");
	run_free(&r);
	/* A tab is a blank like a space. */
	r = run_str("\tmmap\t0x10000000 0x1000\tPROT_READ\tMAP_PRIVATE|"
		    "MAP_ANONYMOUS|MAP_FIXED\t# ok\t\nmaps\t\n");
	assert_int_equal(r.status, SCN_EXIT_OK);
	assert_string_equal(r.err, "");
	assert_string_equal(r.out,
			    "10000000-10001000 r--p 00000000 00:00 0 \n");
	run_free(&r);
}

/*
 * Bytes above 0x7f may stand in a comment (UTF-8), but a word that holds
 * them is quoted escaped, as every byte that is not printable ASCII.
 */
static void test_messages_escape_bytes(void **state)
{
	struct run r;

	(void)state;
	r = run_str("# d\xc3\xa9j\xc3\xa0 vu: a comment\nm\xc3\xa9map 1 2\n");
	assert_int_equal(r.status, SCN_EXIT_MALFORMED);
	assert_string_equal(r.err,
			    "t.scn:2: unknown command 'm\\xc3\\xa9map'\n");
	assert_printable(&r);
	run_free(&r);

	r = run_str("mmap 0x1\xff 0x1000 PROT_READ MAP_PRIVATE\n");
	assert_int_equal(r.status, SCN_EXIT_MALFORMED);
	assert_string_equal(r.err, "t.scn:1: mmap: bad number '0x1\\xff'\n");
	run_free(&r);

	r = run_str("mprotect 0 0x1000 PROT_READ|PROT_\x80\n");
	assert_int_equal(r.status, SCN_EXIT_MALFORMED);
	assert_string_equal(r.err, "t.scn:1: mprotect: unknown protection "
				   "'PROT_\\x80'\n");
	run_free(&r);

	r = run_str("fork \xfe\n");
	assert_int_equal(r.status, SCN_EXIT_MALFORMED);
	assert_string_equal(r.err, "t.scn:1: fork: bad name '\\xfe'\n");
	run_free(&r);

	r = run_str("madvise 0 0x1000 MADV_\x7e\xf0\n");
	assert_int_equal(r.status, SCN_EXIT_MALFORMED);
	assert_string_equal(r.err,
			    "t.scn:1: madvise: unknown advice 'MADV_~\\xf0'\n");
	run_free(&r);
}

/* A long word is quoted in part, and the message says it was cut. */
static void test_long_word_is_abbreviated(void **state)
{
	char text[3000];
	struct run r;

	(void)state;
	memset(text, '\xe9', sizeof(text) - 2);
	text[sizeof(text) - 2] = '\n';
	text[sizeof(text) - 1] = '\0';
	r = run_str(text);
	assert_int_equal(r.status, SCN_EXIT_MALFORMED);
	assert_printable(&r);
	assert_true(r.err_len < 200);
	assert_non_null(strstr(r.err, "t.scn:1: unknown command '\\xe9\\xe9"));
	assert_non_null(strstr(r.err, "\\xe9...'\n"));
	run_free(&r);
}

/*
 * A file with thread sections is read whole before it runs, once per
 * schedule: the same bounds hold inside its blocks, and a too-long line
 * stops the reading before anything runs.
 */
static void test_thread_sections_are_bounded_too(void **state)
{
	char *line = comment_line(SCN_LINE_MAX + 1), *text;
	struct run r;

	(void)state;
	r = run_str("thread a\n\tmaps\x01\nend\n");
	assert_int_equal(r.status, SCN_EXIT_MALFORMED);
	assert_string_equal(r.err, "t.scn:2: control byte '\\x01' at column "
				   "6\n");
	run_free(&r);

	text = malloc(strlen(line) + 64);
	assert_non_null(text);
	sprintf(text, "thread a\n\tmaps\n%send\n", line);
	r = run_str(text);
	assert_int_equal(r.status, SCN_EXIT_MALFORMED);
	assert_string_equal(r.err, "t.scn:3: line too long (more than 4096 "
				   "bytes)\n");
	assert_string_equal(r.out, "");
	run_free(&r);
	free(text);
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_at_the_limit_runs),
		cmocka_unit_test(test_line_too_long),
		cmocka_unit_test(test_dev_zero),
		cmocka_unit_test(test_control_bytes),
		cmocka_unit_test(test_messages_escape_bytes),
		cmocka_unit_test(test_long_word_is_abbreviated),
		cmocka_unit_test(test_thread_sections_are_bounded_too),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
