package org.javameet.bench.load;

import java.util.concurrent.ThreadLocalRandom;

/** Independent random drops at a fixed rate (Bernoulli), for the {@code --loss} option. */
final class LossModel {
    static final LossModel NONE = new LossModel(0);

    private final double probability;

    LossModel(double percent) {
        this.probability = percent / 100.0;
    }

    boolean drop() {
        return probability > 0 && ThreadLocalRandom.current().nextDouble() < probability;
    }
}
