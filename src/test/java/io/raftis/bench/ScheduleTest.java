package io.raftis.bench;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScheduleTest
{
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void shouldSpaceRequestsEvenlyAtTheRate()
    {
        final long start = 123_456_789L;
        final Schedule schedule = new Schedule(start, 5000, 30 * SECOND, 20);

        assertEquals(150_000, schedule.totalRequests());
        for (long i = 0; i < schedule.totalRequests(); i++)
        {
            assertEquals(start + i * 200_000L, schedule.intendedTimeNs(i));
        }
    }

    @Test
    void shouldRoundIntendedTimesUpWhenTheIntervalIsNotWhole()
    {
        final Schedule schedule = new Schedule(0, 3, 10 * SECOND, 1);

        assertEquals(30, schedule.totalRequests());
        assertEquals(0, schedule.intendedTimeNs(0));
        assertEquals(333_333_334L, schedule.intendedTimeNs(1));
        assertEquals(666_666_667L, schedule.intendedTimeNs(2));
        assertEquals(SECOND, schedule.intendedTimeNs(3));
        assertEquals(9 * SECOND + 666_666_667L, schedule.intendedTimeNs(29));
    }

    @Test
    void shouldCountRequestsDueUpToNow()
    {
        final long start = 1_000_000_000_000L;
        final Schedule schedule = new Schedule(start, 7919, 3 * SECOND, 3);

        assertEquals(0, schedule.dueCount(start - 1));
        assertEquals(1, schedule.dueCount(start));
        for (long i = 1; i < schedule.totalRequests(); i++)
        {
            final long t = schedule.intendedTimeNs(i);
            assertEquals(i, schedule.dueCount(t - 1), "just before request " + i);
            assertEquals(i + 1, schedule.dueCount(t), "at request " + i);
        }
        assertEquals(schedule.totalRequests(), schedule.dueCount(start + 100 * SECOND));
    }

    @Test
    void shouldKeepTheRateOverAnyWindow()
    {
        final long rate = 2000;
        final Schedule schedule = new Schedule(0, rate, 10 * SECOND, 7);

        for (long from = 0; from < 9 * SECOND; from += 37_000_001L)
        {
            final long inOneSecond = schedule.dueCount(from + SECOND - 1) - schedule.dueCount(from - 1);
            assertEquals(rate, inOneSecond, "window from " + from);
        }
    }

    @Test
    void shouldDealRequestsToConnectionsRoundRobin()
    {
        final int connections = 4;
        final Schedule schedule = new Schedule(0, 1000, SECOND, connections);

        for (long due = 0; due <= 23; due++)
        {
            long sum = 0;
            for (int c = 0; c < connections; c++)
            {
                final long count = schedule.dueCountFor(c, due);
                long expected = 0;
                for (long i = 0; i < due; i++)
                {
                    expected += i % connections == c ? 1 : 0;
                }
                assertEquals(expected, count, "connection " + c + " of " + due + " due");
                sum += count;
            }
            assertEquals(due, sum);
        }

        assertEquals(9, schedule.indexOf(1, 2));
        assertEquals(schedule.intendedTimeNs(9), 9_000_000L);
    }

    @Test
    void shouldNotOverflowAtHighRatesAndLongDurations()
    {
        final long hours = 20;
        final Schedule schedule = new Schedule(0, Schedule.MAX_RATE, hours * 3600 * SECOND, 1);

        assertEquals(Schedule.MAX_RATE * hours * 3600, schedule.totalRequests());
        final long last = schedule.totalRequests() - 1;
        assertEquals(hours * 3600 * SECOND - 10, schedule.intendedTimeNs(last));
        assertEquals(schedule.totalRequests(), schedule.dueCount(hours * 3600 * SECOND));
        assertTrue(schedule.intendedTimeNs(last) > schedule.intendedTimeNs(last - 1));
    }

    @Test
    void shouldRejectBadArguments()
    {
        assertThrows(IllegalArgumentException.class, () -> new Schedule(0, 0, SECOND, 1));
        assertThrows(IllegalArgumentException.class, () -> new Schedule(0, Schedule.MAX_RATE + 1, SECOND, 1));
        assertThrows(IllegalArgumentException.class, () -> new Schedule(0, 1, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Schedule(0, 1, SECOND, 0));
    }
}
