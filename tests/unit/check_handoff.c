/* Tests for handoff: one item at a time, in order, to the end. */
#include <pthread.h>
#include <stdint.h>

#include "common/handoff.h"
#include "testutil.h"

#define ITEMS 2000

/* The consumer's side: what it saw, written before handoff_done(). */
struct seen {
	struct handoff ho;
	int values[ITEMS + 1];
	size_t n;
	int how;
};

static void *
consume(void *arg)
{
	struct seen *s = arg;
	int *item;

	while ((item = handoff_take(&s->ho, &s->how))) {
		s->values[s->n++] = *item;
		handoff_done(&s->ho);
	}
	return NULL;
}

START_TEST(test_handoff_delivers_every_item_in_order_then_the_end)
{
	static struct seen s;
	int buf[2];
	pthread_t t;
	int i;

	handoff_init(&s.ho);
	s.n = 0;
	s.how = 0;
	ck_assert_int_eq(pthread_create(&t, NULL, consume, &s), 0);
	/* Two buffers: the producer refills the one not handed over; if
	 * handoff_put() returned before the consumer had done the last,
	 * the consumer would see a value overwritten. */
	for (i = 0; i < ITEMS; i++) {
		buf[i % 2] = i;
		handoff_put(&s.ho, &buf[i % 2]);
	}
	handoff_idle(&s.ho);
	ck_assert_uint_eq(s.n, ITEMS); /* visible once idle */
	handoff_end(&s.ho, -1);
	pthread_join(t, NULL);
	handoff_destroy(&s.ho);
	for (i = 0; i < ITEMS; i++)
		ck_assert_int_eq(s.values[i], i);
	ck_assert_int_eq(s.how, -1);
}
END_TEST

START_TEST(test_handoff_gives_the_last_item_before_the_end)
{
	static struct seen s;
	int last = 7;
	pthread_t t;

	handoff_init(&s.ho);
	s.n = 0;
	handoff_put(&s.ho, &last); /* before the consumer runs */
	handoff_end(&s.ho, 1);
	ck_assert_int_eq(pthread_create(&t, NULL, consume, &s), 0);
	pthread_join(t, NULL);
	handoff_destroy(&s.ho);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_int_eq(s.values[0], 7);
	ck_assert_int_eq(s.how, 1);
}
END_TEST

Suite *
handoff_suite(void)
{
	Suite *s = suite_create("handoff");
	TCase *tc = tcase_create("threads");

	tcase_add_test(tc,
	               test_handoff_delivers_every_item_in_order_then_the_end);
	tcase_add_test(tc, test_handoff_gives_the_last_item_before_the_end);
	suite_add_tcase(s, tc);
	return s;
}
