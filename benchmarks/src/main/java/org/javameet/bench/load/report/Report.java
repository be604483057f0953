package org.javameet.bench.load.report;

import java.util.List;
import org.javameet.bench.load.run.MachineInfo;
import org.javameet.bench.load.run.StepResult;

/** Everything one invocation produced: what the JSON holds and the HTML draws. */
public record Report(String finishedAt, MachineInfo machine, List<String> scenario, List<StepResult> results) {
}
