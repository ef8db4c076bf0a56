package io.releasepipeline.github;

import java.util.Optional;
import java.util.function.Supplier;

/** A token source with a description; its toString is the description only, never the token. */
final class DescribedTokenSource implements TokenSource {

    private final String description;
    private final Supplier<String> supplier;

    DescribedTokenSource(String description, Supplier<String> supplier) {
        this.description = description;
        this.supplier = supplier;
    }

    @Override
    public Optional<String> token() {
        String t = supplier.get();
        return t == null || t.isBlank() ? Optional.empty() : Optional.of(t.strip());
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return "TokenSource[" + description + "]";
    }
}
