package io.releasepipeline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.RollbackResult;
import io.releasepipeline.evidence.EvidenceJson;
import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.health.EndpointResult;
import io.releasepipeline.health.SmokeResult;
import java.util.List;
import java.util.stream.Collectors;

/** Results as text lines and JSON documents. Stateless. */
final class Reports {

    private Reports() {
    }

    /**
     * A release's result: outcome, id, gates, whether the merge deploys ({@code deploy}: which filter, which files),
     * traffic changes, rollback, evidence and the whole record.
     */
    static ObjectNode release(ObjectNode doc, ReleaseResult result) {
        ObjectMapper m = EvidenceJson.mapper();
        ReleaseRecord r = result.record();
        doc.put("outcome", result.outcome().name()).put("releaseId", result.releaseId()).put("app", r.app());
        r.pullRequest().ifPresent(n -> doc.put("pullRequest", n));
        r.previousRevision().ifPresent(v -> doc.put("previousRevision", v));
        r.newRevision().ifPresent(v -> doc.put("newRevision", v));
        doc.set("gates", m.valueToTree(result.gates()));
        doc.set("trafficChanges", m.valueToTree(r.trafficChanges()));
        r.rollback().ifPresent(rb -> doc.set("rollback", m.valueToTree(rb)));
        r.deployMatch().ifPresent(d -> doc.set("deploy", m.valueToTree(d)));
        result.evidenceLocation().ifPresent(e -> doc.put("evidence", e));
        doc.set("notes", m.valueToTree(r.notes()));
        doc.set("record", m.valueToTree(r));
        return doc;
    }

    /** A standalone rollback's result. */
    static ObjectNode rollback(ObjectNode doc, RollbackResult result) {
        ObjectMapper m = EvidenceJson.mapper();
        doc.put("outcome", result.outcome().name())
                .put("releaseId", result.releaseId()).put("succeeded", result.succeeded())
                .put("toRevision", result.details().toRevision());
        result.details().fromRevision().ifPresent(f -> doc.put("fromRevision", f));
        result.trafficAfter().ifPresent(t -> doc.set("trafficAfter", m.valueToTree(t.weights())));
        result.evidenceLocation().ifPresent(e -> doc.put("evidence", e));
        doc.set("rollback", m.valueToTree(result.details()));
        return doc;
    }

    /**
     * One line: how a standalone rollback ended, worded for its outcome (only {@code ROLLBACK_FAILED} says the
     * rollback failed: with a hook failure or no recovery, traffic did move and the smoke check passed).
     */
    static String summary(RollbackResult result) {
        io.releasepipeline.evidence.RollbackDetails d = result.details();
        return switch (result.outcome()) {
            case ROLLED_BACK -> "rolled back to " + d.toRevision();
            case ROLLED_BACK_NOT_RECOVERED -> "rolled back to " + d.toRevision() + " but NOT RECOVERED, page someone: "
                    + d.recovery().map(r -> r.detail()).orElse("see the evidence");
            case ROLLED_BACK_HOOK_FAILED -> "rolled back to " + d.toRevision() + " (traffic moved, its smoke check "
                    + "passed), but a rollback hook failed, page someone: " + d.hookFailure().orElse("see the evidence");
            default -> "ROLLBACK FAILED, page someone: " + d.detail().orElse("see the evidence");
        };
    }

    /** The rollback hooks that did not succeed, e.g. {@code rollback hook undo-migration FAILED: ...}. */
    static String failedHooks(ReleaseRecord r) {
        String failed = r.hooks().stream().filter(h -> !h.succeeded()).map(h -> h.name() + " " + h.status() + ": "
                + h.summary()).collect(Collectors.joining("; "));
        return failed.isEmpty() ? "see the record" : "rollback hook " + failed;
    }

    /** One line: how the release ended and why. */
    static String summary(ReleaseResult result) {
        ReleaseRecord r = result.record();
        String what = "release " + result.releaseId() + " " + result.outcome();
        return switch (result.outcome()) {
            case PROMOTED -> what + ": " + r.newRevision().orElse("?") + " serves 100%";
            case GATES_FAILED -> r.postMerge()
                    ? what + " after the merge: " + result.failedGates().stream().map(g -> g.gate() + " (" + g.reason()
                            + ")").collect(Collectors.joining("; ")) + "; " + r.notes().get(r.notes().size() - 1)
                    : what + ": " + failedGates(result.gates());
            case ROLLED_BACK -> what + ": back on " + backOn(r);
            case ROLLED_BACK_NOT_RECOVERED -> what + ": PAGE SOMEONE: back on " + backOn(r)
                    + ", but its error rate did not return to baseline: " + r.rollback().flatMap(d -> d.recovery())
                            .map(rec -> rec.detail()).orElse("see the record");
            case ROLLED_BACK_HOOK_FAILED -> what + ": PAGE SOMEONE: back on " + backOn(r)
                    + "; " + r.rollback().flatMap(d -> d.detail()).orElseGet(() -> failedHooks(r))
                    + r.rollback().flatMap(d -> d.notRecovered()).map(rec -> "; and NOT RECOVERED: its error rate "
                            + "did not return to baseline: " + rec.detail()).orElse("");
            case ROLLBACK_FAILED -> what + ": PAGE SOMEONE: " + r.rollback().flatMap(d -> d.detail())
                    .orElse("the rollback did not complete");
            case ABORTED -> what + ": stopped before traffic moved: " + String.join("; ", r.notes());
            case FROZEN -> what + ": PAGE SOMEONE: roll-forward-only release frozen at "
                    + r.trafficChanges().stream().reduce((a, b) -> b).map(c -> c.to().toString()).orElse("?")
                    + "; roll forward with a fix";
            case NOTHING_TO_DEPLOY -> what + ": merged; nothing to deploy, so no deploy run and traffic untouched ("
                    + r.deployMatch().map(d -> d.reason() + "; filter: " + d.filter()).orElse("") + ")";
            case IN_PROGRESS -> what;
        };
    }

    /** The revision a rollback went back to and why, e.g. {@code r1 (smoke-check ...)}. */
    private static String backOn(ReleaseRecord r) {
        return r.rollback().map(d -> d.toRevision() + " (" + d.reason() + ")").orElse("the previous revision");
    }

    /** Which gates failed, with their reasons; nothing was changed. */
    static String failedGates(List<GateResult> gates) {
        return gates.stream().filter(g -> !g.passed()).map(g -> g.gate() + " (" + g.reason() + ")")
                .collect(Collectors.joining("; ")) + "; nothing was changed";
    }

    /** One line per gate. */
    static List<String> gateLines(List<GateResult> gates) {
        return gates.stream().map(g -> String.format("  %-5s %s: %s", g.passed() ? "PASS" : g.status(), g.gate(),
                g.reason())).toList();
    }

    /** One line per endpoint: PASS/FAIL, status, latencies, error. */
    static List<String> smokeLines(SmokeResult result) {
        return result.endpoints().stream().map(Reports::endpointLine).toList();
    }

    private static String endpointLine(EndpointResult e) {
        return String.format("  %-4s %-30s %-4s %s%s", e.passed() ? "PASS" : "FAIL", e.endpoint(),
                e.status().map(String::valueOf).orElse("-"),
                e.medianLatency().map(d -> "median " + d.toMillis() + "ms, p95 "
                        + e.p95Latency().map(p -> p.toMillis() + "ms").orElse("-")).orElse(""),
                e.error().map(err -> (e.medianLatency().isPresent() ? "  " : "") + err).orElse(""));
    }
}
