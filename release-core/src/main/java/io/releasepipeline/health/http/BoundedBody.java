package io.releasepipeline.health.http;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * Response bodies read with a bound: the first bytes are kept, the rest drained, so an answer of any size cannot
 * exhaust memory (a smoke-checked endpoint, a webhook receiver, anything the pipeline does not control).
 */
public final class BoundedBody {

    private BoundedBody() {
    }

    /**
     * The first {@code maxBytes} of the body; the rest is read and dropped.
     *
     * @param maxBytes the most bytes kept, positive
     * @return the first {@code maxBytes} of the body; the rest is read and dropped
     */
    public static HttpResponse.BodySubscriber<byte[]> bytes(int maxBytes) {
        return HttpResponse.BodySubscribers.fromSubscriber(new Prefix(maxBytes), Prefix::bytes);
    }

    /**
     * The first {@code maxBytes} of the body as UTF-8 text (a character cut at the bound is replaced).
     *
     * @param maxBytes the most bytes kept, positive
     * @return the first {@code maxBytes} of the body as UTF-8 text (a character cut at the bound is replaced)
     */
    public static HttpResponse.BodySubscriber<String> text(int maxBytes) {
        return HttpResponse.BodySubscribers.mapping(bytes(maxBytes), b -> new String(b, StandardCharsets.UTF_8));
    }

    /** Keeps the first bytes of a body and drains the rest. */
    private static final class Prefix implements Flow.Subscriber<List<ByteBuffer>> {
        private final int maxBytes;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        Prefix(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                int n = Math.min(buffer.remaining(), maxBytes - kept.size());
                if (n > 0) {
                    byte[] bytes = new byte[n];
                    buffer.get(bytes);
                    kept.write(bytes, 0, n);
                }
            }
        }

        @Override
        public void onError(Throwable throwable) {
            // The response future fails with the same error; nothing to keep.
        }

        @Override
        public void onComplete() {
            // bytes() is called once the body is complete.
        }

        byte[] bytes() {
            return kept.toByteArray();
        }
    }
}
