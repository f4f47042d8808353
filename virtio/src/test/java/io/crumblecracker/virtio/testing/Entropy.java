package io.crumblecracker.virtio.testing;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.util.SplittableRandom;

/**
 * Where hostile-input generators get their choices: a fuzzer's data (Jazzer {@code @FuzzTest}) or a seeded
 * random generator (property tests), so both run the same generator.
 */
public interface Entropy {

    /** A value in {@code [0, bound)}; {@code bound > 0}. */
    int nextInt(int bound);

    /** Any long. */
    long nextLong();

    /** Picks one of {@code values}. */
    default long pick(final long... values) {
        return values[nextInt(values.length)];
    }

    /** Choices taken from fuzzer data; once the data runs out every choice is 0. */
    static Entropy of(final FuzzedDataProvider data) {
        return new Entropy() {
            @Override
            public int nextInt(final int bound) {
                return data.consumeInt(0, bound - 1);
            }

            @Override
            public long nextLong() {
                return data.consumeLong();
            }
        };
    }

    /** Choices taken from a seeded generator. */
    static Entropy of(final SplittableRandom random) {
        return new Entropy() {
            @Override
            public int nextInt(final int bound) {
                return random.nextInt(bound);
            }

            @Override
            public long nextLong() {
                return random.nextLong();
            }
        };
    }
}
