/* SPDX-License-Identifier: MIT */
/*
 * DUPLICATED: the kernel's list and hlist API.  <mmsim/list.h> has the
 * part the model itself uses (struct list_head, list_add(), hlist_add_head(),
 * the iterators); this adds the rest, with the kernel's meaning: a
 * deleted entry is poisoned, so that using it afterwards faults.
 */
#ifndef MMSIM_KERNEL_DUP_LIST_H
#define MMSIM_KERNEL_DUP_LIST_H

#include <mmsim/list.h>
#include <mmsim-kernel/dup/compiler.h>

/* Addresses that fault: a deleted entry's links. */
#define LIST_POISON1 ((void *)0x100)
#define LIST_POISON2 ((void *)0x122)

static inline void __list_del(struct list_head *prev, struct list_head *next)
{
	next->prev = prev;
	WRITE_ONCE(prev->next, next);
}

static inline void __list_del_entry(struct list_head *entry)
{
	__list_del(entry->prev, entry->next);
}

static inline void list_del(struct list_head *entry)
{
	__list_del_entry(entry);
	entry->next = LIST_POISON1;
	entry->prev = LIST_POISON2;
}

static inline void list_replace(struct list_head *old, struct list_head *new_)
{
	new_->next = old->next;
	new_->next->prev = new_;
	new_->prev = old->prev;
	new_->prev->next = new_;
}

static inline void list_replace_init(struct list_head *old,
				     struct list_head *new_)
{
	list_replace(old, new_);
	INIT_LIST_HEAD(old);
}

static inline void list_move(struct list_head *list, struct list_head *head)
{
	__list_del_entry(list);
	list_add(list, head);
}

static inline void list_move_tail(struct list_head *list,
				  struct list_head *head)
{
	__list_del_entry(list);
	list_add_tail(list, head);
}

static inline int list_is_first(const struct list_head *list,
				const struct list_head *head)
{
	return list->prev == head;
}

static inline int list_is_last(const struct list_head *list,
			       const struct list_head *head)
{
	return list->next == head;
}

static inline int list_is_head(const struct list_head *list,
			       const struct list_head *head)
{
	return list == head;
}

static inline int list_empty_careful(const struct list_head *head)
{
	struct list_head *next = head->next;

	return next == head && next == head->prev;
}

static inline void __list_splice(const struct list_head *list,
				 struct list_head *prev, struct list_head *next)
{
	struct list_head *first = list->next, *last = list->prev;

	first->prev = prev;
	prev->next = first;
	last->next = next;
	next->prev = last;
}

static inline void list_splice(const struct list_head *list,
			       struct list_head *head)
{
	if (!list_empty(list))
		__list_splice(list, head, head->next);
}

static inline void list_splice_tail(struct list_head *list,
				    struct list_head *head)
{
	if (!list_empty(list))
		__list_splice(list, head->prev, head);
}

static inline void list_splice_init(struct list_head *list,
				    struct list_head *head)
{
	if (!list_empty(list)) {
		__list_splice(list, head, head->next);
		INIT_LIST_HEAD(list);
	}
}

static inline void list_splice_tail_init(struct list_head *list,
					 struct list_head *head)
{
	if (!list_empty(list)) {
		__list_splice(list, head->prev, head);
		INIT_LIST_HEAD(list);
	}
}

static inline void list_rotate_left(struct list_head *head)
{
	if (!list_empty(head))
		list_move_tail(head->next, head);
}

static inline size_t list_count_nodes(struct list_head *head)
{
	struct list_head *pos;
	size_t count = 0;

	for (pos = head->next; pos != head; pos = pos->next)
		count++;
	return count;
}

#define list_last_entry(ptr, type, member) list_entry((ptr)->prev, type, member)
#define list_first_entry_or_null(ptr, type, member)                            \
	({                                                                     \
		struct list_head *msim_head_ = (ptr);                          \
		struct list_head *msim_pos_ = READ_ONCE(msim_head_->next);     \
		msim_pos_ != msim_head_ ? list_entry(msim_pos_, type, member)  \
					: NULL;                                \
	})
#define list_next_entry(pos, member)                                           \
	list_entry((pos)->member.next, __typeof__(*(pos)), member)
#define list_prev_entry(pos, member)                                           \
	list_entry((pos)->member.prev, __typeof__(*(pos)), member)
#define list_entry_is_head(pos, head, member) (&(pos)->member == (head))

#define list_for_each(pos, head)                                               \
	for (pos = (head)->next; pos != (head); pos = pos->next)
#define list_for_each_prev(pos, head)                                          \
	for (pos = (head)->prev; pos != (head); pos = pos->prev)
#define list_for_each_safe(pos, n, head)                                       \
	for (pos = (head)->next, n = pos->next; pos != (head);                 \
	     pos = n, n = pos->next)
#define list_for_each_entry_reverse(pos, head, member)                         \
	for (pos = list_last_entry(head, __typeof__(*pos), member);            \
	     !list_entry_is_head(pos, head, member);                           \
	     pos = list_prev_entry(pos, member))
#define list_for_each_entry_continue(pos, head, member)                        \
	for (pos = list_next_entry(pos, member);                               \
	     !list_entry_is_head(pos, head, member);                           \
	     pos = list_next_entry(pos, member))
#define list_for_each_entry_from(pos, head, member)                            \
	for (; !list_entry_is_head(pos, head, member);                         \
	     pos = list_next_entry(pos, member))
#define list_for_each_entry_safe_reverse(pos, n, head, member)                 \
	for (pos = list_last_entry(head, __typeof__(*pos), member),            \
	    n = list_prev_entry(pos, member);                                  \
	     !list_entry_is_head(pos, head, member);                           \
	     pos = n, n = list_prev_entry(n, member))

static inline void hlist_del(struct hlist_node *n)
{
	__hlist_del(n);
	n->next = LIST_POISON1;
	n->pprev = LIST_POISON2;
}

/* Insert @n before @next, which is on a list. */
static inline void hlist_add_before(struct hlist_node *n,
				    struct hlist_node *next)
{
	n->pprev = next->pprev;
	n->next = next;
	next->pprev = &n->next;
	*(n->pprev) = n;
}

/* Insert @n after @prev, which is on a list. */
static inline void hlist_add_behind(struct hlist_node *n,
				    struct hlist_node *prev)
{
	n->next = prev->next;
	prev->next = n;
	n->pprev = &prev->next;
	if (n->next)
		n->next->pprev = &n->next;
}

static inline void hlist_move_list(struct hlist_head *old,
				   struct hlist_head *new_)
{
	new_->first = old->first;
	if (new_->first)
		new_->first->pprev = &new_->first;
	old->first = NULL;
}

#define hlist_for_each(pos, head)                                              \
	for (pos = (head)->first; pos; pos = pos->next)
#define hlist_for_each_safe(pos, n, head)                                      \
	for (pos = (head)->first; pos && ((n = pos->next), 1); pos = n)

#endif /* MMSIM_KERNEL_DUP_LIST_H */
