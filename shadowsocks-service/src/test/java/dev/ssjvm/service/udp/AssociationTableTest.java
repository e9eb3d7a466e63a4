package dev.ssjvm.service.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The bounded association table: who is closed when, and who is only forgotten. */
class AssociationTableTest {
    private final List<String> closed = new ArrayList<>();
    private final AssociationTable<String, String> table = new AssociationTable<>(2, closed::add);

    @Test
    void aFullTableClosesTheLeastRecentlyUsedToMakeRoom() {
        table.put("a", "A");
        table.put("b", "B");
        assertThat(table.get("a")).isEqualTo("A"); // a lookup makes "a" the most recently used

        table.put("c", "C");

        assertThat(closed).containsExactly("B");
        assertThat(table.get("b")).isNull();
        assertThat(table.get("a")).isEqualTo("A");
        assertThat(table.get("c")).isEqualTo("C");
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void puttingAKeyThatIsThereEvictsNothing() {
        table.put("a", "A");
        table.put("b", "B");

        table.put("a", "A2");

        assertThat(closed).isEmpty();
        assertThat(table.get("a")).isEqualTo("A2");
        assertThat(table.get("b")).isEqualTo("B");
    }

    @Test
    void removeForgetsOnlyTheSameAssociationAndClosesNothing() {
        table.put("a", "A");

        table.remove("a", "an older association under the same key");
        assertThat(table.get("a")).isEqualTo("A");
        assertThat(table.size()).isEqualTo(1);

        table.remove("a", "A");
        assertThat(table.get("a")).isNull();
        assertThat(table.size()).isZero();
        assertThat(closed).as("it closed by itself; the table only forgets it").isEmpty();
    }

    @Test
    void closeIfClosesAndForgetsTheMatchingOnly() {
        AssociationTable<String, String> big = new AssociationTable<>(10, closed::add);
        big.put("1", "alice-1");
        big.put("2", "bob-1");
        big.put("3", "alice-2");

        big.closeIf(v -> v.startsWith("alice"));

        assertThat(closed).containsExactlyInAnyOrder("alice-1", "alice-2");
        assertThat(big.size()).isEqualTo(1);
        assertThat(big.get("2")).isEqualTo("bob-1");
        assertThat(big.get("1")).isNull();
    }

    @Test
    void anAssociationThatForgetsItselfWhenClosedDoesNotDisturbTheTable() {
        // as a real association does: closing it runs its close callback, which calls remove
        List<String> order = new ArrayList<>();
        AtomicReference<AssociationTable<String, String>> self = new AtomicReference<>();
        AssociationTable<String, String> forgetting = new AssociationTable<>(2, v -> {
            order.add(v);
            self.get().remove(v.toLowerCase(Locale.ROOT), v);
        });
        self.set(forgetting);
        forgetting.put("a", "A");
        forgetting.put("b", "B");

        forgetting.put("c", "C");
        assertThat(forgetting.size()).isEqualTo(2);
        forgetting.closeAll();

        assertThat(order).containsExactly("A", "B", "C");
        assertThat(forgetting.size()).isZero();
    }

    @Test
    void closeAllClosesEveryAssociation() {
        table.put("a", "A");
        table.put("b", "B");

        table.closeAll();

        assertThat(closed).containsExactlyInAnyOrder("A", "B");
        assertThat(table.size()).isZero();
    }

    @Test
    void aTableHoldsAtLeastOne() {
        assertThatThrownBy(() -> new AssociationTable<String, String>(0, v -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
