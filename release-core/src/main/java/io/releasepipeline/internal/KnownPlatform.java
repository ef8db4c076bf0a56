package io.releasepipeline.internal;

import io.releasepipeline.spi.AppTraffic;
import io.releasepipeline.spi.Revision;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one release last read of its app, or had confirmed by the platform, and when: the traffic (mode, split,
 * labels) and each revision's state. The engine acts on it instead of reading again while it is fresh, so that a
 * rollback's first request is the change itself.
 *
 * <p>Why a known state is safe to act on: a traffic change names absolute weights and the platform validates it, so
 * a stale state cannot cause a wrong split. What it can cause is bounded: a refused change (the app's mode or a
 * revision's activation changed by someone else since), which the caller answers by reading again and retrying;
 * a traffic label added by hand since the last read, which the next change would not know to keep. Hence a state
 * is fresh for {@link #MAX_AGE} at most, and forgotten whenever something outside the release may have changed the
 * app (the deploy run) or a change's outcome is unknown (a failed call). Not thread-safe: one release's thread.
 */
final class KnownPlatform {

    /**
     * How long a read stays usable: 30 minutes, longer than the default release's observation (so that its
     * rollback reads nothing first) and short enough that a release that waited long for an approval reads again.
     */
    static final Duration MAX_AGE = Duration.ofMinutes(30);

    private record Known<T>(T value, Instant at) {
        boolean freshAt(Instant now) {
            return !now.isAfter(at.plus(MAX_AGE));
        }
    }

    private Known<AppTraffic> traffic;
    private final Map<String, Known<Revision>> revisions = new HashMap<>();

    /** The traffic as last read or confirmed, if fresh at {@code now}. */
    Optional<AppTraffic> traffic(Instant now) {
        return traffic != null && traffic.freshAt(now) ? Optional.of(traffic.value()) : Optional.empty();
    }

    /** When the traffic was last read or confirmed, if that is fresh at {@code now}. */
    Optional<Instant> trafficAt(Instant now) {
        return traffic != null && traffic.freshAt(now) ? Optional.of(traffic.at()) : Optional.empty();
    }

    /** A revision's state as last read, if fresh at {@code now}. */
    Optional<Revision> revision(String name, Instant now) {
        Known<Revision> r = revisions.get(name);
        return r != null && r.freshAt(now) ? Optional.of(r.value()) : Optional.empty();
    }

    void traffic(AppTraffic read, Instant at) {
        traffic = new Known<>(read, at);
    }

    void revision(Revision read, Instant at) {
        revisions.put(read.name(), new Known<>(read, at));
    }

    void revisions(List<Revision> read, Instant at) {
        read.forEach(r -> revision(r, at));
    }

    /** A revision the platform activated: known active, the rest of what was read kept. */
    void activated(String name, Instant at) {
        Known<Revision> r = revisions.get(name);
        if (r != null) {
            Revision v = r.value();
            revisions.put(name, new Known<>(new Revision(v.name(), v.createdAt(), true, v.trafficWeight(), v.health(),
                    v.provisioning(), v.running(), v.image(), v.url()), at));
        }
    }

    /** Forgets the traffic: its outcome is unknown, or someone else may have changed it. */
    void forgetTraffic() {
        traffic = null;
    }

    /** Forgets everything. */
    void forget() {
        traffic = null;
        revisions.clear();
    }
}
