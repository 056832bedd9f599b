// SPDX-License-Identifier: MIT
/*
 * The kernel tree's infrastructure: kmalloc() and friends charged to the
 * current machine and failure-injectable, the locks, atomic_t and
 * refcount_t, wait queues and completions, RCU and the RCU lists,
 * jiffies, printk(), and the WARN and BUG reports.
 */
#include <sys/wait.h>

#include "mmsim_kernel_test.h"

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

static long kmallocs(struct tt *t)
{
	return msim_live(t->m, MSIM_ALLOC_KMALLOC);
}

static void test_kmalloc_is_charged_and_can_fail(void **state)
{
	struct tt *t = *state;
	char *p, *q;
	int *v;

	p = kmalloc(100, GFP_KERNEL);
	assert_non_null(p);
	assert_int_equal(kmallocs(t), 1);
	assert_int_equal(ksize(p), 100);
	memset(p, 'x', 100);
	q = krealloc(p, 4000, GFP_KERNEL | __GFP_ZERO);
	assert_non_null(q);
	assert_int_equal(q[99], 'x');
	assert_int_equal(q[3999], 0);
	assert_int_equal(kmallocs(t), 1);
	v = kcalloc(10, sizeof(*v), GFP_KERNEL);
	assert_non_null(v);
	assert_int_equal(v[9], 0);
	assert_int_equal(kmallocs(t), 2);
	kfree(v);
	kvfree(q);
	assert_int_equal(kmallocs(t), 0);

	/* As every allocation of the model, any one can be made to fail. */
	msim_fail_nth(t->m, 1U << MSIM_ALLOC_KMALLOC, 2);
	p = kzalloc(8, GFP_KERNEL);
	assert_non_null(p);
	assert_null(vmalloc(8));
	q = kvzalloc(8, GFP_KERNEL);
	assert_non_null(q);
	kfree(p);
	vfree(q);
	/* kmalloc(0) hands out ZERO_SIZE_PTR; kfree() takes it and NULL. */
	p = kmalloc(0, GFP_KERNEL);
	assert_ptr_equal(p, ZERO_SIZE_PTR);
	kfree(p);
	kfree(NULL);
	/* An overflowing array is refused, not wrapped. */
	assert_null(kmalloc_array(SIZE_MAX / 2, 4, GFP_KERNEL));
	assert_int_equal(kmallocs(t), 0);
}

/*
 * kfree() gives the memory back to the machine it came from, whatever
 * machine is current then.
 */
static void test_kfree_charges_the_allocating_machine(void **state)
{
	struct tt *t = *state;
	struct msim_machine_config cfg = { .ram_bytes = 16 * MiB };
	struct msim_machine *other = msim_machine_create(&cfg);
	struct task_struct *tsk;
	char *p;

	assert_false(IS_ERR(other));
	tsk = msim_task_create(other, "other");
	assert_false(IS_ERR(tsk));
	msim_set_current(tsk);
	p = kstrdup("elsewhere", GFP_KERNEL);
	assert_non_null(p);
	assert_int_equal(msim_live(other, MSIM_ALLOC_KMALLOC), 1);
	assert_int_equal(kmallocs(t), 0);
	msim_set_current(t->task[0]);
	kfree(p);
	assert_int_equal(msim_live(other, MSIM_ALLOC_KMALLOC), 0);
	msim_task_put(tsk);
	assert_int_equal(msim_machine_destroy(other), 0);
}

static void test_kmem_cache(void **state)
{
	struct tt *t = *state;
	struct kmem_cache *cache = kmem_cache_create("test", 48, 0, 0, NULL);
	void *a, *b;

	assert_non_null(cache);
	a = kmem_cache_zalloc(cache, GFP_KERNEL);
	b = kmem_cache_alloc(cache, GFP_KERNEL);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(ksize(a), 48);
	kmem_cache_free(cache, a);
	kmem_cache_free(cache, b);
	kmem_cache_destroy(cache);
	assert_int_equal(kmallocs(t), 0);
}

static void test_locks(void **state)
{
	DEFINE_MUTEX(m);
	DEFINE_SPINLOCK(s);
	DECLARE_RWSEM(sem);
	unsigned long flags;
	struct mutex dyn;

	(void)state;
	mutex_lock(&m);
	assert_true(mutex_is_locked(&m));
	assert_false(mutex_trylock(&m));
	lockdep_assert_held(&m);
	mutex_unlock(&m);
	assert_true(mutex_trylock(&m));
	mutex_unlock(&m);
	spin_lock_irqsave(&s, flags);
	assert_int_equal(flags, 0);
	assert_false(spin_trylock(&s));
	spin_unlock_irqrestore(&s, flags);
	assert_true(spin_trylock(&s));
	spin_unlock(&s);
	down_read(&sem);
	assert_true(down_read_trylock(&sem));
	assert_false(down_write_trylock(&sem));
	up_read(&sem);
	up_read(&sem);
	mutex_init(&dyn);
	mutex_lock(&dyn);
	mutex_unlock(&dyn);
	mutex_destroy(&dyn);
}

static void test_atomic_and_refcount(void **state)
{
	atomic_t a = ATOMIC_INIT(5);
	atomic_long_t l = ATOMIC_LONG_INIT(0);
	refcount_t r = REFCOUNT_INIT(1);
	unsigned long warnings = msim_kernel_warnings();

	(void)state;
	/* The kernel's argument order, not C11's. */
	assert_int_equal(atomic_fetch_add(2, &a), 5);
	assert_int_equal(atomic_read(&a), 7);
	assert_int_equal(atomic_sub_return(7, &a), 0);
	assert_false(atomic_inc_not_zero(&a));
	assert_int_equal(atomic_cmpxchg(&a, 0, 3), 0);
	assert_int_equal(atomic_xchg(&a, 9), 3);
	assert_true(atomic_dec_and_test(&(atomic_t)ATOMIC_INIT(1)));
	atomic_long_add(1L << 40, &l);
	assert_int_equal(atomic_long_read(&l), 1L << 40);

	refcount_inc(&r);
	assert_int_equal(refcount_read(&r), 2);
	assert_false(refcount_dec_and_test(&r));
	assert_true(refcount_dec_and_test(&r));
	/* Zero: an increment is a use-after-free, warned about. */
	refcount_inc(&r);
	assert_int_equal(msim_kernel_warnings(), warnings + 1);
	assert_true(kt_logged("refcount_t: addition on 0"));
	assert_false(refcount_inc_not_zero(&(refcount_t)REFCOUNT_INIT(0)));
}

static int warn_hook_calls;
static int warn_hook_line;

static void warn_hook(const char *file, int line, void *arg)
{
	(void)file;
	(void)arg;
	warn_hook_calls++;
	warn_hook_line = line;
}

static void test_warn_prints_counts_and_hooks(void **state)
{
	unsigned long warnings = msim_kernel_warnings();
	int line, i;

	(void)state;
	msim_kernel_set_warn_hook(warn_hook, NULL);
	assert_false(WARN_ON(1 + 1 == 3));
	line = __LINE__ + 1;
	assert_true(WARN_ON(1 + 1 == 2));
	assert_int_equal(msim_kernel_warnings(), warnings + 1);
	assert_int_equal(warn_hook_calls, 1);
	assert_int_equal(warn_hook_line, line);
	{
		char where[128];

		snprintf(where, sizeof(where), "WARNING: at %s:%d: 1 + 1 == 2",
			 __FILE__, line);
		assert_true(kt_logged(where));
	}
	for (i = 0; i < 3; i++)
		WARN_ON_ONCE(i >= 0);
	assert_int_equal(msim_kernel_warnings(), warnings + 2);
	assert_true(WARN(true, "value %d", 42));
	assert_true(kt_logged("value 42"));
	msim_kernel_set_warn_hook(NULL, NULL);
}

/* A BUG ends the run: shown in a child process, which aborts. */
static void test_bug_on_ends_the_run(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		msim_printk_set_sink(NULL, NULL);
		BUG_ON(sizeof(long) > 1);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

struct waiter {
	wait_queue_head_t wq;
	struct completion done;
	int flag;
	bool woke;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;

	wait_event(w->wq, READ_ONCE(w->flag) == 2);
	WRITE_ONCE(w->woke, true);
	complete(&w->done);
	return NULL;
}

static void test_wait_queues_and_completions(void **state)
{
	struct waiter w = { .flag = 0 };
	pthread_t thr;
	unsigned long t0;

	(void)state;
	init_waitqueue_head(&w.wq);
	init_completion(&w.done);
	assert_int_equal(pthread_create(&thr, NULL, wait_thread, &w), 0);
	WRITE_ONCE(w.flag, 1);
	wake_up(&w.wq);
	/* Not its condition: it sleeps on. */
	assert_int_equal(wait_for_completion_timeout(&w.done, 2), 0);
	assert_false(READ_ONCE(w.woke));
	WRITE_ONCE(w.flag, 2);
	wake_up_all(&w.wq);
	wait_for_completion(&w.done);
	assert_true(READ_ONCE(w.woke));
	assert_int_equal(pthread_join(thr, NULL), 0);
	assert_false(try_wait_for_completion(&w.done));
	complete_all(&w.done);
	assert_true(try_wait_for_completion(&w.done));
	assert_true(completion_done(&w.done));
	reinit_completion(&w.done);
	assert_false(completion_done(&w.done));

	/* A timeout in jiffies, and the jiffies left when it came true. */
	t0 = jiffies;
	assert_int_equal(wait_event_timeout(w.wq, w.flag == 3, 3), 0);
	assert_true(time_after_eq(jiffies, t0 + 3));
	assert_true(wait_event_timeout(w.wq, w.flag == 2, HZ) > 0);
	msim_destroy_waitqueue_head(&w.done.wait);
	msim_destroy_waitqueue_head(&w.wq);
}

static void test_jiffies(void **state)
{
	unsigned long j = jiffies;

	(void)state;
	/* Five minutes from wrapping at start, as the kernel's. */
	assert_true(time_after_eq(j, INITIAL_JIFFIES));
	assert_true(
		time_after(INITIAL_JIFFIES + 300 * HZ + 1, INITIAL_JIFFIES));
	assert_true(time_before(ULONG_MAX - 5, 5UL));
	assert_int_equal(msecs_to_jiffies(1000), HZ);
	assert_int_equal(msecs_to_jiffies(1), 1);
	assert_int_equal(jiffies_to_msecs(HZ), 1000);
	msleep(20);
	assert_true(time_after_eq(jiffies, j + 1));
}

/* RCU: readers, grace periods, callbacks and the RCU list. */
struct item {
	int value;
	struct list_head node;
	struct rcu_head rcu;
};

static LIST_HEAD(items);
static int rcu_freed;

static void item_free_cb(struct rcu_head *head)
{
	kfree(container_of(head, struct item, rcu));
	rcu_freed++;
}

struct reader {
	atomic_t in, release;
	int sum;
};

static void *rcu_reader(void *arg)
{
	struct reader *r = arg;
	struct item *it;

	rcu_read_lock();
	atomic_set(&r->in, 1);
	while (!atomic_read(&r->release))
		sched_yield();
	list_for_each_entry_rcu(it, &items, node) r->sum += it->value;
	rcu_read_unlock();
	return NULL;
}

struct syncer {
	atomic_t done;
};

static void *rcu_syncer(void *arg)
{
	struct syncer *s = arg;

	synchronize_rcu();
	atomic_set(&s->done, 1);
	return NULL;
}

static void test_rcu(void **state)
{
	struct tt *t = *state;
	struct reader r = { 0 };
	struct syncer s = { 0 };
	struct item *a = kzalloc(sizeof(*a), GFP_KERNEL);
	struct item *b = kzalloc(sizeof(*b), GFP_KERNEL);
	struct item *c = kzalloc(sizeof(*c), GFP_KERNEL);
	pthread_t rt, st;

	assert_true(a && b && c);
	a->value = 1;
	b->value = 2;
	c->value = 4;
	list_add_tail_rcu(&a->node, &items);
	list_add_tail_rcu(&b->node, &items);
	list_add_tail_rcu(&c->node, &items);

	/* The reader is in its section before b is unlinked. */
	assert_int_equal(pthread_create(&rt, NULL, rcu_reader, &r), 0);
	while (!atomic_read(&r.in))
		sched_yield();
	list_del_rcu(&b->node);
	assert_int_equal(pthread_create(&st, NULL, rcu_syncer, &s), 0);
	msleep(30);
	/* The grace period waits for the reader. */
	assert_int_equal(atomic_read(&s.done), 0);
	atomic_set(&r.release, 1);
	assert_int_equal(pthread_join(rt, NULL), 0);
	assert_int_equal(pthread_join(st, NULL), 0);
	assert_int_equal(atomic_read(&s.done), 1);
	/* It walked on from wherever it stood: a and c, or all three. */
	assert_true(r.sum == 5 || r.sum == 7);
	kfree(b);

	/* call_rcu(): after a grace period; kfree_rcu(): the same. */
	list_del_rcu(&a->node);
	call_rcu(&a->rcu, item_free_cb);
	list_del_rcu(&c->node);
	kfree_rcu(c, rcu);
	rcu_barrier();
	assert_int_equal(rcu_freed, 1);
	assert_int_equal(kmallocs(t), 0);
	assert_true(list_empty(&items));
}

/* The rest of the list API, with its poisoning. */
static void test_lists(void **state)
{
	struct item v[4];
	struct list_head *pos;
	struct item *it, *n;
	LIST_HEAD(head);
	LIST_HEAD(other);
	int i, sum = 0;

	(void)state;
	for (i = 0; i < 4; i++) {
		v[i].value = i;
		list_add_tail(&v[i].node, &head);
	}
	assert_int_equal(list_count_nodes(&head), 4);
	assert_ptr_equal(list_last_entry(&head, struct item, node), &v[3]);
	list_move(&v[3].node, &head);
	assert_ptr_equal(list_first_entry(&head, struct item, node), &v[3]);
	list_for_each_entry_reverse(it, &head, node) sum = sum * 10 + it->value;
	assert_int_equal(sum, 2103);
	list_del(&v[0].node);
	assert_ptr_equal(v[0].node.next, LIST_POISON1);
	list_splice_init(&head, &other);
	assert_true(list_empty(&head));
	i = 0;
	list_for_each(pos, &other) i++;
	assert_int_equal(i, 3);
	list_for_each_entry_safe(it, n, &other, node)
		list_del_init(&it->node);
	assert_true(list_empty(&other));
	assert_null(list_first_entry_or_null(&other, struct item, node));
}

static void test_printk_levels(void **state)
{
	(void)state;
	kt_log_clear();
	pr_info("hello %d\n", 7);
	pr_debug("not printed without DEBUG %d\n", 8);
	assert_true(kt_logged("hello 7"));
	assert_false(kt_logged("not printed"));
	printk(KERN_ERR "an error\n");
	assert_true(kt_logged("an error"));
	assert_false(kt_logged("\001"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		kt_test(test_kmalloc_is_charged_and_can_fail),
		kt_test(test_kfree_charges_the_allocating_machine),
		kt_test(test_kmem_cache),
		kt_test(test_locks),
		kt_test(test_atomic_and_refcount),
		kt_test(test_warn_prints_counts_and_hooks),
		kt_test(test_bug_on_ends_the_run),
		kt_test(test_wait_queues_and_completions),
		kt_test(test_jiffies),
		kt_test(test_rcu),
		kt_test(test_lists),
		kt_test(test_printk_levels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
