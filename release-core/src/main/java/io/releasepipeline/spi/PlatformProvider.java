package io.releasepipeline.spi;

import java.util.List;
import java.util.Optional;

/**
 * The cloud platform that runs the app's revisions (Azure Container Apps, a local router in the demo, a fake in
 * tests). One instance serves one app.
 *
 * <p>Contract for every method: implementations are thread-safe; calls block on I/O and return when the platform
 * has answered (long-running operations are awaited to completion); failures are thrown as
 * {@link io.releasepipeline.error.ProviderException} with {@code isTransient()} set for timeouts, throttling and server
 * errors. Providers do not wait for revisions to become ready: the engine polls {@link #revision(String)} on its
 * injected clock, so waits stay in virtual time in tests.
 */
public interface PlatformProvider extends Provider {

    /**
     * The app's name, as used in evidence file names and messages.
     *
     * @return the app's name, as used in evidence file names and messages
     */
    String appName();

    /**
     * Every revision of the app, active or not, in any order, following all pages. Read-only, idempotent.
     *
     * @return every revision of the app, active or not, in any order, following all pages
     */
    List<Revision> listRevisions();

    /**
     * One revision, or empty if the platform does not know it (e.g. a 404). Read-only, idempotent.
     *
     * @param name the revision's name
     * @return one revision, or empty if the platform does not know it (e.g. a 404)
     */
    Optional<Revision> revision(String name);

    /**
     * The app's revision mode and current traffic split. Entries the platform expresses indirectly (Azure's
     * {@code latestRevision: true}) are resolved to revision names. Read-only, idempotent.
     *
     * @return the app's revision mode and current traffic split
     */
    AppTraffic traffic();

    /**
     * Activates a revision so that it can receive traffic. Idempotent: activating an active revision succeeds.
     *
     * @param revision the revision's name
     * @throws io.releasepipeline.error.ProviderException if the revision does not exist or the call fails
     */
    void activate(String revision);

    /**
     * Deactivates a revision. Idempotent. Callers never deactivate a revision that has traffic.
     *
     * @param revision the revision's name
     * @throws io.releasepipeline.error.ProviderException if the revision does not exist or the call fails
     */
    void deactivate(String revision);

    /**
     * Whether {@link #setTraffic} can move traffic between revisions while the app is in {@code mode}: give all of
     * it to a revision that does not have it (a rollback does). Splitting it also needs {@link RevisionMode#MULTIPLE}.
     * The engine asks before it changes anything, so that a rollback the platform would refuse is refused up front,
     * at the gates and in a dry run, instead of half done. Answers from configuration, without I/O; thread-safe.
     * Default: true. Azure Container Apps answers false for Single mode unless it may switch the app to Multiple.
     *
     * @param mode the app's revision mode
     * @return whether {@link #setTraffic} can move traffic between revisions while the app is in {@code mode}: give
     *     all of it to a revision that does not have it (a rollback does)
     */
    default boolean canMoveTraffic(RevisionMode mode) {
        return true;
    }

    /**
     * Replaces the whole traffic split with {@code weights} and says what the platform confirmed. Idempotent: sending
     * the split that is already in place succeeds. Every named revision must be active. On return the platform has
     * accepted and applied the split; if the call fails, the split in place is whatever {@link #traffic()} then
     * reports (the engine reads it back).
     *
     * <p>The answer is the engine's confirmation that the change applied, so it must come from the platform: its
     * answer to the change (Azure's PATCH answered 200 with the app, or its long-running operation ended Succeeded,
     * which applies exactly the split sent) or, for a platform that answers nothing useful, a read after the change.
     * The engine reads the split back itself only when the answer differs from what it asked for.
     *
     * @param weights the new split, adding up to 100
     * @return the app's traffic after the change, as the platform confirmed it
     * @throws io.releasepipeline.error.ProviderException if the platform refuses (e.g. single revision mode) or fails
     */
    AppTraffic setTraffic(TrafficWeights weights);

    /**
     * {@link #setTraffic(TrafficWeights)}, knowing the app as last read or confirmed: {@code current} is what this
     * provider answered to {@link #traffic()} or to an earlier {@code setTraffic} during the same release, so that a
     * provider that needs the app's mode or labels to write the split can skip reading them again (Azure's provider
     * saves a GET of the app). The split sent is absolute and the platform validates it, so a stale {@code current}
     * cannot cause a wrong split: at worst the platform refuses the change (the app's mode changed since, the
     * revision was deactivated), and the caller reads the app again and retries. Same contract otherwise.
     *
     * <p>Default: {@link #setTraffic(TrafficWeights)}, ignoring {@code current}.
     *
     * @param weights the new split, adding up to 100
     * @param current the app's traffic as this provider last reported it
     * @return the app's traffic after the change, as the platform confirmed it
     * @throws io.releasepipeline.error.ProviderException if the platform refuses (e.g. single revision mode) or fails
     */
    default AppTraffic setTraffic(TrafficWeights weights, AppTraffic current) {
        return setTraffic(weights);
    }
}
