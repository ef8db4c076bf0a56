package io.releasepipeline.internal;

import io.releasepipeline.spi.PullRequest;
import io.releasepipeline.spi.Revision;
import io.releasepipeline.spi.TrafficWeights;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * How a stopped release goes on: the one place that decides it, from what its journal says ({@link ResumePoint})
 * and what the world says now (the pull request on the CI system, the traffic split on the platform). The journal
 * alone is never trusted: a journal write may have failed, a person may have moved traffic, a crash may have come
 * between a side effect and its entry.
 */
sealed interface ResumeDecision {

    /** A sentence for the evidence: what was found and what the release does about it. */
    String why();

    /** The rollback had started: finish it (it is idempotent). */
    record FinishRollback(String reason, String why) implements ResumeDecision {
    }

    /**
     * The journal never reached the merge, but the pull request is merged and traffic is split: something went on
     * unjournaled (an older version whose journal writes failed). Put traffic back on {@code stable} rather than
     * judge the gates again with production split.
     */
    record RollBack(String stable, Optional<String> from, String reason, String why) implements ResumeDecision {
    }

    /** Nothing was merged or changed: run again from the gates. */
    record RerunFromGates(String why) implements ResumeDecision {
    }

    /**
     * The merge had started or happened: go on from there, passing again every step whose traffic is not in place
     * any more ({@code passedWeights} are those the new revision still holds).
     */
    record GoOn(Set<Integer> passedWeights, String why) implements ResumeDecision {
    }

    /**
     * Decides.
     *
     * @param point what the journal says
     * @param pr the pull request as the CI system reports it now
     * @param traffic the split as the platform reports it now
     * @param revisions the platform's revisions, read only when needed
     */
    static ResumeDecision decide(ResumePoint point, PullRequest pr, TrafficWeights traffic,
            Supplier<List<Revision>> revisions) {
        TrafficWeights now = traffic.withoutZeros();
        if (point.rollingBackReason().isPresent()) {
            return new FinishRollback(point.rollingBackReason().get(), "the journal says a rollback had started ("
                    + point.rollingBackReason().get() + "); traffic now " + now + ": finishing it");
        }
        boolean merged = pr.state() == PullRequest.State.MERGED;
        if (point.headSha().isEmpty()) {
            Map<String, Integer> serving = now.weights();
            if (merged && serving.size() > 1) {
                List<Revision> all = revisions.get();
                String to = point.stable().orElseGet(() -> stableOf(serving, all, pr.mergeCommitSha()));
                Optional<String> from = serving.keySet().stream().filter(r -> !r.equals(to))
                        .max(Comparator.comparing(serving::get));
                String why = "the journal stops at " + point.lastState() + " (before the merge), but pull request #"
                        + pr.number() + " is merged and traffic is split " + now + ": rolling back to " + to
                        + " instead of judging the gates again";
                return new RollBack(to, from, "resumed with traffic split " + now + " although the journal never "
                        + "reached the merge", why);
            }
            return new RerunFromGates("the journal stops at " + point.lastState() + " (before the merge) and pull "
                    + "request #" + pr.number() + " is " + (merged ? "merged (before the release)" : "not merged")
                    + ", traffic " + now + ": running again from the gates");
        }
        int held = point.newRevision().map(now::weightOf).orElse(0);
        Set<Integer> passed = point.passedWeights().stream().filter(w -> w <= held).collect(Collectors.toSet());
        String why = "the journal stops at " + point.lastState() + "; pull request #" + pr.number() + " is "
                + (merged ? "merged" : "not merged yet") + ", traffic " + now;
        if (!passed.equals(point.passedWeights())) {
            why += "; steps " + point.passedWeights().stream().sorted().toList() + " had passed but the new revision "
                    + "now holds " + held + "%, so only " + passed.stream().sorted().toList() + " count";
        }
        return new GoOn(Set.copyOf(passed), why + ": going on from there");
    }

    /**
     * The stable revision of a split the journal knows nothing about: the one that does not run the merge commit
     * (by image), else the oldest.
     */
    private static String stableOf(Map<String, Integer> serving, List<Revision> revisions, Optional<String> mergeSha) {
        List<Revision> split = revisions.stream().filter(r -> serving.containsKey(r.name())).toList();
        Optional<String> notMerge = mergeSha.flatMap(sha -> split.stream()
                .filter(r -> r.image().map(i -> !i.contains(sha) && !i.contains(Promotion.shortSha(sha)))
                        .orElse(false))
                .min(Comparator.comparing(Revision::createdAt)).map(Revision::name));
        return notMerge.or(() -> split.stream().min(Comparator.comparing(Revision::createdAt)).map(Revision::name))
                .orElseGet(() -> serving.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow()
                        .getKey());
    }
}
