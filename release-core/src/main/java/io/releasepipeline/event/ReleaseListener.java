package io.releasepipeline.event;

/**
 * Receives release events. Called on the release's thread, in order; must not block for long. A listener that
 * throws is logged and skipped: it never breaks a release.
 */
@FunctionalInterface
public interface ReleaseListener {

    /**
     * Receives one event.
     *
     * @param event the event
     */
    void onEvent(ReleaseEvent event);
}
