package io.releasepipeline.internal;

import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.event.ReleaseListener;
import io.releasepipeline.format.SafeText;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers events to listeners; a listener that throws is logged and skipped. Thread-safe. Not public API. */
final class Events {

    private static final Logger log = LoggerFactory.getLogger(Events.class);

    private final List<ReleaseListener> listeners;

    Events(List<ReleaseListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    void emit(ReleaseEvent event) {
        for (ReleaseListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                log.warn("release listener {} threw on {}; the release goes on", SafeText.line(String.valueOf(l)),
                        event.getClass().getSimpleName(), SafeText.loggable(e));
            }
        }
    }
}
