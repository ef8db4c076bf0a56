package io.releasepipeline.spi;

/**
 * How many revisions of an app can be active at once. In {@code SINGLE} mode a new revision takes all traffic by
 * itself and weights cannot be split; weighted rollback and canary steps need {@code MULTIPLE}.
 */
public enum RevisionMode {
    /** One active revision at a time: a new revision takes all traffic by itself. */
    SINGLE,
    /** Several active revisions, with traffic split between them by weight. */
    MULTIPLE
}
