package io.releasepipeline.evidence;

import java.util.Optional;

/**
 * Where a person reading the pull request can open a release's evidence: the public link, if there is one, for the
 * location the {@link EvidenceStore} returned. Pull-request notes and the deployment status use it; they never show
 * a local path: without a link, a note names the evidence file alone ({@code 2026-01-05-app-pr42.md}), and the
 * operator's log and console keep the full location.
 *
 * <p>Set with {@code ReleasePipelineBuilder.evidenceLink(...)}; the default is {@link #ofLocation()}. A CI job that
 * uploads the evidence directory as an artifact links its run's page, for example
 * {@code EvidenceLink.orPage("https://github.com/org/repo/actions/runs/42")}. Implementations must be thread-safe,
 * fast and free of I/O: they are called while a release records how it ended.
 */
@FunctionalInterface
public interface EvidenceLink {

    /**
     * The public http(s) link for the evidence at {@code location}, or empty when there is none. A value that is
     * not an http(s) URL is ignored (treated as empty).
     *
     * @param location what {@link EvidenceStore#write} returned: a path or a URL
     * @return the public http(s) link for the evidence at {@code location}, or empty when there is none
     */
    Optional<String> link(String location);

    /**
     * The default: the location itself when it is an http(s) URL (Blob storage), otherwise no link.
     *
     * @return the default: the location itself when it is an http(s) URL (Blob storage), otherwise no link
     */
    static EvidenceLink ofLocation() {
        return location -> Optional.of(location).filter(EvidenceLink::isHttp);
    }

    /**
     * The location when it is an http(s) URL, otherwise {@code page}: where the evidence can be found when the store
     * writes it to local files (a CI run's page, whose artifacts hold them).
     *
     * @param page where the evidence can be found otherwise
     * @return the location when it is an http(s) URL, otherwise {@code page}: where the evidence can be found when the
     *     store writes it to local files (a CI run's page, whose artifacts hold them)
     * @throws IllegalArgumentException if {@code page} is not an http(s) URL
     */
    static EvidenceLink orPage(String page) {
        if (!isHttp(page)) {
            throw new IllegalArgumentException("evidenceLink: the page must be an http(s) URL, got \"" + page + "\"");
        }
        return location -> Optional.of(isHttp(location) ? location : page);
    }

    /** Whether {@code s} is an absolute http(s) URL. */
    private static boolean isHttp(String s) {
        return s.startsWith("https://") || s.startsWith("http://");
    }
}
