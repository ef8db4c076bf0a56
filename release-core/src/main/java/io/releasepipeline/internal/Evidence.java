package io.releasepipeline.internal;

import io.releasepipeline.RollbackResult;
import io.releasepipeline.error.ProviderException;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.EvidenceLink;
import io.releasepipeline.evidence.EvidenceMarkdown;
import io.releasepipeline.evidence.EvidenceReport;
import io.releasepipeline.evidence.EvidenceTemplate;
import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.RollbackDetails;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.spi.DeploymentState;
import java.util.List;
import java.util.Optional;

/**
 * The release's traces outside the platform: the evidence record, the CI system's deployment record, the incident
 * note. A failure here never changes the release's outcome; it is reported as a warning.
 */
final class Evidence {

    private final ReleaseOps ops;

    Evidence(ReleaseOps ops) {
        this.ops = ops;
    }

    Optional<String> write(ReleaseRecord record) {
        try {
            EvidenceMarkdown markdown = markdown();
            String location = ops.evidence("write(" + record.releaseId() + ")", e -> e.write(record, markdown));
            ops.emit(new ReleaseEvent.EvidenceRecorded(ops.releaseId, ops.now(), location));
            return Optional.of(location);
        } catch (ProviderException e) {
            ops.warn("the evidence record could not be written: " + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The configured evidence template, or the built-in report. A template that fails while it renders (a defect,
     * never bad input: it was parsed at build) gives way to the report with a warning, so the record is still written.
     */
    private EvidenceMarkdown markdown() {
        Optional<EvidenceTemplate> template = ops.config.evidenceTemplate();
        if (template.isEmpty()) {
            return EvidenceMarkdown.report();
        }
        return (record, svg) -> {
            try {
                return template.get().render(record, svg);
            } catch (RuntimeException e) {
                ops.warn("the evidence template " + template.get().name() + " could not be filled (" + e
                        + "); the evidence is the built-in report");
                return EvidenceReport.markdown(record, svg);
            }
        };
    }

    Optional<String> createDeployment(String sha, String environment) {
        try {
            // Idempotent per release (the provider finds the release's record before creating one): safe to retry.
            String id = ops.ci("createDeployment(" + Promotion.shortSha(sha) + ")",
                    c -> c.createDeployment(sha, environment, ops.releaseId,
                            SafeText.githubPlain("release " + ops.releaseId, DESCRIPTION_LIMIT)));
            deploymentStatus(Optional.of(id), DeploymentState.IN_PROGRESS, "release " + ops.releaseId
                    + " in progress");
            return Optional.of(id);
        } catch (ProviderException e) {
            ops.warn("no deployment record in " + ops.config.ci().providerName() + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    void deploymentStatus(Optional<String> deploymentId, DeploymentState state, String description) {
        deploymentStatus(deploymentId, state, description, Optional.empty());
    }

    /**
     * The public link to the evidence at {@code location}: what the configured {@link EvidenceLink} gives, kept only
     * when it is an http(s) URL. A link that throws is a warning, not a failure.
     */
    Optional<String> link(Optional<String> location) {
        if (location.isEmpty()) {
            return Optional.empty();
        }
        try {
            return ops.config.evidenceLink().link(location.get())
                    .filter(l -> l.startsWith("https://") || l.startsWith("http://"));
        } catch (RuntimeException e) {
            ops.warn("the evidence link could not be made (" + e + "); the notes name the evidence file alone");
            return Optional.empty();
        }
    }

    /**
     * How a public note names the evidence: a link (the file name as its label) when there is one, otherwise the file
     * name alone, so no local path (a home directory, a runner's workspace) reaches a public pull request.
     */
    String evidenceReference(Optional<String> location) {
        if (location.isEmpty()) {
            return "not written (see the release log)";
        }
        String name = SafeText.markdownCode(SafeText.fileName(location.get()));
        return link(location).map(url -> "[" + name + "](" + SafeText.markdownUrl(url) + ")").orElse(name);
    }

    /** How long a composed sentence (ours, with untrusted parts) may be in a note, in characters of the input. */
    private static final int SENTENCE_LIMIT = 1_000;

    /** The deployment status that matches how a release ended; empty when no deployment was recorded. */
    static Optional<DeploymentState> finalState(io.releasepipeline.evidence.ReleaseOutcome outcome) {
        return switch (outcome) {
            case PROMOTED -> Optional.of(DeploymentState.SUCCESS);
            case ROLLED_BACK, ROLLED_BACK_NOT_RECOVERED, ROLLED_BACK_HOOK_FAILED, ROLLBACK_FAILED, FROZEN ->
                    Optional.of(DeploymentState.FAILURE);
            case ABORTED -> Optional.of(DeploymentState.ERROR);
            // Nothing was deployed, so no deployment record was created to report on.
            case NOTHING_TO_DEPLOY -> Optional.empty();
            default -> Optional.empty();
        };
    }

    /** GitHub's limit on a deployment status description. */
    static final int DESCRIPTION_LIMIT = 140;

    /**
     * Records a deployment status; {@code logUrl} links the evidence when it has a public link. The description,
     * which may quote a rollback reason, is {@link SafeText#githubPlain plain GitHub text} of at most 140 characters.
     */
    void deploymentStatus(Optional<String> deploymentId, DeploymentState state, String description,
            Optional<String> logUrl) {
        deploymentId.ifPresent(id -> {
            try {
                ops.ci("recordDeploymentStatus(" + id + ", " + state + ")", c -> {
                    c.recordDeploymentStatus(id, state, SafeText.githubPlain(description, DESCRIPTION_LIMIT),
                            ops.config.environmentUrl(), logUrl);
                    return null;
                });
            } catch (ProviderException e) {
                ops.warn("deployment status " + state + " not recorded: " + e.getMessage());
            }
        });
    }

    void postIncidentNote(Optional<Integer> pullRequest, RollbackResult result, Optional<String> evidenceLocation) {
        postIncidentNote(pullRequest, result, evidenceLocation, List.of());
    }

    /** The incident note, with what the hooks that ran on rollback came to. */
    void postIncidentNote(Optional<Integer> pullRequest, RollbackResult result, Optional<String> evidenceLocation,
            List<io.releasepipeline.evidence.HookRun> hooks) {
        if (pullRequest.isEmpty()) {
            return;
        }
        String body = incidentNote(result, evidenceLocation, hooks);
        try {
            ops.ciOnce("comment(#" + pullRequest.get() + ")", c -> {
                c.comment(pullRequest.get(), body);
                return null;
            });
        } catch (ProviderException e) {
            ops.warn("the incident note was not posted on #" + pullRequest.get() + ": " + e.getMessage());
        }
    }

    /** The incident note of a roll-forward-only release that was frozen. */
    void postFreezeNote(Optional<Integer> pullRequest, String releaseId, String what,
            Optional<io.releasepipeline.trigger.TriggerVerdict> trigger, Optional<String> evidenceLocation) {
        if (pullRequest.isEmpty()) {
            return;
        }
        String body = freezeNote(releaseId, what, trigger, evidenceLocation);
        try {
            ops.ciOnce("comment(#" + pullRequest.get() + ")", c -> {
                c.comment(pullRequest.get(), body);
                return null;
            });
        } catch (ProviderException e) {
            ops.warn("the freeze note was not posted on #" + pullRequest.get() + ": " + e.getMessage());
        }
    }

    String freezeNote(String releaseId, String what, Optional<io.releasepipeline.trigger.TriggerVerdict> trigger,
            Optional<String> evidenceLocation) {
        StringBuilder body = new StringBuilder("### FROZEN: release " + md(releaseId) + " needs a roll-forward: page "
                + "the on-call engineer\n\n").append(SafeText.markdown(what, SENTENCE_LIMIT)).append("\n\n");
        trigger.ifPresent(t -> body.append("**Trigger:** ").append(SafeText.markdownCode(t.trigger())).append(' ')
                .append(md(t.reason())).append("\n\n"));
        body.append("**Evidence:** ").append(evidenceReference(evidenceLocation));
        return SafeText.fitComment(body.toString());
    }

    /**
     * The note on a pull request merged before its release (post-merge) whose gates then failed: the merge could not
     * be stopped, the new revision got no traffic, and someone has to revert or fix forward.
     */
    void postGatesFailedAfterMergeNote(int pullRequest, String releaseId, List<GateResult> failed, String what,
            Optional<String> evidenceLocation) {
        String body = gatesFailedAfterMergeNote(releaseId, failed, what, evidenceLocation);
        try {
            ops.ciOnce("comment(#" + pullRequest + ")", c -> {
                c.comment(pullRequest, body);
                return null;
            });
        } catch (ProviderException e) {
            ops.warn("the gates note was not posted on #" + pullRequest + ": " + e.getMessage());
        }
    }

    String gatesFailedAfterMergeNote(String releaseId, List<GateResult> failed, String what,
            Optional<String> evidenceLocation) {
        StringBuilder body = new StringBuilder("### Release " + md(releaseId) + " stopped: gates failed after the "
                + "merge\n\n")
                .append("This pull request was merged before the release, so the gates could not stop the merge. ")
                .append("The new revision was given no traffic.\n\n");
        failed.forEach(g -> body.append("- ").append(SafeText.markdownCode(g.gate())).append(' ').append(g.status())
                .append(": ").append(md(g.reason())).append('\n'));
        body.append('\n').append(SafeText.markdown(what, SENTENCE_LIMIT)).append(".\n\n**Evidence:** ")
                .append(evidenceReference(evidenceLocation));
        return SafeText.fitComment(body.toString());
    }

    /**
     * The runbook's "post incident note to the relevant GitHub PR/issue", written for the person reading it. Every
     * text from outside (reasons, trigger names, revisions, details) goes through {@link SafeText}.
     */
    String incidentNote(RollbackResult result, Optional<String> evidenceLocation) {
        return incidentNote(result, evidenceLocation, List.of());
    }

    /** The incident note, with the rollback hooks' results (a failed one says to page someone). */
    String incidentNote(RollbackResult result, Optional<String> evidenceLocation,
            List<io.releasepipeline.evidence.HookRun> hooks) {
        RollbackDetails d = result.details();
        StringBuilder sb = new StringBuilder();
        boolean notRecovered = d.recovery().filter(io.releasepipeline.evidence.Recovery::pagesSomeone).isPresent();
        sb.append(!d.succeeded() ? "### ROLLBACK FAILED for release " + md(result.releaseId())
                + ": page the on-call engineer\n\n" : notRecovered ? "### Release " + md(result.releaseId())
                + " was rolled back but the error rate did NOT RECOVER: page the on-call engineer\n\n"
                : "### Release " + md(result.releaseId()) + " was rolled back\n\n");
        sb.append("**What happened:** ").append(md(d.reason())).append("\n\n");
        d.trigger().ifPresent(t -> sb.append("**Trigger:** ").append(SafeText.markdownCode(t.trigger())).append(' ')
                .append(md(t.reason())).append(" (at ").append(t.at()).append(")\n\n"));
        if (d.succeeded()) {
            sb.append("**Now serving:** ").append(SafeText.markdownCode(d.toRevision()))
                    .append(" at 100% of traffic; its smoke check passed.\n\n");
            d.recovery().ifPresent(r -> {
                sb.append("**Error rate after the rollback:** ").append(SafeText.markdown(r.detail(), SENTENCE_LIMIT))
                        .append("\n\n");
                if (!r.judgedAgainst().isEmpty()) {
                    sb.append("**Judged against:** ").append(SafeText.markdown(r.judgedAgainst(), SENTENCE_LIMIT))
                            .append("\n\n");
                }
                if (r.pagesSomeone()) {
                    sb.append("> [!CAUTION]\n> The previous revision is failing too: the cause may not be this "
                            + "release (a dependency, the database, load). Investigate now; rolling back further "
                            + "may not help.\n\n");
                }
            });
        } else {
            sb.append("**Traffic now:** ").append(result.trafficAfter().map(t -> md(t.toString()))
                    .orElse("could not be read")).append("\n\n**Why the rollback failed:** ")
                    .append(d.detail().map(Evidence::md).orElse("see the evidence"))
                    .append("\n\nFollow the runbook's manual rollback.\n\n");
        }
        // What the platform reported, not what a rollback would have done: a refused rollback leaves it serving.
        d.fromRevision().ifPresent(f -> sb.append("**Failed revision:** ").append(SafeText.markdownCode(f)).append(' ')
                .append(result.trafficAfter().map(t -> t.weightOf(f) == 0
                        ? "(kept, without traffic, for investigation)"
                        : "(still serving " + t.weightOf(f) + "% of traffic)")
                        .orElse("(its traffic could not be read)"))
                .append("\n\n"));
        d.migrationWarning().ifPresent(w -> sb.append("> [!WARNING]\n> ").append(SafeText.markdown(w, SENTENCE_LIMIT))
                .append("\n\n"));
        List<io.releasepipeline.evidence.HookRun> onRollback = hooks.stream()
                .filter(h -> h.point() == io.releasepipeline.hook.HookPoint.ON_ROLLBACK).toList();
        if (!onRollback.isEmpty()) {
            long failed = onRollback.stream().filter(h -> !h.succeeded()).count();
            sb.append(failed == 0 ? "**Rollback hooks:**\n" : "**Rollback hooks: " + (failed == 1 ? "one" : failed)
                    + " FAILED, page the on-call engineer:**\n");
            onRollback.forEach(h -> sb.append("- ").append(SafeText.markdownCode(h.name()))
                    .append(h.migrationRollback() ? " (migration rollback)" : "").append(' ').append(h.status())
                    .append(" in ").append(io.releasepipeline.format.Format.duration(h.duration())).append(": ")
                    .append(md(h.summary()))
                    .append(h.link().filter(l -> l.startsWith("https://") || l.startsWith("http://"))
                            .map(l -> " ([details](" + SafeText.markdownUrl(l) + "))").orElse("")).append('\n'));
            sb.append('\n');
        }
        sb.append("**Evidence:** ").append(evidenceReference(evidenceLocation)).append("\n\n");
        sb.append("Investigate the root cause before promoting again.");
        return SafeText.fitComment(sb.toString());
    }

    /** Untrusted text for a note: one line of Markdown, at most {@link SafeText#FIELD_LIMIT} characters. */
    private static String md(String untrusted) {
        return SafeText.markdown(untrusted);
    }
}
