package io.releasepipeline.gate;

import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.GateStatus;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The runbook's pre-promotion checklist as gates, with the runbook's numbers as defaults.
 *
 * <pre>{@code
 * .gates(Gates.runbookDefaults())
 * .gates(List.of(Gates.requiredChecks("build", "tests"), Gates.minimumApprovals(2), myGate))
 * }</pre>
 */
public final class Gates {

    /** Checks that must pass: "All CI checks pass (lint, typecheck, tests, contract governance)". */
    public static final List<String> DEFAULT_REQUIRED_CHECKS = List.of("lint", "typecheck", "tests",
            "contract-governance");

    /** "No open SEV-1 or SEV-2 incidents". */
    public static final Set<String> DEFAULT_BLOCKING_SEVERITIES = Set.of("SEV-1", "SEV-2");

    /** "Previous release has been stable for >= 1 hour". */
    public static final Duration DEFAULT_STABLE_FOR = Duration.ofHours(1);

    /** "PR has at least one approval". */
    public static final int DEFAULT_MINIMUM_APPROVALS = 1;

    private Gates() {
    }

    /**
     * The five checklist gates with the runbook's numbers: required checks, no blocking incident, previous
     * release stable, approvals, breaking changes documented.
     *
     * @return the five checklist gates with the runbook's numbers: required checks, no blocking incident, previous
     *     release stable, approvals, breaking changes documented
     */
    public static List<Gate> runbookDefaults() {
        return runbookDefaults(DEFAULT_STABLE_FOR);
    }

    /**
     * The five checklist gates with another stability period, e.g. for a time-scaled staging run or demo.
     *
     * @param stableFor how long ago the previous release must have finished
     * @return the five checklist gates with another stability period, e.g. for a time-scaled staging run or demo
     */
    public static List<Gate> runbookDefaults(Duration stableFor) {
        return List.of(
                requiredChecks(DEFAULT_REQUIRED_CHECKS),
                noOpenIncidents(DEFAULT_BLOCKING_SEVERITIES),
                previousReleaseStable(stableFor),
                minimumApprovals(DEFAULT_MINIMUM_APPROVALS),
                breakingChangesDocumented());
    }

    /**
     * Every named check has completed with success on the pull request's head commit.
     *
     * @param names the checks' names
     * @return a gate that passes when every named check has completed with success on the pull request's head commit
     */
    public static Gate requiredChecks(String... names) {
        return requiredChecks(List.of(names));
    }

    /**
     * Every named check has completed with success on the pull request's head commit.
     *
     * @param names the checks' names
     * @return a gate that passes when every named check has completed with success on the pull request's head commit
     */
    public static Gate requiredChecks(List<String> names) {
        return new RequiredChecksGate(names);
    }

    /**
     * No incident of the given severities is open.
     *
     * @param severities the severities that block, e.g. {@code SEV-1}
     * @return a gate that passes when no incident of the given severities is open
     */
    public static Gate noOpenIncidents(Set<String> severities) {
        return new NoOpenIncidentsGate(severities);
    }

    /**
     * The app's previous release finished (was not rolled back) at least {@code stableFor} ago, and no rollback
     * happened since. The first release of an app passes.
     *
     * @param stableFor how long ago the previous release must have finished
     * @return a gate that passes when the app's previous release finished (was not rolled back) at least {@code
     *     stableFor} ago, and no rollback happened since
     */
    public static Gate previousReleaseStable(Duration stableFor) {
        return new PreviousReleaseStableGate(stableFor);
    }

    /**
     * At least {@code count} reviewers with write access approve, and no reviewer with write access requests changes
     * (each reviewer's latest verdict; a reviewer without write access is named in the reason and not counted, as on
     * GitHub). An approval of an older commit counts unless it was dismissed (GitHub's branch rule "dismiss stale
     * pull request approvals when new commits are pushed" does that); use {@link #minimumApprovalsOnHead} to count
     * only approvals of the head commit.
     *
     * @param count the fewest approvals, at least 1
     * @return a gate that passes when at least {@code count} reviewers with write access approve, and no reviewer with
     *     write access requests changes (each reviewer's latest verdict; a reviewer without write access is named in
     *     the reason and not counted, as on GitHub)
     * @throws IllegalArgumentException if {@code count} is less than 1
     */
    public static Gate minimumApprovals(int count) {
        return new ReviewsGate(count, false);
    }

    /**
     * As {@link #minimumApprovals(int)}, counting only approvals of the head commit: an approval of an older commit
     * is named in the reason and not counted. A request for changes blocks whichever commit it was given on, until
     * that reviewer approves or the review is dismissed.
     *
     * @param count the fewest approvals, at least 1
     * @return the gate
     * @throws IllegalArgumentException if {@code count} is less than 1
     */
    public static Gate minimumApprovalsOnHead(int count) {
        return new ReviewsGate(count, true);
    }

    /**
     * The same gate in advisory mode: evaluated and recorded, never blocking. A verdict that would have blocked
     * passes with the reason {@code advisory, not enforced: would have failed: ...}, so a team can see what the gate
     * would do before enforcing it.
     *
     * @param gate the gate to run in advisory mode
     * @return the same gate in advisory mode: evaluated and recorded, never blocking
     */
    public static Gate advisory(Gate gate) {
        return Gate.named(gate.name(), context -> {
            GateResult r = gate.evaluate(context);
            return r.passed() ? r : GateResult.pass(gate.name(), "advisory, not enforced: would have "
                    + (r.status() == GateStatus.ERROR ? "errored" : "failed") + ": " + r.reason());
        });
    }

    /**
     * The pull request's description has a "Breaking changes" section that lists them or says none. See
     * {@link BreakingChangesGate} for the exact rule.
     *
     * @return a gate that passes when the pull request's description has a "Breaking changes" section that lists them
     *     or says none
     */
    public static Gate breakingChangesDocumented() {
        return new BreakingChangesGate();
    }
}
