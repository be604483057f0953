package org.javameet.bench.load.client;

import java.util.concurrent.ThreadLocalRandom;

/** Independent random drops at a fixed rate (Bernoulli), for the {@code --loss} option. */
public final class LossModel {
    static final LossModel NONE = new LossModel(0);

    private final double probability;

    public LossModel(double percent) {
        this.probability = percent / 100.0;
    }

    public boolean drop() {
        return probability > 0 && ThreadLocalRandom.current().nextDouble() < probability;
    }
}
