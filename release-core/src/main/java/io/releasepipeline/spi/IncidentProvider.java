package io.releasepipeline.spi;

import java.util.List;
import java.util.Set;

/**
 * Where open incidents are tracked (GitHub issues labelled {@code SEV-1}, a paging system, a fake).
 *
 * <p>Contract: thread-safe; blocks on I/O; read-only and idempotent; failures are
 * {@link io.releasepipeline.error.ProviderException}s. A failure to read incidents is never taken as "no incidents".
 */
public interface IncidentProvider extends Provider {

    /**
     * Every open incident whose severity is one of {@code severities} (exact, case-insensitive match).
     *
     * @param severities the severities to look for, e.g. {@code SEV-1}
     * @return every open incident whose severity is one of {@code severities} (exact, case-insensitive match)
     */
    List<Incident> openIncidents(Set<String> severities);
}
