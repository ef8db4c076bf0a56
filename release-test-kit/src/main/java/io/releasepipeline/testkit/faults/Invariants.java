package io.releasepipeline.testkit.faults;

import io.releasepipeline.ReleaseInProgressException;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.UnknownTargetException;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.evidence.EvidenceJson;
import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.GateStatus;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.trigger.Triggers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks every {@link Invariant} of one case once it ran. Not thread-safe; one per case. */
final class Invariants {

    /** The rollback signals: a failed read of one while traffic is on the new revision blinds a trigger. */
    private static final Set<String> SIGNALS = Set.of("signals", "probe", "alerts", "smoke");
    /** A traffic split, as a trace shows it, that gives the new revision some traffic. */
    private static final Pattern GIVES_NEW_TRAFFIC = Pattern.compile("\\b" + Simulation.NEW + "=[1-9]");

    private final FaultWorld world;
    private final FaultWorld.Process first;
    private final FaultWorld.Process last;
    private final boolean resumed;
    private final List<Violation> violations = new ArrayList<>();

    Invariants(FaultWorld world, FaultWorld.Process first, FaultWorld.Process last, boolean resumed) {
        this.world = world;
        this.first = first;
        this.last = last;
        this.resumed = resumed;
    }

    List<Violation> check() {
        caseCompleted();
        Optional<ReleaseRecord> record = world.record();
        Optional<ReleaseOutcome> outcome = last.result.map(ReleaseResult::outcome)
                .or(() -> record.map(ReleaseRecord::outcome));
        trafficSafe(outcome);
        writeAhead();
        oneOwner();
        evidenceValid(record);
        outcomeAndExitCode(record);
        notSilentlyPromoted(outcome);
        resumeTerminates();
        return violations;
    }

    /**
     * Whether the fault broke the evidence store's {@code method} itself beyond what the engine can mend: it failed
     * permanently, or threw an Error or an interrupt in that very call.
     */
    private boolean storeStayedBroken(String method) {
        return world.site().filter(s -> s.key().equals("evidence." + method)).isPresent()
                && world.fault().filter(f -> f == Fault.PERMANENT || f == Fault.ERROR || f == Fault.INTERRUPT)
                        .isPresent();
    }

    private void violated(Invariant invariant, String detail) {
        violations.add(new Violation(invariant, detail));
    }

    private void caseCompleted() {
        if (world.fault().isPresent() && !world.injected()) {
            violated(Invariant.CASE_COMPLETED, "the fault was never injected: the release made no call "
                    + world.site().orElseThrow());
        }
    }

    /** A release whose process died (before a resume) has no say over traffic yet: only the final state counts. */
    private void trafficSafe(Optional<ReleaseOutcome> outcome) {
        if (last.killed()) {
            return;
        }
        TrafficWeights w = world.traffic();
        Optional<String> sole = w.soleRevision();
        boolean frozen = outcome.filter(o -> o == ReleaseOutcome.FROZEN).isPresent();
        boolean platformStayedBroken = outcome.filter(o -> o == ReleaseOutcome.ROLLBACK_FAILED).isPresent()
                && world.fault().filter(f -> f == Fault.PERMANENT).isPresent()
                && world.site().filter(s -> s.provider().equals("platform")).isPresent();
        if (frozen || platformStayedBroken) {
            return;
        }
        if (w.isSplit() || sole.isEmpty()) {
            violated(Invariant.TRAFFIC_SAFE, "traffic left split: " + w + " (" + last.ending() + ")");
        } else if (!world.active(sole.get())) {
            violated(Invariant.TRAFFIC_SAFE, "all traffic on " + sole.get() + ", which is not active");
        }
    }

    /**
     * Write-ahead, as README "Failure semantics" promises it. A <em>forward</em> side effect (merge, deployment
     * record, activating the new revision, a shift that gives the new revision traffic, an approval request) needs a
     * <em>successful</em> journal append since the process's previous side effect: a journal that cannot be written
     * stops the release before it. A <em>safety or closing</em> side effect (traffic all back on the stable
     * revision, activating the stable revision, deactivating the new one, the final deployment status, a comment on
     * the pull request) needs an <em>attempted</em> journal write since the previous side effect (an append, or the
     * fencing check that precedes it, whatever their result): the engine goes on with it when its own entry cannot be
     * written, because leaving production safe comes first, and records the failure in the evidence. The same call
     * repeated with no journal write in between is a retry of one side effect; the in-progress deployment status
     * posted with the deployment record is part of creating it.
     */
    private void writeAhead() {
        for (int id : world.processIds()) {
            FaultWorld.Process p = world.process(id);
            boolean journaledSince = false;
            boolean attemptedSince = false;
            String lastEffect = null;
            for (ProviderCall c : p.calls()) {
                if (c.journaled()) {
                    journaledSince = true;
                }
                if (c.site().key().equals("evidence.appendJournal") || c.site().key().equals("evidence.holdsLock")) {
                    attemptedSince = true;
                }
                if (!c.sideEffect() || partOfDeploymentRecord(c)) {
                    continue;
                }
                String effect = c.site().key() + "(" + c.arguments() + ")";
                if (effect.equals(lastEffect) && !attemptedSince) {
                    continue; // the same call again: a retry of the same side effect
                }
                boolean forward = forward(c);
                if (forward && !journaledSince) {
                    violated(Invariant.WRITE_AHEAD, "p" + id + " " + c.site() + "(" + c.arguments() + "), a forward "
                            + "side effect, with no successful journal append since "
                            + (lastEffect == null ? "the process started" : lastEffect));
                } else if (!forward && !attemptedSince) {
                    violated(Invariant.WRITE_AHEAD, "p" + id + " " + c.site() + "(" + c.arguments() + ") with no "
                            + "journal write even attempted since "
                            + (lastEffect == null ? "the process started" : lastEffect));
                }
                journaledSince = false;
                attemptedSince = false;
                lastEffect = effect;
            }
        }
    }

    /** Whether a side effect moves the release forward (rather than making production safe or recording the end). */
    private static boolean forward(ProviderCall c) {
        String args = c.arguments();
        return switch (c.site().key()) {
            case "platform.setTraffic" -> GIVES_NEW_TRAFFIC.matcher(args).find();
            case "platform.activate" -> !args.equals(Simulation.STABLE);
            case "platform.deactivate" -> args.equals(Simulation.STABLE);
            case "ci.comment", "ci.recordDeploymentStatus" -> false;
            default -> true; // ci.merge, ci.createDeployment, approvals.request
        };
    }

    /** The in-progress status posted with a new deployment record: journaled with it (creating the deployment). */
    private static boolean partOfDeploymentRecord(ProviderCall c) {
        return c.site().key().equals("ci.recordDeploymentStatus") && c.arguments().contains("IN_PROGRESS");
    }

    /**
     * Every side effect is made by a process whose own lock owner holds the app's lock, with a fencing check
     * ({@code holdsLock}) since its previous side effect; once a process's fencing check could have seen the lock gone
     * (a check made while another owner held it), it makes no side effect at all, not even a rollback: the new holder
     * finishes the release. The one side effect tolerated under another owner is one whose lock was taken after the
     * process's last fencing check (between the check at the journal write and the call itself): a check made by the
     * client cannot see a loss that happens after it, so that window is the limit of any fencing the platform and
     * GitHub do not enforce themselves, and the next check stops the process. A release that ended leaves no lock of
     * its own behind.
     */
    private void oneOwner() {
        String releaseId = world.releaseId().orElse("?");
        for (int id : world.processIds()) {
            FaultWorld.Process p = world.process(id);
            boolean fencedSince = false;
            boolean sawLoss = false;
            for (ProviderCall c : p.calls()) {
                boolean ours = p.owners.contains(c.lockOwner());
                if (c.site().key().equals("evidence.holdsLock")) {
                    fencedSince = true;
                    sawLoss |= !ours && !p.owners.isEmpty();
                }
                if (!c.sideEffect()) {
                    continue;
                }
                if (partOfDeploymentRecord(c)) {
                    // Posted with the deployment record, under the same fencing check as its creation.
                    if (sawLoss) {
                        violated(Invariant.ONE_OWNER, "p" + id + " " + c.site() + " after its fencing check found "
                                + "the lock held by another owner (" + c.lockHolder() + ")");
                    }
                    continue;
                }
                if (sawLoss) {
                    violated(Invariant.ONE_OWNER, "p" + id + " " + c.site() + " after its fencing check found the lock "
                            + "held by another owner (" + c.lockHolder() + "): it should have stopped");
                } else if (!ours && !fencedSince) {
                    violated(Invariant.ONE_OWNER, "p" + id + " " + c.site() + " while the lock was held by "
                            + c.lockHolder() + ", with no fencing check since its previous side effect");
                } else if (!ours && p.owners.isEmpty()) {
                    violated(Invariant.ONE_OWNER, "p" + id + " " + c.site() + " without ever taking the lock");
                }
                fencedSince = false;
            }
        }
        if (!last.killed() && !storeStayedBroken("unlock")
                && world.lock().filter(l -> l.releaseId().equals(releaseId)).isPresent()) {
            violated(Invariant.ONE_OWNER, "the release ended (" + last.ending() + ") and left its lock held: "
                    + world.lock().get().describe());
        }
    }

    private void evidenceValid(Optional<ReleaseRecord> record) {
        if (last.killed() || world.journal().isEmpty()) {
            return;
        }
        if (record.isEmpty() && storeStayedBroken("write")) {
            return; // the store refuses every record: nothing can be written, the release can only say so
        }
        if (record.isEmpty()) {
            violated(Invariant.EVIDENCE_VALID, "the release journaled " + world.journal().size() + " entries and "
                    + "ended (" + last.ending() + ") with no final record");
            return;
        }
        ReleaseRecord r = record.get();
        try {
            ReleaseRecord parsed = EvidenceJson.fromBytes(EvidenceJson.toBytes(r), ReleaseRecord.class);
            if (!parsed.equals(r)) {
                violated(Invariant.EVIDENCE_VALID, "the final record does not read back as written");
            }
        } catch (RuntimeException e) {
            violated(Invariant.EVIDENCE_VALID, "the final record does not parse: " + e);
        }
        if (r.outcome() == ReleaseOutcome.IN_PROGRESS) {
            violated(Invariant.EVIDENCE_VALID, "the final record says IN_PROGRESS");
        }
        last.result.filter(res -> res.outcome() != r.outcome()).ifPresent(res -> violated(Invariant.EVIDENCE_VALID,
                "the result says " + res.outcome() + ", the record " + r.outcome()));
        Optional<String> expected = servingAfter(r.outcome(), r);
        Optional<String> sole = world.traffic().soleRevision();
        if (expected.isPresent() && !expected.equals(sole)) {
            violated(Invariant.EVIDENCE_VALID, "the record says " + r.outcome() + " (so " + expected.get()
                    + " serves 100%), the platform serves " + world.traffic());
        }
    }

    /** The revision that serves everything after a release that ended so, if the outcome says. */
    private static Optional<String> servingAfter(ReleaseOutcome outcome, ReleaseRecord r) {
        return switch (outcome) {
            case PROMOTED -> r.newRevision();
            case ROLLED_BACK, ROLLED_BACK_NOT_RECOVERED, ROLLED_BACK_HOOK_FAILED -> r.previousRevision();
            case ABORTED, GATES_FAILED, NOTHING_TO_DEPLOY -> Optional.of(Simulation.STABLE);
            default -> Optional.empty();
        };
    }

    private void outcomeAndExitCode(Optional<ReleaseRecord> record) {
        if (world.fault().filter(f -> f == Fault.INTERRUPT).isPresent() && world.injected()
                && !first.interruptedAfter && !first.killed()) {
            violated(Invariant.OUTCOME_AND_EXIT_CODE, "the release was interrupted and returned (" + first.ending()
                    + ") with the thread's interrupt flag cleared: the caller never learns of the interrupt");
        }
        if (world.fault().filter(f -> f == Fault.ERROR).isPresent() && world.injected()) {
            boolean propagated = first.thrown.filter(t -> t instanceof AssertionError
                    && String.valueOf(t.getMessage()).startsWith("injected Error")).isPresent();
            if (!propagated) {
                violated(Invariant.OUTCOME_AND_EXIT_CODE, "the injected Error did not propagate to the caller ("
                        + first.ending() + ")");
            }
        }
        if (last.killed()) {
            return;
        }
        OptionalInt code = exitCode(last);
        if (code.isEmpty()) {
            return;
        }
        int c = code.getAsInt();
        Optional<String> sole = world.traffic().soleRevision();
        String promise = null;
        switch (c) {
            case 0 -> {
                Optional<String> expected = last.result.map(ReleaseResult::record).or(() -> record)
                        .flatMap(r -> servingAfter(r.outcome(), r));
                if (expected.isEmpty() || !expected.equals(sole)) {
                    promise = "0 promises the release is done, but the platform serves " + world.traffic();
                }
            }
            case 2, 5 -> {
                if (!sole.equals(Optional.of(Simulation.STABLE))) {
                    promise = c + " promises traffic untouched on " + Simulation.STABLE + ", the platform serves "
                            + world.traffic();
                }
            }
            case 3 -> {
                Optional<String> back = last.result.map(ReleaseResult::record).or(() -> record)
                        .flatMap(ReleaseRecord::previousRevision);
                if (back.isEmpty() || !back.equals(sole)) {
                    promise = "3 promises traffic back on the previous revision, the platform serves "
                            + world.traffic();
                }
            }
            case 69, 75 -> {
                long effects = last.calls().stream().filter(ProviderCall::sideEffect).count();
                if (last.thrown.isPresent() && effects > 0) {
                    promise = c + " promises nothing was changed, but the process made " + effects + " side effects";
                }
                if (!sole.equals(Optional.of(Simulation.STABLE)) && last.thrown.isPresent()) {
                    promise = c + " promises nothing was changed, but the platform serves " + world.traffic();
                }
            }
            default -> {
                // 4 and 6 page someone: whatever the traffic, the code does not lie about it.
            }
        }
        if (promise != null) {
            violated(Invariant.OUTCOME_AND_EXIT_CODE, "exit " + c + " (" + last.ending() + "): " + promise);
        }
    }

    /**
     * The {@code release} CLI's exit code for how a call ended (README "Exit codes"); empty for an {@code Error},
     * which no code maps.
     */
    static OptionalInt exitCode(FaultWorld.Process p) {
        if (p.result.isPresent()) {
            ReleaseResult r = p.result.get();
            if (r.outcome() == ReleaseOutcome.GATES_FAILED) {
                List<GateResult> gates = r.record().gates();
                return OptionalInt.of(gates.stream().anyMatch(g -> g.status() == GateStatus.ERROR) ? 69 : 2);
            }
            return OptionalInt.of(switch (r.outcome()) {
                case PROMOTED, NOTHING_TO_DEPLOY -> 0;
                case GATES_FAILED -> 2;
                case ROLLED_BACK -> 3;
                case ROLLBACK_FAILED -> 4;
                case ABORTED -> 5;
                case FROZEN -> 6;
                case ROLLED_BACK_NOT_RECOVERED -> 7;
                case ROLLED_BACK_HOOK_FAILED -> 8;
                case IN_PROGRESS -> 75;
            });
        }
        Throwable t = p.thrown.orElse(null);
        if (t == null || t instanceof Error) {
            return OptionalInt.empty();
        }
        if (t instanceof ReleaseInProgressException) {
            return OptionalInt.of(75);
        }
        if (t instanceof UnknownTargetException || t instanceof InvalidConfigurationException
                || t instanceof IllegalArgumentException) {
            return OptionalInt.of(64);
        }
        // ProviderException, any other ReleaseException, any other exception: the CLI says so and exits 69.
        return OptionalInt.of(69);
    }

    private void notSilentlyPromoted(Optional<ReleaseOutcome> outcome) {
        boolean blinded = world.fault().filter(f -> f == Fault.PERMANENT).isPresent() && world.injected()
                && world.site().filter(s -> SIGNALS.contains(s.provider())).isPresent()
                && world.phaseAtFault().filter(p -> p == Phase.TRAFFIC_SPLIT || p == Phase.AT_100).isPresent();
        String provider = world.site().map(CallSite::provider).orElse("");
        if (blinded && (provider.equals("probe") || provider.equals("smoke"))) {
            // The engine counts a health probe or smoke check that throws as a failing check (DOWN, FAILED): the
            // failure arms its trigger like a real outage and is on the record's timeline. Silent would be a
            // promotion whose record shows no failing point of that signal from the fault on.
            String signal = provider.equals("probe") ? Triggers.HEALTH_ENDPOINT : Triggers.SMOKE_CHECK;
            java.time.Instant from = world.faultAt().orElse(java.time.Instant.MIN);
            blinded = world.record().map(r -> r.timeline().stream().noneMatch(t -> t.signal().equals(signal)
                    && !t.ok() && !t.at().isBefore(from))).orElse(true);
        }
        if (blinded && outcome.filter(o -> o == ReleaseOutcome.PROMOTED).isPresent()) {
            violated(Invariant.NOT_SILENTLY_PROMOTED, world.site().orElseThrow().key() + " failed on every read "
                    + "while traffic was on the new revision, and the release was PROMOTED");
        }
    }

    private void resumeTerminates() {
        if (!world.firedAny(Fault.KILLED) && !world.firedAny(Fault.LOCK_LOST)) {
            return;
        }
        if (!resumed) {
            if (world.firedAny(Fault.KILLED) && !world.journal().isEmpty()) {
                violated(Invariant.RESUME_TERMINATES, "the release journaled but was not resumed");
            }
            long effects = first.calls().stream().filter(ProviderCall::sideEffect).count();
            if (world.journal().isEmpty() && effects > 0) {
                violated(Invariant.RESUME_TERMINATES, "the process died after " + effects + " side effects with "
                        + "nothing journaled: no resume can find the release");
            }
            return;
        }
        if (last.result.isEmpty()) {
            violated(Invariant.RESUME_TERMINATES, "resume " + last.ending());
        } else if (last.result.get().outcome() == ReleaseOutcome.IN_PROGRESS) {
            violated(Invariant.RESUME_TERMINATES, "resume ended IN_PROGRESS");
        }
    }
}
