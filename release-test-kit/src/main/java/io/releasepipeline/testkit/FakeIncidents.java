package io.releasepipeline.testkit;

import io.releasepipeline.spi.Incident;
import io.releasepipeline.spi.IncidentProvider;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An in-memory incident source: incidents are open until resolved; severities match exactly, ignoring case.
 *
 * <pre>{@code
 * FakeIncidents incidents = new FakeIncidents().open("INC-7", "SEV-2");
 * clock.scheduleAt(Duration.ofMinutes(3), () -> incidents.resolve("INC-7"));
 * incidents.failAlways("openIncidents");   // the incident source is down: the gate must not pass
 * }</pre>
 *
 * <p>Operation for {@link #failNext}: {@code openIncidents} (only counted, never logged). Thread-safe.
 */
public final class FakeIncidents extends ScriptedFake implements IncidentProvider {

    private final Map<String, Incident> open = new LinkedHashMap<>();

    /** No open incident. */
    public FakeIncidents() {
        super("fake-incidents", Set.of("openIncidents"));
    }

    /**
     * Opens (or replaces) {@code incident}.
     *
     * @param incident the incident
     * @return this {@code FakeIncidents}, for chaining
     */
    public synchronized FakeIncidents open(Incident incident) {
        open.put(incident.id(), incident);
        return this;
    }

    /**
     * Opens an incident by id and severity: {@code open("INC-7", "SEV-1")}.
     *
     * @param id the incident's id
     * @param severity its severity, e.g. {@code SEV-1}
     * @return this {@code FakeIncidents}, for chaining
     */
    public FakeIncidents open(String id, String severity) {
        return open(new Incident(id, "Incident " + id, severity, "https://incidents.example.test/" + id,
                Optional.empty()));
    }

    /**
     * Resolves the incident {@code id}; resolving an unknown or resolved one does nothing.
     *
     * @param id the incident's id
     * @return this {@code FakeIncidents}, for chaining
     */
    public synchronized FakeIncidents resolve(String id) {
        open.remove(id);
        return this;
    }

    @Override
    public synchronized List<Incident> openIncidents(Set<String> severities) {
        call("openIncidents");
        Set<String> wanted = new HashSet<>();
        for (String s : severities) {
            wanted.add(s.toLowerCase(Locale.ROOT));
        }
        List<Incident> found = new ArrayList<>();
        for (Incident i : open.values()) {
            if (wanted.contains(i.severity().toLowerCase(Locale.ROOT))) {
                found.add(i);
            }
        }
        return List.copyOf(found);
    }

    @Override
    public synchronized String toString() {
        return "FakeIncidents" + open.keySet();
    }
}
