package io.releasepipeline.evidence;

import io.releasepipeline.evidence.JournalState.Approval;
import io.releasepipeline.evidence.JournalState.AwaitingApproval;
import io.releasepipeline.evidence.JournalState.CreatingDeployment;
import io.releasepipeline.evidence.JournalState.Deployed;
import io.releasepipeline.evidence.JournalState.Deployment;
import io.releasepipeline.evidence.JournalState.Finished;
import io.releasepipeline.evidence.JournalState.Finishing;
import io.releasepipeline.evidence.JournalState.GatesPassed;
import io.releasepipeline.evidence.JournalState.Merged;
import io.releasepipeline.evidence.JournalState.MergedBeforeRelease;
import io.releasepipeline.evidence.JournalState.Merging;
import io.releasepipeline.evidence.JournalState.NewRevision;
import io.releasepipeline.evidence.JournalState.Observing;
import io.releasepipeline.evidence.JournalState.Resumed;
import io.releasepipeline.evidence.JournalState.RollbackStarted;
import io.releasepipeline.evidence.JournalState.RollingBack;
import io.releasepipeline.evidence.JournalState.Shifting;
import io.releasepipeline.evidence.JournalState.Started;
import io.releasepipeline.evidence.JournalState.StepPassed;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one translation between {@link JournalState}s and the {@link JournalEntry}s evidence stores keep. Entries stay
 * readable by people: a state name and a flat map of strings ({@code "weight": "50"}), plus, under
 * {@link #RECORD}, the release's record as it stood (JSON), so a resumed release keeps what the stopped one saw.
 *
 * <p>Reads both formats: {@link #FORMAT} (written by this version) and {@link #LEGACY_FORMAT} (journals written
 * before states were typed: a standalone rollback began with {@code STARTED} and a {@code reason}, and gate verdicts
 * were keyed by the bare gate name). An entry from a newer format, an unknown state or a missing field is an
 * {@link IllegalArgumentException} naming the entry. Stateless and thread-safe.
 */
public final class JournalCodec {

    /** The format this version writes. */
    public static final int FORMAT = 2;
    /** The format of journals written before entries carried a format: string states, string data. */
    public static final int LEGACY_FORMAT = 1;
    /** The data key of the record snapshot. */
    public static final String RECORD = "record";

    private static final String GATE_PREFIX = "gate:";

    private JournalCodec() {
    }

    /**
     * The entry that journals {@code state} as entry {@code sequence} of the release, with the record as it stood
     * when there is one.
     *
     * @param app the app
     * @param releaseId the release
     * @param sequence the entry's number in the journal, from 1
     * @param at when the state was reached
     * @param state the state
     * @param snapshot the record as it stood, if any
     * @return the entry that journals {@code state} as entry {@code sequence} of the release, with the record as it
     *     stood when there is one
     */
    public static JournalEntry encode(String app, String releaseId, int sequence, Instant at, JournalState state,
            Optional<ReleaseRecord> snapshot) {
        Map<String, String> data = new LinkedHashMap<>();
        if (state instanceof Started s) {
            data.put("pullRequest", String.valueOf(s.pullRequest()));
            data.put("databaseMigration", String.valueOf(s.databaseMigration()));
            data.put("environment", s.environment());
            data.put("rollForwardOnly", String.valueOf(s.rollForwardOnly()));
            data.put("firstRelease", String.valueOf(s.firstRelease()));
        } else if (state instanceof RollbackStarted s) {
            data.put("reason", s.reason());
        } else if (state instanceof GatesPassed s) {
            s.gates().forEach(g -> data.put(GATE_PREFIX + g.gate(), g.status() + "|" + g.reason()));
        } else if (state instanceof Merging s) {
            data.put("headSha", s.headSha());
            data.put("stable", s.stable());
        } else if (state instanceof Merged s) {
            data.put("mergeSha", s.mergeSha());
        } else if (state instanceof MergedBeforeRelease s) {
            data.put("headSha", s.headSha());
            data.put("stable", s.stable());
            data.put("mergeSha", s.mergeSha());
            s.newRevision().ifPresent(r -> data.put("new", r));
        } else if (state instanceof CreatingDeployment s) {
            data.put("sha", s.sha());
        } else if (state instanceof Deployment s) {
            data.put("id", s.id());
        } else if (state instanceof Deployed s) {
            data.put("runId", s.runId());
        } else if (state instanceof NewRevision s) {
            data.put("revision", s.revision());
        } else if (state instanceof Shifting s) {
            data.put("weight", String.valueOf(s.weight()));
            data.put("stable", s.stable());
            data.put("new", s.newRevision());
        } else if (state instanceof Observing s) {
            data.put("weight", String.valueOf(s.weight()));
        } else if (state instanceof StepPassed s) {
            data.put("weight", String.valueOf(s.weight()));
        } else if (state instanceof AwaitingApproval s) {
            data.put("weight", String.valueOf(s.weight()));
        } else if (state instanceof Approval s) {
            data.put("weight", String.valueOf(s.weight()));
            data.put("approved", String.valueOf(s.approved()));
            data.put("by", s.by());
        } else if (state instanceof RollingBack s) {
            data.put("to", s.to());
            data.put("reason", s.reason());
        } else if (state instanceof Resumed s) {
            data.put("after", s.after());
        } else if (state instanceof JournalState.MigrationJudged s) {
            data.put("migration", String.valueOf(s.migration()));
            data.put("rollForwardOnly", String.valueOf(s.rollForwardOnly()));
            data.put("reason", s.reason());
        } else if (state instanceof JournalState.HookStarted s) {
            data.put("point", s.point().name());
            data.put("hook", s.hook());
            data.put("kind", s.kind());
            data.put("deliveryId", s.deliveryId());
            data.put("migrationRollback", String.valueOf(s.migrationRollback()));
        } else if (state instanceof JournalState.HookFinished s) {
            data.put("point", s.point().name());
            data.put("hook", s.hook());
            data.put("status", s.status().name());
            data.put("summary", s.summary());
            s.link().ifPresent(l -> data.put("link", l));
            data.put("durationMillis", String.valueOf(s.duration().toMillis()));
        } else if (state instanceof Finishing s) {
            data.put("outcome", s.outcome().name());
        } else if (state instanceof Finished s) {
            data.put("outcome", s.outcome().name());
        }
        snapshot.ifPresent(r -> data.put(RECORD, new String(EvidenceJson.toBytes(r), StandardCharsets.UTF_8)));
        return new JournalEntry(FORMAT, app, releaseId, sequence, at, state.name(), data);
    }

    /**
     * The state an entry journals.
     *
     * @param entry the journal entry
     * @return the state an entry journals
     * @throws IllegalArgumentException if the entry is from a newer format, names an unknown state or lacks a field
     */
    public static JournalState decode(JournalEntry entry) {
        if (entry.format() > FORMAT) {
            throw invalid(entry, "was written in journal format " + entry.format() + " by a newer version (this one "
                    + "reads up to " + FORMAT + "); resume it with that version");
        }
        Map<String, String> d = entry.data();
        boolean legacy = entry.format() == LEGACY_FORMAT;
        return switch (entry.state()) {
            case "STARTED" -> legacy && !d.containsKey("pullRequest") && d.containsKey("reason")
                    ? new RollbackStarted(d.get("reason"))
                    : new Started(intOf(entry, "pullRequest"), bool(d, "databaseMigration"),
                            d.getOrDefault("environment", io.releasepipeline.ReleaseRequest.DEFAULT_ENVIRONMENT),
                            bool(d, "rollForwardOnly"), bool(d, "firstRelease"));
            case "ROLLBACK_STARTED" -> new RollbackStarted(get(entry, "reason"));
            case "GATES_PASSED" -> new GatesPassed(gates(entry, legacy));
            case "MERGING" -> new Merging(get(entry, "headSha"), get(entry, "stable"));
            case "MERGED" -> new Merged(get(entry, "mergeSha"));
            case "MERGED_BEFORE_RELEASE" -> new MergedBeforeRelease(get(entry, "headSha"), get(entry, "stable"),
                    get(entry, "mergeSha"), Optional.ofNullable(d.get("new")));
            case "CREATING_DEPLOYMENT" -> new CreatingDeployment(get(entry, "sha"));
            case "DEPLOYMENT" -> new Deployment(get(entry, "id"));
            case "DEPLOYED" -> new Deployed(d.getOrDefault("runId", ""));
            case "NEW_REVISION" -> new NewRevision(get(entry, "revision"));
            case "SHIFTING" -> new Shifting(intOf(entry, "weight"), get(entry, "stable"), get(entry, "new"));
            case "OBSERVING" -> new Observing(intOf(entry, "weight"));
            case "STEP_PASSED" -> new StepPassed(intOf(entry, "weight"));
            case "AWAITING_APPROVAL" -> new AwaitingApproval(intOf(entry, "weight"));
            case "APPROVAL" -> new Approval(intOf(entry, "weight"), bool(d, "approved"), d.getOrDefault("by", ""));
            case "ROLLING_BACK" -> new RollingBack(get(entry, "to"), d.getOrDefault("reason", ""));
            case "RESUMED" -> new Resumed(d.getOrDefault("after", "unknown"));
            case "MIGRATION_JUDGED" -> new JournalState.MigrationJudged(bool(d, "migration"),
                    bool(d, "rollForwardOnly"), d.getOrDefault("reason", ""));
            case "HOOK_STARTED" -> new JournalState.HookStarted(hookPoint(entry), get(entry, "hook"),
                    d.getOrDefault("kind", "hook"), get(entry, "deliveryId"), bool(d, "migrationRollback"));
            case "HOOK_FINISHED" -> new JournalState.HookFinished(hookPoint(entry), get(entry, "hook"),
                    hookStatus(entry), d.getOrDefault("summary", ""), Optional.ofNullable(d.get("link")),
                    duration(entry));
            case "FINISHING" -> new Finishing(outcome(entry));
            case "FINISHED" -> new Finished(outcome(entry));
            default -> throw invalid(entry, "has the unknown state " + entry.state());
        };
    }

    /**
     * The record as it stood when the entry was journaled, if the entry carries one.
     *
     * @param entry the journal entry
     * @return the record as it stood when the entry was journaled, if the entry carries one
     */
    public static Optional<ReleaseRecord> snapshot(JournalEntry entry) {
        return Optional.ofNullable(entry.data().get(RECORD)).map(json ->
                EvidenceJson.fromBytes(json.getBytes(StandardCharsets.UTF_8), ReleaseRecord.class));
    }

    private static List<GateResult> gates(JournalEntry entry, boolean legacy) {
        List<GateResult> gates = new ArrayList<>();
        entry.data().forEach((key, verdict) -> {
            String gate;
            if (legacy) {
                if (key.equals(RECORD)) {
                    return;
                }
                gate = key;
            } else if (key.startsWith(GATE_PREFIX)) {
                gate = key.substring(GATE_PREFIX.length());
            } else {
                return;
            }
            int bar = verdict.indexOf('|');
            if (bar < 0) {
                throw invalid(entry, "has the gate verdict '" + verdict + "' for " + gate + " (expected STATUS|reason)");
            }
            gates.add(new GateResult(gate, GateStatus.valueOf(verdict.substring(0, bar)), verdict.substring(bar + 1)));
        });
        gates.sort(java.util.Comparator.comparing(GateResult::gate));
        return gates;
    }

    private static ReleaseOutcome outcome(JournalEntry entry) {
        return constant(entry, "outcome", ReleaseOutcome.class, "outcome");
    }

    private static io.releasepipeline.hook.HookPoint hookPoint(JournalEntry entry) {
        return constant(entry, "point", io.releasepipeline.hook.HookPoint.class, "hook point");
    }

    private static io.releasepipeline.hook.HookResult.Status hookStatus(JournalEntry entry) {
        return constant(entry, "status", io.releasepipeline.hook.HookResult.Status.class, "hook status");
    }

    /** The constant of {@code type} named by {@code key}; an unknown name is invalid, called a {@code what}. */
    private static <E extends Enum<E>> E constant(JournalEntry entry, String key, Class<E> type, String what) {
        try {
            return Enum.valueOf(type, get(entry, key));
        } catch (IllegalArgumentException e) {
            throw invalid(entry, "names the unknown " + what + " " + entry.data().get(key));
        }
    }

    /**
     * A hook's duration: whole milliseconds under {@code durationMillis}, or an ISO-8601 string under {@code duration}
     * in an entry journaled before durations were written as milliseconds (a release in flight across an upgrade).
     */
    private static java.time.Duration duration(JournalEntry entry) {
        String millis = entry.data().get("durationMillis");
        if (millis != null || !entry.data().containsKey("duration")) {
            try {
                return java.time.Duration.ofMillis(Long.parseLong(get(entry, "durationMillis")));
            } catch (NumberFormatException e) {
                throw invalid(entry, "has a durationMillis that is not a whole number of milliseconds: " + millis);
            }
        }
        try {
            return java.time.Duration.parse(entry.data().get("duration"));
        } catch (java.time.format.DateTimeParseException e) {
            throw invalid(entry, "has a duration that is not ISO-8601: " + entry.data().get("duration"));
        }
    }

    private static boolean bool(Map<String, String> data, String key) {
        return Boolean.parseBoolean(data.getOrDefault(key, "false"));
    }

    private static int intOf(JournalEntry entry, String key) {
        try {
            return Integer.parseInt(get(entry, key));
        } catch (NumberFormatException e) {
            throw invalid(entry, "has a " + key + " that is not a number: " + entry.data().get(key));
        }
    }

    private static String get(JournalEntry entry, String key) {
        String value = entry.data().get(key);
        if (value == null) {
            throw invalid(entry, "lacks '" + key + "'");
        }
        return value;
    }

    private static IllegalArgumentException invalid(JournalEntry entry, String what) {
        return new IllegalArgumentException("journal entry " + entry.sequence() + " (" + entry.state()
                + ") of release " + entry.releaseId() + " " + what);
    }
}
