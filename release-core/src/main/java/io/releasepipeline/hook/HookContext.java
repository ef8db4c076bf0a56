package io.releasepipeline.hook;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a hook is told about the release it runs for. Every value is plain text a receiver can log; none is a
 * credential.
 *
 * @param point where in the release it runs
 * @param deliveryId unique per release, point and hook, and the same when a resumed release runs the hook again: a
 *     receiver dedupes on it
 * @param releaseId the release
 * @param app the app's name
 * @param environment the deployment environment
 * @param pullRequest the pull request released, when there is one (a standalone rollback may have none)
 * @param sha the commit released (the merge commit once merged, the head before)
 * @param stableRevision the revision that served before the release (and that a rollback goes back to)
 * @param newRevision the release's revision, once it exists
 * @param reason why a rollback or freeze happened, or why a hook runs; empty before the merge and after a promotion
 * @param databaseMigration whether the release carries a database migration
 * @param evidenceUrl where the release's evidence is (or will be), when known
 */
public record HookContext(HookPoint point, String deliveryId, String releaseId, String app, String environment,
        Optional<Integer> pullRequest, Optional<String> sha, Optional<String> stableRevision,
        Optional<String> newRevision, Optional<String> reason, boolean databaseMigration,
        Optional<String> evidenceUrl) {

    /**
     * Validates.
     *
     * @param point where in the release it runs
     * @param deliveryId unique per release, point and hook, and the same when a resumed release runs the hook again: a
     *     receiver dedupes on it
     * @param releaseId the release
     * @param app the app's name
     * @param environment the deployment environment
     * @param pullRequest the pull request released, when there is one (a standalone rollback may have none)
     * @param sha the commit released (the merge commit once merged, the head before)
     * @param stableRevision the revision that served before the release (and that a rollback goes back to)
     * @param newRevision the release's revision, once it exists
     * @param reason why a rollback or freeze happened, or why a hook runs; empty before the merge and after a
     *     promotion
     * @param databaseMigration whether the release carries a database migration
     * @param evidenceUrl where the release's evidence is (or will be), when known
     */
    public HookContext {
        Objects.requireNonNull(point, "point");
        Objects.requireNonNull(deliveryId, "deliveryId");
        Objects.requireNonNull(releaseId, "releaseId");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(environment, "environment");
        pullRequest = pullRequest == null ? Optional.empty() : pullRequest;
        sha = sha == null ? Optional.empty() : sha;
        stableRevision = stableRevision == null ? Optional.empty() : stableRevision;
        newRevision = newRevision == null ? Optional.empty() : newRevision;
        reason = reason == null ? Optional.empty() : reason;
        evidenceUrl = evidenceUrl == null ? Optional.empty() : evidenceUrl;
    }

    /**
     * The delivery id of {@code hook} at {@code point} of {@code releaseId}.
     *
     * @param releaseId the release
     * @param point where in the release it runs
     * @param hook the hook's name
     * @return the delivery id of {@code hook} at {@code point} of {@code releaseId}
     */
    public static String deliveryId(String releaseId, HookPoint point, String hook) {
        return releaseId + ":" + point.name().toLowerCase(java.util.Locale.ROOT) + ":" + hook;
    }

    /**
     * The context as flat, snake_case text values, in a fixed order, absent values left out: what a webhook's JSON
     * body, a workflow's inputs and a command's environment carry ({@code point}, {@code delivery_id},
     * {@code release_id}, {@code app}, {@code environment}, {@code pull_request}, {@code sha},
     * {@code stable_revision}, {@code new_revision}, {@code reason}, {@code database_migration},
     * {@code evidence_url}).
     *
     * @return the context as flat, snake_case text values, in a fixed order, absent values left out: what a webhook's
     *     JSON body, a workflow's inputs and a command's environment carry ({@code point}, {@code delivery_id}, {@code
     *     release_id}, {@code app}, {@code environment}, {@code pull_request}, {@code sha}, {@code stable_revision},
     *     {@code new_revision}, {@code reason}, {@code database_migration}, {@code evidence_url})
     */
    public Map<String, String> values() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("point", point.name().toLowerCase(java.util.Locale.ROOT));
        v.put("delivery_id", deliveryId);
        v.put("release_id", releaseId);
        v.put("app", app);
        v.put("environment", environment);
        pullRequest.ifPresent(n -> v.put("pull_request", Integer.toString(n)));
        sha.ifPresent(s -> v.put("sha", s));
        stableRevision.ifPresent(s -> v.put("stable_revision", s));
        newRevision.ifPresent(s -> v.put("new_revision", s));
        reason.ifPresent(s -> v.put("reason", s));
        v.put("database_migration", Boolean.toString(databaseMigration));
        evidenceUrl.ifPresent(s -> v.put("evidence_url", s));
        return v;
    }
}
