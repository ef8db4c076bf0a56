package io.releasepipeline;

import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.RollbackDetails;
import io.releasepipeline.spi.AppTraffic;
import io.releasepipeline.spi.Revision;
import io.releasepipeline.spi.TrafficWeights;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * How a rollback "to the previous revision" picks its target, in one place for the engine and for tools that show
 * a plan before acting (a dry run). Pure: it reads only what it is given.
 *
 * <ol>
 * <li>If the latest record is a successful rollback to the revision that serves everything now, that revision:
 * there is nothing to move (this is what makes a repeated rollback idempotent).</li>
 * <li>Else the newest revision known good from the evidence (promoted, or the target of a successful rollback)
 * that is not serving, still exists, has not failed, and was never rolled back from.</li>
 * <li>Else the newest revision created before the serving one that has not failed and was never rolled back
 * from.</li>
 * </ol>
 */
public final class RollbackTargets {

    private RollbackTargets() {
    }

    /**
     * The revision with the most traffic now, if any has traffic.
     *
     * @param traffic the app's traffic now
     * @return the revision with the most traffic now, if any has traffic
     */
    public static Optional<String> serving(TrafficWeights traffic) {
        return traffic.weights().entrySet().stream().filter(e -> e.getValue() > 0)
                .max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
    }

    /**
     * Why a rollback to {@code target} cannot move traffic, or empty when it can: the app is in a revision mode in
     * which the platform cannot move traffic ({@link io.releasepipeline.spi.PlatformProvider#canMoveTraffic}), and
     * traffic is not already all on the target. The engine refuses such a rollback before changing anything; a dry
     * run says the same.
     *
     * @param traffic the app's traffic now
     * @param platformCanMoveTraffic the platform's answer for the app's mode
     * @param target the revision the rollback goes to
     * @return why the rollback cannot move traffic, or empty
     */
    public static Optional<String> refusal(AppTraffic traffic, boolean platformCanMoveTraffic, String target) {
        if (platformCanMoveTraffic || traffic.weights().withoutZeros().equals(TrafficWeights.all(target))) {
            return Optional.empty();
        }
        return Optional.of("the app is in " + traffic.mode().name().toLowerCase(java.util.Locale.ROOT)
                + " revision mode, where the platform cannot move traffic to " + target + "; traffic stays "
                + traffic.weights() + ". Switch the app to multiple revision mode (Azure Container Apps: az "
                + "containerapp revision set-mode --mode multiple) or let the platform switch it (release.yaml: "
                + "azure.switchToMultipleRevisionMode: true), then roll back again; or roll forward with a fix");
    }

    /**
     * The revision a rollback to the previous one goes to, or empty when there is none.
     *
     * @param traffic the app's traffic now
     * @param revisions the platform's revisions, listed only when needed
     * @param history the app's recent records, newest first
     * @return the revision a rollback to the previous one goes to, or empty when there is none
     */
    public static Optional<String> previous(AppTraffic traffic, Supplier<List<Revision>> revisions,
            List<ReleaseRecord> history) {
        Supplier<List<Revision>> once = new Supplier<>() {
            private List<Revision> listed;

            @Override
            public List<Revision> get() {
                if (listed == null) {
                    listed = revisions.get();
                }
                return listed;
            }
        };
        return previous(traffic, name -> once.get().stream().filter(r -> r.name().equals(name)).findFirst(), once,
                history);
    }

    /**
     * {@link #previous(AppTraffic, Supplier, List)}, the same answer with fewer reads: the history's latest good
     * revision is looked up alone ({@code revision}, one request), and the platform's revisions are listed (every
     * page) only when it is not usable or the history names none.
     *
     * @param traffic the app's traffic now
     * @param revision one revision of the platform by name, empty if it does not exist
     * @param revisions the platform's revisions, listed only when needed
     * @param history the app's recent records, newest first
     * @return the revision a rollback to the previous one goes to, or empty when there is none
     */
    public static Optional<String> previous(AppTraffic traffic, Function<String, Optional<Revision>> revision,
            Supplier<List<Revision>> revisions, List<ReleaseRecord> history) {
        Optional<String> already = history.stream().findFirst()
                .flatMap(ReleaseRecord::rollback)
                .filter(RollbackDetails::succeeded)
                .map(RollbackDetails::toRevision)
                .filter(to -> traffic.weights().withoutZeros().equals(TrafficWeights.all(to)));
        if (already.isPresent()) {
            return already;
        }
        Optional<String> serving = serving(traffic.weights());
        Set<String> rolledBackFrom = history.stream().filter(ReleaseRecord::rolledBack)
                .flatMap(r -> r.rollback().flatMap(RollbackDetails::fromRevision).stream())
                .collect(Collectors.toSet());
        List<String> candidates = history.stream().map(r -> r.outcome() == ReleaseOutcome.PROMOTED ? r.newRevision()
                : r.rollback().filter(RollbackDetails::succeeded).map(RollbackDetails::toRevision))
                .flatMap(Optional::stream)
                .filter(good -> !Optional.of(good).equals(serving) && !rolledBackFrom.contains(good)).toList();
        if (!candidates.isEmpty() && revision.apply(candidates.get(0)).filter(r -> !r.hasFailed()).isPresent()) {
            return Optional.of(candidates.get(0));
        }
        List<Revision> all = revisions.get();
        Set<String> usable = all.stream().filter(r -> !r.hasFailed()).map(Revision::name).collect(Collectors.toSet());
        for (String good : candidates) {
            if (usable.contains(good)) {
                return Optional.of(good);
            }
        }
        Instant servingCreated = all.stream().filter(r -> serving.map(r.name()::equals).orElse(false))
                .map(Revision::createdAt).findFirst().orElse(Instant.MAX);
        return all.stream()
                .filter(r -> !r.hasFailed() && r.createdAt().isBefore(servingCreated)
                        && !serving.map(r.name()::equals).orElse(false) && !rolledBackFrom.contains(r.name()))
                .max(Comparator.comparing(Revision::createdAt))
                .map(Revision::name);
    }
}
