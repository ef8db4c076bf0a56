package io.releasepipeline.evidence;

/**
 * How a release's Markdown evidence (the file people read) is rendered from its record: the built-in report
 * ({@link #report()}, the default) or a team's own template ({@link EvidenceTemplate}). An {@link EvidenceStore} calls
 * it once per record it writes; the JSON record and the SVG chart do not depend on it.
 *
 * <p>Implementations must be thread-safe, free of I/O and deterministic (the same record and chart name give the
 * same text), and must neutralise every text taken from the record as {@link EvidenceReport} does.
 */
@FunctionalInterface
public interface EvidenceMarkdown {

    /**
     * The Markdown evidence of {@code record}.
     *
     * @param record the final record
     * @param svgFileName the timeline chart's file name relative to the Markdown, e.g. {@code 2026-01-05-app-r1.svg};
     *     the evidence's other files share its base name ({@code .md}, {@code .json})
     * @return the Markdown evidence of {@code record}
     */
    String render(ReleaseRecord record, String svgFileName);

    /**
     * The built-in report, {@link EvidenceReport#markdown}.
     *
     * @return the built-in report, {@link EvidenceReport#markdown}
     */
    static EvidenceMarkdown report() {
        return EvidenceReport::markdown;
    }
}
