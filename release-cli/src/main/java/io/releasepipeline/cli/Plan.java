package io.releasepipeline.cli;

import static io.releasepipeline.cli.config.Durations.format;

import io.releasepipeline.cli.config.CliConfig;
import io.releasepipeline.spi.AppTraffic;
import java.util.ArrayList;
import java.util.List;

/** What a promotion or a rollback would do, in words, for {@code --dry-run}. Stateless. */
final class Plan {

    private Plan() {
    }

    /** The promotion's steps with the config's numbers. */
    static List<String> promotion(CliConfig c, int pullRequest) {
        List<String> steps = new ArrayList<>();
        CliConfig.Gates g = c.gates();
        steps.add("gates: pull request #" + pullRequest + " open and mergeable; production on one revision; checks "
                + g.requiredChecks() + " pass; no open " + String.join("/", g.incidentLabels())
                + " incident; previous release stable for " + format(g.stableFor()) + "; >= " + g.minimumApprovals()
                + " approval(s)" + (g.breakingChangesDocumented() ? "; breaking changes documented" : ""));
        hooks(c.hooks().beforeMerge()).ifPresent(h -> steps.add("hooks before the merge: " + h + "; one that fails "
                + "vetoes the release"));
        steps.add("merge (" + c.github().mergeMethod() + ") pinned to the head commit the gates judged");
        steps.add("deploy run: " + c.github().deployWorkflow() + " for the merge commit, polled every "
                + format(c.polling().deployRunInterval()) + ", up to " + format(c.polling().deployTimeout())
                + "; unless no changed file matches " + deployFilter(c) + ": then the release ends NOTHING_TO_DEPLOY "
                + "right after the merge (no deploy run, no deployment record, traffic untouched)");
        steps.add("new revision: ready within " + format(c.polling().revisionReadyTimeout()) + ", polled every "
                + format(c.polling().revisionInterval()));
        steps.add(baselineStep(c));
        List<Integer> weights = c.traffic().steps();
        for (int i = 0; i < weights.size(); i++) {
            boolean last = i == weights.size() - 1;
            steps.add("traffic " + weights.get(i) + "% to the new revision, smoke check, observe "
                    + format(last ? c.observation() : c.traffic().stepPause()));
        }
        hooks(c.hooks().afterPromotion()).ifPresent(h -> steps.add("hooks after the promotion: " + h));
        steps.add("on rollback, once traffic is back and the smoke check passed: " + recoveryStep(c, "the previous "
                + "revision"));
        hooks(c.hooks().onRollback()).ifPresent(h -> steps.add("on rollback, after traffic is back: hooks " + h
                + "; one that fails makes the outcome page-someone"));
        hooks(c.hooks().migrationRollback()).ifPresent(h -> steps.add("on rollback of a release with a database "
                + "migration, once traffic is all on the previous revision: hooks " + h));
        hooks(c.hooks().onFreeze()).ifPresent(h -> steps.add("on freeze: hooks " + h));
        steps.add("evidence: " + evidenceLocation(c) + "; deployment record in " + c.github().environment()
                + "; on rollback an incident note on #" + pullRequest);
        return steps;
    }

    /** The rollback triggers armed during observation. */
    static List<String> triggers(CliConfig c) {
        List<String> t = new ArrayList<>();
        CliConfig.Rollback r = c.rollback();
        if (r.smoke().enabled()) {
            t.add("smoke check failing > " + format(r.smoke().failingFor()) + " (checked every "
                    + format(r.smoke().interval()) + ")");
        }
        if (r.errorRate().enabled()) {
            t.add("5xx > " + percent(r.errorRate().threshold()) + " over " + format(r.errorRate().window()) + " with >= "
                    + r.errorRate().minimumRequests() + " requests (read every " + format(r.errorRate().interval())
                    + "; too little traffic: " + r.errorRate().noData() + ")" + r.errorRate().logs()
                            .filter(l -> r.errorRate().source().equals("logs"))
                            .map(l -> ", from Log Analytics workspace " + l.workspaceId() + ", "
                                    + format(l.ingestionDelay()) + " behind for ingestion").orElse(""));
        }
        if (r.health().enabled()) {
            t.add("health " + r.health().path() + " down > " + format(r.health().downFor()) + " (probed every "
                    + format(r.health().interval()) + ")");
        }
        t.add("manual: Ctrl-C is not a rollback; run `release rollback` from another shell");
        return t;
    }

    /**
     * A standalone rollback's steps to {@code target}, with the hooks that would run: onRollback always,
     * migrationRollback when {@code databaseMigration} ({@code --database-migration}).
     */
    static List<String> rollback(CliConfig c, AppTraffic traffic, String target, boolean databaseMigration) {
        List<String> steps = new ArrayList<>(List.of(
                "traffic now: " + traffic.weights(),
                "activate " + target + " if it is inactive",
                "move 100% of traffic to " + target + " and read it back (tried once more if not applied, not if "
                        + "refused)",
                "smoke check " + target + " for up to " + format(c.rollback().smoke().failingFor())));
        if (databaseMigration) {
            steps.add(hooks(c.hooks().migrationRollback()).map(h -> "database migration: hooks " + h + " (one that "
                    + "fails is exit 8)").orElse("database migration: no hooks.migrationRollback hook is configured, "
                            + "so the schema must be rolled back by hand (said loudly in the record and the note)"));
        }
        steps.add(hooks(c.hooks().onRollback()).map(h -> "hooks on rollback: " + h + " (one that fails is exit 8)")
                .orElse("hooks on rollback: none configured (hooks.onRollback)"));
        steps.add(recoveryStep(c, target));
        steps.add("evidence: " + evidenceLocation(c) + "; incident note on the pull request if --pr is given");
        return steps;
    }

    /** {@code name (kind, timeout)} for each hook, or empty when there is none. */
    static java.util.Optional<String> hooks(List<CliConfig.Hook> hooks) {
        if (hooks.isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(String.join(", ", hooks.stream().map(h -> h.name() + " (" + h.kind()
                + h.workflow().map(w -> " " + w.file()).orElse("") + ", up to " + format(h.timeout()) + ")")
                .toList()));
    }

    /** The error-rate baseline a promotion reads before traffic moves, as configured. */
    private static String baselineStep(CliConfig c) {
        if (!c.rollback().errorRate().enabled()) {
            return "error-rate baseline: not read (the error-rate trigger is disabled)";
        }
        return "error-rate baseline: the stable revision's 5xx rate over " + format(c.rollback().errorRate().window())
                + ", read just before traffic first moves and recorded (a read that fails or finds no data never "
                + "blocks the release)";
    }

    /** The runbook's "error rate returns to baseline" step of a rollback, as configured. */
    private static String recoveryStep(CliConfig c, String target) {
        if (!c.rollback().recovery().enabled() || !c.rollback().errorRate().enabled()) {
            return "error rate not watched after the rollback (rollback.recovery or the error-rate trigger is "
                    + "disabled)";
        }
        return "watch " + target + "'s 5xx rate every " + format(c.rollback().errorRate().interval())
                + " until within " + percent(c.rollback().recovery().tolerance()) + " of the baseline of the "
                + "release rolled back (else the " + percent(c.rollback().errorRate().threshold()) + " threshold), "
                + "for up to " + format(c.rollback().recovery().timeout()) + "; not recovered is exit 7";
    }

    /** Which filter decides whether a merge deploys. */
    static String deployFilter(CliConfig c) {
        return c.github().deployPaths().map(p -> "github.deployPaths " + p)
                .orElse("the on.push filter of .github/workflows/" + c.github().deployWorkflow());
    }

    static String evidenceLocation(CliConfig c) {
        return c.evidence().blob().map(b -> "Blob container " + b.container())
                .orElseGet(() -> c.evidence().directory().map(Object::toString).orElse(""));
    }

    private static String percent(double fraction) {
        return new java.math.BigDecimal(fraction * 100).round(new java.math.MathContext(4)).stripTrailingZeros()
                .toPlainString() + "%";
    }
}
