package dev.jbert.core.nn.host;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which inference passes the host set takes by chunks of queries ({@code ScaledDotProductAttentionTest} checks their values). */
class HostAttentionTest {

    @Test
    void localAttentionGoesByChunksOnlyWhereTheWindowIsSmallBesideTheLength() {
        assertTrue(HostAttention.banded(600, 8));
        assertTrue(HostAttention.banded(1000, 40));
        assertFalse(HostAttention.banded(128, 8), "a chunk of 128 queries is the whole sequence");
        assertFalse(HostAttention.banded(600, Integer.MAX_VALUE), "global attention");
    }
}
