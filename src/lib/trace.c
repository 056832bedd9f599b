// SPDX-License-Identifier: MIT
/*
 * The event recorder (trace.h).
 *
 * The whole recorder is one anonymous shared mapping: a header, the
 * thread names, then the ring.  Shared, so that a process forked while
 * it records (a worker of the explorer running a replay) writes into the
 * same ring the caller reads; everything an event says is copied into its
 * slot, never pointed to.
 *
 * Writers take a slot with one atomic increment of the head and publish
 * it by storing its sequence number last, with release order: a reader
 * (after the writers are done) takes a slot whose number is not the one
 * it expects for a slot a writer never finished, and skips it.  The ring
 * keeps the newest events: slot i % size holds event i.
 *
 * Off, every site costs a load of msim_trace_active and a branch: the
 * flag is a plain int read with no ordering, set and cleared by whoever
 * starts and stops the recorder while nothing else is meant to record.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <mmsim/thread_info.h>
#include <mmsim/trace.h>

#define MAX_EVENTS (1UL << 26)

int msim_trace_active;

struct msim_trace {
	size_t map_size;
	unsigned long size;
	uint64_t head; /* events ever written; atomic */
	uint64_t step; /* atomic */
	uint64_t t0;
	bool started;
	int names_lock; /* atomic: a spinlock, across processes too */
	unsigned int nthreads;
	char names[MSIM_TRACE_MAX_THREADS][MSIM_TRACE_NAME];
	char title[256];
	struct msim_trace_event ev[];
};

static struct msim_trace *active;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void copy_name(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

struct msim_trace *msim_trace_create(const struct msim_trace_opts *opts)
{
	unsigned long n =
		opts && opts->events ? opts->events : MSIM_TRACE_DEFAULT_EVENTS;
	struct msim_trace *t;
	size_t size;

	if (n > MAX_EVENTS) {
		errno = EINVAL;
		return NULL;
	}
	size = sizeof(*t) + n * sizeof(struct msim_trace_event);
	t = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (t == MAP_FAILED) {
		errno = ENOMEM;
		return NULL;
	}
	t->map_size = size;
	t->size = n;
	t->step = MSIM_TRACE_NO_STEP;
	copy_name(t->names[0], sizeof(t->names[0]),
		  opts && opts->host ? opts->host : "main");
	t->nthreads = 1;
	copy_name(t->title, sizeof(t->title),
		  opts && opts->title ? opts->title : "mmsim");
	return t;
}

void msim_trace_destroy(struct msim_trace *t)
{
	if (!t)
		return;
	msim_trace_stop(t);
	munmap(t, t->map_size);
}

void msim_trace_start(struct msim_trace *t)
{
	if (!t)
		return;
	if (!t->started) {
		t->t0 = now_ns();
		t->started = true;
	}
	__atomic_store_n(&active, t, __ATOMIC_RELEASE);
	msim_trace_active = 1;
}

void msim_trace_stop(struct msim_trace *t)
{
	if (__atomic_load_n(&active, __ATOMIC_ACQUIRE) != t)
		return;
	msim_trace_active = 0;
	__atomic_store_n(&active, NULL, __ATOMIC_RELEASE);
}

/*
 * Only the slots written are zeroed: the ring's pages that were never
 * touched stay untouched, so that clearing a large ring costs what it
 * held, not its size.
 */
void msim_trace_clear(struct msim_trace *t)
{
	uint64_t head = __atomic_exchange_n(&t->head, 0, __ATOMIC_RELAXED);

	memset(t->ev, 0, (head < t->size ? head : t->size) * sizeof(t->ev[0]));
}

bool msim_trace_recording(void)
{
	return msim_trace_active;
}

/* Pack up to three strings into @dst, each cut to fit what is left. */
static void pack_strings(char *dst, const char *const s[3])
{
	size_t off = 0;
	int i, last = -1;

	for (i = 0; i < 3; i++)
		if (s[i] && *s[i])
			last = i;
	for (i = 0; i <= last && off < MSIM_TRACE_STR; i++) {
		const char *p = s[i] ? s[i] : "";
		size_t room = MSIM_TRACE_STR - off - 1;
		size_t n = strlen(p);

		/* Leave room for the strings after this one. */
		if (i < last && room > (size_t)(last - i) * 16)
			room -= (size_t)(last - i) * 16;
		if (n > room) {
			/* Cut, and say so. */
			n = room;
			memcpy(dst + off, p, n);
			if (n >= 3)
				memcpy(dst + off + n - 3, "...", 3);
		} else {
			memcpy(dst + off, p, n);
		}
		dst[off + n] = '\0';
		off += n + 1;
	}
	if (off < MSIM_TRACE_STR)
		memset(dst + off, 0, MSIM_TRACE_STR - off);
}

void msim_trace_emit(enum msim_trace_kind kind,
		     const struct msim_trace_args *args)
{
	struct msim_trace *t = __atomic_load_n(&active, __ATOMIC_ACQUIRE);
	struct msim_trace_event *e;
	uint64_t i;

	if (!t)
		return;
	i = __atomic_fetch_add(&t->head, 1, __ATOMIC_RELAXED);
	e = &t->ev[i % t->size];
	__atomic_store_n(&e->seq, 0, __ATOMIC_RELAXED);
	e->ns = now_ns() - t->t0;
	e->step = __atomic_load_n(&t->step, __ATOMIC_RELAXED);
	memcpy(e->a, args->a, sizeof(e->a));
	e->kind = (uint16_t)kind;
	e->tid = (uint16_t)msim_current_thread_info()->trace_tid;
	e->reserved = 0;
	pack_strings(e->s, args->s);
	__atomic_store_n(&e->seq, i + 1, __ATOMIC_RELEASE);
}

void msim_trace_mark(unsigned long line, const char *fmt, ...)
{
	char text[2 * MSIM_TRACE_STR]; /* longer than fits: cut with "..." */
	va_list ap;

	if (!msim_trace_on())
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	msim_trace(MSIM_TRACE_MARK, .s = { text }, .a = { line });
}

static void names_lock(struct msim_trace *t)
{
	while (__atomic_exchange_n(&t->names_lock, 1, __ATOMIC_ACQUIRE))
		;
}

static void names_unlock(struct msim_trace *t)
{
	__atomic_store_n(&t->names_lock, 0, __ATOMIC_RELEASE);
}

unsigned int msim_trace_thread(const char *name)
{
	struct msim_trace *t = __atomic_load_n(&active, __ATOMIC_ACQUIRE);
	char key[MSIM_TRACE_NAME];
	unsigned int i;

	if (!t)
		return 0;
	copy_name(key, sizeof(key), name);
	names_lock(t);
	for (i = 1; i < t->nthreads; i++)
		if (!strcmp(t->names[i], key))
			break;
	if (i == t->nthreads) {
		if (i < MSIM_TRACE_MAX_THREADS) {
			memcpy(t->names[i], key, sizeof(key));
			t->nthreads++;
		} else {
			i = MSIM_TRACE_MAX_THREADS - 1;
			copy_name(t->names[i], sizeof(t->names[i]),
				  "(more threads)");
		}
	}
	names_unlock(t);
	return i;
}

unsigned int msim_trace_set_thread(unsigned int tid)
{
	struct msim_thread_info *ti = msim_current_thread_info();
	unsigned int old = ti->trace_tid;

	ti->trace_tid = tid;
	return old;
}

void msim_trace_set_step(uint64_t step)
{
	struct msim_trace *t = __atomic_load_n(&active, __ATOMIC_ACQUIRE);

	if (t)
		__atomic_store_n(&t->step, step, __ATOMIC_RELAXED);
}

/*
 * Names of objects, process-wide and independent of any recorder, so
 * that what was named before recording began is named in the record.
 */
#define MAX_NAMED 256
static struct {
	const void *obj;
	bool instrument;
	char name[MSIM_TRACE_NAME];
} named[MAX_NAMED];
static pthread_mutex_t named_lock = PTHREAD_MUTEX_INITIALIZER;

static void name_object(const void *obj, const char *name, bool instrument)
{
	int i, free_slot = -1;

	if (!obj)
		return;
	pthread_mutex_lock(&named_lock);
	for (i = 0; i < MAX_NAMED; i++) {
		if (named[i].obj == obj)
			break;
		if (!named[i].obj && free_slot < 0)
			free_slot = i;
	}
	if (i == MAX_NAMED)
		i = free_slot;
	if (i >= 0) {
		named[i].obj = obj;
		named[i].instrument = instrument;
		copy_name(named[i].name, sizeof(named[i].name), name);
	}
	pthread_mutex_unlock(&named_lock);
}

void msim_trace_name_object(const void *obj, const char *name)
{
	name_object(obj, name, false);
}

void msim_trace_name_instrument(const void *obj, const char *name)
{
	name_object(obj, name, true);
}

bool msim_trace_object_is_instrument(const void *obj)
{
	bool ret = false;
	int i;

	pthread_mutex_lock(&named_lock);
	for (i = 0; obj && i < MAX_NAMED; i++) {
		if (named[i].obj == obj) {
			ret = named[i].instrument;
			break;
		}
	}
	pthread_mutex_unlock(&named_lock);
	return ret;
}

void msim_trace_forget_object(const void *obj)
{
	int i;

	pthread_mutex_lock(&named_lock);
	for (i = 0; i < MAX_NAMED; i++)
		if (named[i].obj == obj)
			named[i].obj = NULL;
	pthread_mutex_unlock(&named_lock);
}

const char *msim_trace_object_name(const void *obj)
{
	const char *name = "";
	int i;

	pthread_mutex_lock(&named_lock);
	for (i = 0; obj && i < MAX_NAMED; i++) {
		if (named[i].obj == obj) {
			name = named[i].name;
			break;
		}
	}
	pthread_mutex_unlock(&named_lock);
	return name;
}

unsigned long msim_trace_count(const struct msim_trace *t)
{
	uint64_t head = __atomic_load_n(&t->head, __ATOMIC_ACQUIRE);

	return head < t->size ? head : t->size;
}

unsigned long msim_trace_dropped(const struct msim_trace *t)
{
	uint64_t head = __atomic_load_n(&t->head, __ATOMIC_ACQUIRE);

	return head > t->size ? head - t->size : 0;
}

unsigned long msim_trace_capacity(const struct msim_trace *t)
{
	return t->size;
}

const struct msim_trace_event *msim_trace_get(const struct msim_trace *t,
					      unsigned long i)
{
	uint64_t head = __atomic_load_n(&t->head, __ATOMIC_ACQUIRE);
	uint64_t first = head > t->size ? head - t->size : 0;
	const struct msim_trace_event *e;

	if (i >= head - first)
		return NULL;
	e = &t->ev[(first + i) % t->size];
	if (__atomic_load_n(&e->seq, __ATOMIC_ACQUIRE) != first + i + 1)
		return NULL;
	return e;
}

const char *msim_trace_str(const struct msim_trace_event *e, unsigned int i)
{
	const char *p = e->s, *end = e->s + MSIM_TRACE_STR;

	for (; i && p < end; i--)
		p += strnlen(p, (size_t)(end - p)) + 1;
	return p < end ? p : "";
}

unsigned int msim_trace_nr_threads(const struct msim_trace *t)
{
	return t->nthreads;
}

const char *msim_trace_thread_name(const struct msim_trace *t, unsigned int tid)
{
	return tid < t->nthreads ? t->names[tid] : "?";
}

const char *msim_trace_title(const struct msim_trace *t)
{
	return t->title;
}
