// SPDX-License-Identifier: MIT
/*
 * The scenario argument kinds: what each accepts, what it rejects, and the
 * words of the message, which the golden scenario tests show to users.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include <mmsim/fault.h>
#include <mmsim/mm.h>

#include "parse.h"

static unsigned long ok(enum scn_arg_kind kind, const char *word)
{
	char err[SCN_ERR_MAX] = "";
	unsigned long val = 0xdeadbeef;

	if (scn_parse_arg(kind, word, &val, err, sizeof(err)))
		fail_msg("'%s' rejected: %s", word, err);
	return val;
}

static void bad(enum scn_arg_kind kind, const char *word, const char *why)
{
	char err[SCN_ERR_MAX] = "";
	unsigned long val;

	assert_int_equal(scn_parse_arg(kind, word, &val, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, why);
}

static void test_number(void **state)
{
	(void)state;
	assert_int_equal(ok(SCN_ARG_NUMBER, "0"), 0);
	assert_int_equal(ok(SCN_ARG_NUMBER, "4096"), 4096);
	assert_int_equal(ok(SCN_ARG_NUMBER, "0x1000"), 0x1000);
	assert_int_equal(ok(SCN_ARG_NUMBER, "0X1f"), 0x1f);
	assert_int_equal(ok(SCN_ARG_NUMBER, "010"), 8);
	assert_true(ok(SCN_ARG_NUMBER, "0xffffffffffffffff") == ULONG_MAX);

	bad(SCN_ARG_NUMBER, "", "bad number ''");
	bad(SCN_ARG_NUMBER, "x", "bad number 'x'");
	bad(SCN_ARG_NUMBER, "0x", "bad number '0x'");
	bad(SCN_ARG_NUMBER, "0x1g", "bad number '0x1g'");
	bad(SCN_ARG_NUMBER, "08", "bad number '08'");
	bad(SCN_ARG_NUMBER, "12k", "bad number '12k'");
	/* strtoul() would take these and wrap or skip. */
	bad(SCN_ARG_NUMBER, "-1", "bad number '-1'");
	bad(SCN_ARG_NUMBER, "+1", "bad number '+1'");
	bad(SCN_ARG_NUMBER, " 1", "bad number ' 1'");
	bad(SCN_ARG_NUMBER, "0x10000000000000000",
	    "number out of range '0x10000000000000000'");
	bad(SCN_ARG_NUMBER, "99999999999999999999",
	    "number out of range '99999999999999999999'");
}

/*
 * A literal's length is no limit: leading zeros add nothing to its value,
 * and only the value can be out of range.  Every character still counts.
 */
static void test_number_long(void **state)
{
	char word[128], why[SCN_ERR_MAX + 128];

	(void)state;
	/* 0x, 100 zeros, 1. */
	snprintf(word, sizeof(word), "0x%0100d", 1);
	assert_int_equal(ok(SCN_ARG_NUMBER, word), 1);
	/* Octal: 0, 100 zeros, 17. */
	snprintf(word, sizeof(word), "0%0101d", 17);
	assert_int_equal(ok(SCN_ARG_NUMBER, word), 017);
	snprintf(word, sizeof(word), "%0120d", 0);
	assert_int_equal(ok(SCN_ARG_NUMBER, word), 0);
	snprintf(word, sizeof(word), "0x%090lx", ULONG_MAX);
	assert_true(ok(SCN_ARG_NUMBER, word) == ULONG_MAX);
	snprintf(word, sizeof(word), "0x%0100d", 1);
	assert_int_equal(ok(SCN_ARG_BYTE, word), 1);
	assert_int_equal(ok(SCN_ARG_PROT, "PROT_READ|0x000000000000000000000000"
					  "00000000000000000000000000000000000"
					  "00000000000000000000000000000004"),
			 PROT_READ | PROT_EXEC);

	/* A long one that does not fit, or is not a number at all. */
	snprintf(word, sizeof(word), "0x%0100d1%016d", 1, 0);
	snprintf(why, sizeof(why), "number out of range '%s'", word);
	bad(SCN_ARG_NUMBER, word, why);
	snprintf(word, sizeof(word), "0x%0100dg", 1);
	snprintf(why, sizeof(why), "bad number '%s'", word);
	bad(SCN_ARG_NUMBER, word, why);
	snprintf(word, sizeof(word), "0%0100d8", 1);
	snprintf(why, sizeof(why), "bad number '%s'", word);
	bad(SCN_ARG_NUMBER, word, why);
}

static void test_prot(void **state)
{
	(void)state;
	assert_int_equal(ok(SCN_ARG_PROT, "PROT_NONE"), PROT_NONE);
	assert_int_equal(ok(SCN_ARG_PROT, "PROT_READ"), PROT_READ);
	assert_int_equal(ok(SCN_ARG_PROT, "PROT_READ|PROT_WRITE|PROT_EXEC"),
			 PROT_READ | PROT_WRITE | PROT_EXEC);
	assert_int_equal(ok(SCN_ARG_PROT, "PROT_NONE|PROT_WRITE"), PROT_WRITE);
	assert_int_equal(ok(SCN_ARG_PROT, "3"), 3);
	assert_int_equal(ok(SCN_ARG_PROT, "PROT_READ|0x10"), 0x11);

	bad(SCN_ARG_PROT, "PROT_RAED", "unknown protection 'PROT_RAED'");
	bad(SCN_ARG_PROT, "PROT_READ|PROT_FOO",
	    "unknown protection 'PROT_FOO'");
	bad(SCN_ARG_PROT, "prot_read", "unknown protection 'prot_read'");
	bad(SCN_ARG_PROT, "PROT_READ|", "bad protection 'PROT_READ|'");
	bad(SCN_ARG_PROT, "|PROT_READ", "bad protection '|PROT_READ'");
	bad(SCN_ARG_PROT, "PROT_READ||PROT_WRITE",
	    "bad protection 'PROT_READ||PROT_WRITE'");
	bad(SCN_ARG_PROT, "PROT_READ|0x1z", "bad number '0x1z'");
	/* A name must be whole: no prefix matches. */
	bad(SCN_ARG_PROT, "PROT_REA", "unknown protection 'PROT_REA'");
	bad(SCN_ARG_PROT, "PROT_READX", "unknown protection 'PROT_READX'");
}

static void test_map_flags(void **state)
{
	(void)state;
	assert_int_equal(ok(SCN_ARG_MAP_FLAGS, "MAP_PRIVATE|MAP_ANONYMOUS"),
			 MAP_PRIVATE | MAP_ANONYMOUS);
	assert_int_equal(ok(SCN_ARG_MAP_FLAGS, "MAP_PRIVATE|MAP_ANON"),
			 MAP_PRIVATE | MAP_ANONYMOUS);
	assert_int_equal(ok(SCN_ARG_MAP_FLAGS,
			    "MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE|"
			    "MAP_NORESERVE|MAP_POPULATE"),
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE |
				 MAP_NORESERVE | MAP_POPULATE);
	assert_int_equal(ok(SCN_ARG_MAP_FLAGS, "MAP_SHARED|MAP_FIXED"),
			 MAP_SHARED | MAP_FIXED);
	assert_int_equal(ok(SCN_ARG_MAP_FLAGS, "0x22"), 0x22);

	bad(SCN_ARG_MAP_FLAGS, "MAP_PRIVATE|MAP_ANONYMUS",
	    "unknown mmap flag 'MAP_ANONYMUS'");
	bad(SCN_ARG_MAP_FLAGS, "PROT_READ", "unknown mmap flag 'PROT_READ'");
	bad(SCN_ARG_MAP_FLAGS, "MAP_PRIVATE|", "bad mmap flag 'MAP_PRIVATE|'");
}

static void test_advice(void **state)
{
	(void)state;
	assert_int_equal(ok(SCN_ARG_ADVICE, "MADV_NORMAL"), MADV_NORMAL);
	assert_int_equal(ok(SCN_ARG_ADVICE, "MADV_RANDOM"), MADV_RANDOM);
	assert_int_equal(ok(SCN_ARG_ADVICE, "MADV_SEQUENTIAL"),
			 MADV_SEQUENTIAL);
	assert_int_equal(ok(SCN_ARG_ADVICE, "MADV_DONTNEED"), MADV_DONTNEED);
	assert_int_equal(ok(SCN_ARG_ADVICE, "MADV_DONTFORK"), MADV_DONTFORK);
	assert_int_equal(ok(SCN_ARG_ADVICE, "MADV_DOFORK"), MADV_DOFORK);
	assert_int_equal(ok(SCN_ARG_ADVICE, "MADV_WIPEONFORK"),
			 MADV_WIPEONFORK);
	assert_int_equal(ok(SCN_ARG_ADVICE, "MADV_KEEPONFORK"),
			 MADV_KEEPONFORK);
	/* Known to Linux, not modelled: passed through for the errno. */
	assert_int_equal(ok(SCN_ARG_ADVICE, "MADV_FREE"), MADV_FREE);
	assert_int_equal(ok(SCN_ARG_ADVICE, "MADV_HUGEPAGE"), MADV_HUGEPAGE);
	assert_int_equal(ok(SCN_ARG_ADVICE, "MADV_GUARD_INSTALL"), 102);
	assert_int_equal(ok(SCN_ARG_ADVICE, "99"), 99);

	bad(SCN_ARG_ADVICE, "MADV_NOTHING", "unknown advice 'MADV_NOTHING'");
	/* One advice at a time: '|' is part of the name. */
	bad(SCN_ARG_ADVICE, "MADV_RANDOM|MADV_DOFORK",
	    "unknown advice 'MADV_RANDOM|MADV_DOFORK'");
	bad(SCN_ARG_ADVICE, "0x80000000", "number out of range '0x80000000'");
}

static void test_access(void **state)
{
	(void)state;
	assert_int_equal(ok(SCN_ARG_ACCESS, "read"), MSIM_ACCESS_READ);
	assert_int_equal(ok(SCN_ARG_ACCESS, "write"), MSIM_ACCESS_WRITE);
	assert_int_equal(ok(SCN_ARG_ACCESS, "exec"), MSIM_ACCESS_EXEC);

	bad(SCN_ARG_ACCESS, "READ", "unknown access 'READ'");
	bad(SCN_ARG_ACCESS, "read|write", "unknown access 'read|write'");
	bad(SCN_ARG_ACCESS, "1", "unknown access '1'");
}

static void test_byte(void **state)
{
	(void)state;
	assert_int_equal(ok(SCN_ARG_BYTE, "0"), 0);
	assert_int_equal(ok(SCN_ARG_BYTE, "0x41"), 0x41);
	assert_int_equal(ok(SCN_ARG_BYTE, "255"), 255);
	assert_int_equal(ok(SCN_ARG_BYTE, "0xff"), 255);
	assert_int_equal(ok(SCN_ARG_BYTE, "0377"), 255);

	bad(SCN_ARG_BYTE, "256", "number out of range '256'");
	bad(SCN_ARG_BYTE, "0x100", "number out of range '0x100'");
	bad(SCN_ARG_BYTE, "0xffffffffffffffff",
	    "number out of range '0xffffffffffffffff'");
	bad(SCN_ARG_BYTE, "0x10000000000000000",
	    "number out of range '0x10000000000000000'");
	bad(SCN_ARG_BYTE, "-1", "bad number '-1'");
	bad(SCN_ARG_BYTE, "'A'", "bad number ''A''");
}

static void test_name(void **state)
{
	(void)state;
	assert_int_equal(ok(SCN_ARG_NAME, "init"), 0);
	assert_int_equal(ok(SCN_ARG_NAME, "child"), 0);
	assert_int_equal(ok(SCN_ARG_NAME, "_"), 0);
	assert_int_equal(ok(SCN_ARG_NAME, "a.1"), 0);
	assert_int_equal(ok(SCN_ARG_NAME, "Worker-2_b"), 0);
	/* Longer than a comm: the scenario's name is its own. */
	assert_int_equal(ok(SCN_ARG_NAME, "a_name_longer_than_task_comm_len"),
			 0);

	/* Not a number or an address, so that a slip is caught. */
	bad(SCN_ARG_NAME, "0x1000", "bad name '0x1000'");
	bad(SCN_ARG_NAME, "1", "bad name '1'");
	bad(SCN_ARG_NAME, "-a", "bad name '-a'");
	bad(SCN_ARG_NAME, ".a", "bad name '.a'");
	bad(SCN_ARG_NAME, "a/b", "bad name 'a/b'");
	bad(SCN_ARG_NAME, "a|b", "bad name 'a|b'");
	bad(SCN_ARG_NAME, "", "bad name ''");
}

static void test_err_truncated(void **state)
{
	char err[16];
	unsigned long val;

	(void)state;
	assert_int_equal(scn_parse_arg(SCN_ARG_NUMBER, "0xnotanumber", &val,
				       err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "bad number '0xn");
}

/* Bytes a message may not show raw are escaped; a long word is cut. */
static void test_quote(void **state)
{
	char buf[SCN_QUOTE_MAX], word[200];

	(void)state;
	assert_string_equal(scn_quote("maps", 4, buf, sizeof(buf)), "maps");
	assert_string_equal(scn_quote("a\0b\x1b\x7f\xe9~", 7, buf, sizeof(buf)),
			    "a\\x00b\\x1b\\x7f\\xe9~");
	/* Exactly as long as fits, and one more. */
	memset(word, 'a', sizeof(word));
	assert_int_equal(
		strlen(scn_quote(word, SCN_QUOTE_MAX - 1, buf, sizeof(buf))),
		SCN_QUOTE_MAX - 1);
	scn_quote(word, SCN_QUOTE_MAX, buf, sizeof(buf));
	assert_int_equal(strlen(buf), SCN_QUOTE_MAX - 1);
	assert_string_equal(buf + SCN_QUOTE_MAX - 4, "...");
	/* An escape is never cut in two. */
	memset(word, '\xff', sizeof(word));
	scn_quote(word, sizeof(word), buf, 12);
	assert_string_equal(buf, "\\xff\\xff...");
	assert_string_equal(scn_quote(word, 1, buf, 3), "");
	assert_string_equal(scn_quote(word, 2, buf, 4), "...");
}

static void test_size(void **state)
{
	unsigned long val;

	(void)state;
	assert_int_equal(scn_parse_size("65536", &val), 0);
	assert_int_equal(val, 65536);
	assert_int_equal(scn_parse_size("0x10000", &val), 0);
	assert_int_equal(val, 65536);
	assert_int_equal(scn_parse_size("64K", &val), 0);
	assert_int_equal(val, 65536);
	assert_int_equal(scn_parse_size("64k", &val), 0);
	assert_int_equal(val, 65536);
	assert_int_equal(scn_parse_size("16M", &val), 0);
	assert_int_equal(val, 16UL << 20);
	assert_int_equal(scn_parse_size("2G", &val), 0);
	assert_int_equal(val, 2UL << 30);

	assert_int_equal(scn_parse_size("", &val), -EINVAL);
	assert_int_equal(scn_parse_size("K", &val), -EINVAL);
	assert_int_equal(scn_parse_size("1T", &val), 0);
	assert_int_equal(val, 1UL << 40);
	assert_int_equal(scn_parse_size("1t", &val), -EINVAL);
	assert_int_equal(scn_parse_size("0x1000000T", &val), -EINVAL);
	assert_int_equal(scn_parse_size("1m", &val), -EINVAL);
	assert_int_equal(scn_parse_size("-1", &val), -EINVAL);
	assert_int_equal(scn_parse_size("1KK", &val), -EINVAL);
	assert_int_equal(scn_parse_size("0x400000000000000G", &val), -EINVAL);

	/* Leading zeros, as for any number. */
	assert_int_equal(scn_parse_size("0x000000000000000000000000000000000000"
					"000000000000000000000000000001K",
					&val),
			 0);
	assert_int_equal(val, 1024);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_number_long),
		cmocka_unit_test(test_prot),
		cmocka_unit_test(test_map_flags),
		cmocka_unit_test(test_advice),
		cmocka_unit_test(test_access),
		cmocka_unit_test(test_byte),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_err_truncated),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
