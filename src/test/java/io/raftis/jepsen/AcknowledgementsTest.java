package io.raftis.jepsen;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.raftis.jepsen.Operation.read;
import static io.raftis.jepsen.Operation.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AcknowledgementsTest
{
    @Test
    void shouldFindAKeyOfNothingButErrorsShortThoughItsHistoryIsLinearizable()
    {
        final History history = new History(List.of(
            write(0, "a", "1", 0, 10).withOutcome(Operation.Outcome.FAILED),
            write(1, "a", "2", 5, 15).withOutcome(Operation.Outcome.INFO),
            read(0, "a", null, 20, 30).withOutcome(Operation.Outcome.FAILED),
            write(0, "b", "3", 0, 10),
            read(1, "b", "3", 20, 30)));
        assertTrue(LinearizabilityChecker.check(history).linearizable());

        final List<Acknowledgements.Count> counts = Acknowledgements.count(history, List.of("a", "b", "c"), 2);

        assertEquals(List.of(
            new Acknowledgements.Count("a", 0, 0),
            new Acknowledgements.Count("b", 1, 1),
            new Acknowledgements.Count("c", 0, 0)), counts);
        assertEquals(List.of(counts.get(0), counts.get(2)), Acknowledgements.shortOf(counts, 1, 1));
        assertEquals(List.of(), Acknowledgements.shortOf(counts, 0, 0));
        assertEquals(counts.get(0), Acknowledgements.fewest(counts));
    }

    @Test
    void shouldCountOnlyTheOperationsOfTheGivenClients()
    {
        final History history = new History(List.of(
            write(0, "a", "1", 0, 10),
            read(2, "a", "1", 20, 30)));

        assertEquals(List.of(new Acknowledgements.Count("a", 1, 0)), Acknowledgements.count(history, List.of("a"), 2));
    }
}
