package org.javameet.bench.load;

import java.util.List;

/** Everything one invocation produced: what the JSON holds and the HTML draws. */
public record Report(String finishedAt, MachineInfo machine, List<String> scenario, List<StepResult> results) {
}
