package io.raftis.store;

import java.util.Comparator;

/**
 * The partial quicksort Redis's SORT uses when a BY pattern and a LIMIT leave only part of the result wanted: Bentley
 * and McIlroy's quicksort ("Engineering a Sort Function", 1993) that only goes on into the parts overlapping the
 * wanted range. It is not stable, and which of two equal elements comes first follows its exact steps: they are
 * followed here step for step, so that elements that compare equal (an ALPHA sort by weights that are missing or
 * the same) come out in the order Redis gives them.
 */
final class PartialSort
{
    private static final int INSERTION_BELOW = 7;
    private static final int NINTHER_ABOVE = 40;

    private PartialSort()
    {
    }

    /**
     * Sort enough of the elements that positions from to to hold what a full sort would put there.
     *
     * @param elements   to sort in place.
     * @param length     how many, from index 0.
     * @param comparator the order.
     * @param from       first position wanted.
     * @param to         last position wanted, from - 1 when none is.
     * @param <T>        the type of the elements.
     */
    static <T> void sort(
        final T[] elements, final int length, final Comparator<? super T> comparator, final int from, final int to)
    {
        sortRange(elements, 0, length, comparator, from, to);
    }

    private static <T> void sortRange(
        final T[] elements,
        final int start,
        final int count,
        final Comparator<? super T> comparator,
        final int from,
        final int to)
    {
        int lo = start;
        int n = count;
        while (true)
        {
            if (n < INSERTION_BELOW)
            {
                for (int m = lo + 1; m < lo + n; m++)
                {
                    for (int l = m; l > lo && comparator.compare(elements[l - 1], elements[l]) > 0; l--)
                    {
                        swap(elements, l, l - 1);
                    }
                }
                return;
            }
            int middle = lo + n / 2;
            if (n > INSERTION_BELOW)
            {
                int left = lo;
                int right = lo + n - 1;
                if (n > NINTHER_ABOVE)
                {
                    final int d = n / 8;
                    left = median(elements, comparator, left, left + d, left + 2 * d);
                    middle = median(elements, comparator, middle - d, middle, middle + d);
                    right = median(elements, comparator, right - 2 * d, right - d, right);
                }
                middle = median(elements, comparator, left, middle, right);
            }
            swap(elements, lo, middle);

            int equalLow = lo + 1;
            int low = equalLow;
            int high = lo + n - 1;
            int equalHigh = high;
            while (true)
            {
                int c;
                while (low <= high && (c = comparator.compare(elements[low], elements[lo])) <= 0)
                {
                    if (0 == c)
                    {
                        swap(elements, equalLow++, low);
                    }
                    low++;
                }
                while (low <= high && (c = comparator.compare(elements[high], elements[lo])) >= 0)
                {
                    if (0 == c)
                    {
                        swap(elements, high, equalHigh--);
                    }
                    high--;
                }
                if (low > high)
                {
                    break;
                }
                swap(elements, low++, high--);
            }

            final int end = lo + n;
            int r = Math.min(equalLow - lo, low - equalLow);
            swapRuns(elements, lo, low - r, r);
            r = Math.min(equalHigh - high, end - equalHigh - 1);
            swapRuns(elements, low, end - r, r);

            r = low - equalLow;
            if (r > 1 && overlaps(lo, r, from, to))
            {
                sortRange(elements, lo, r, comparator, from, to);
            }
            r = equalHigh - high;
            if (r <= 1 || !overlaps(end - r, r, from, to))
            {
                return;
            }
            lo = end - r;
            n = r;
        }
    }

    /**
     * Whether the part [lo, lo + n) holds any wanted position, as Redis decides it, an empty range (to = from - 1)
     * included.
     */
    private static boolean overlaps(final int lo, final int n, final int from, final int to)
    {
        final int last = lo + n - 1;
        return !((from < lo && to < lo) || (from > last && to > last));
    }

    private static <T> int median(
        final T[] elements, final Comparator<? super T> comparator, final int a, final int b, final int c)
    {
        if (comparator.compare(elements[a], elements[b]) < 0)
        {
            if (comparator.compare(elements[b], elements[c]) < 0)
            {
                return b;
            }
            return comparator.compare(elements[a], elements[c]) < 0 ? c : a;
        }
        if (comparator.compare(elements[b], elements[c]) > 0)
        {
            return b;
        }
        return comparator.compare(elements[a], elements[c]) < 0 ? a : c;
    }

    private static void swap(final Object[] elements, final int i, final int j)
    {
        final Object t = elements[i];
        elements[i] = elements[j];
        elements[j] = t;
    }

    private static void swapRuns(final Object[] elements, final int a, final int b, final int n)
    {
        for (int i = 0; i < n; i++)
        {
            swap(elements, a + i, b + i);
        }
    }
}
