package io.releasepipeline.evidence;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.UUID;

/**
 * Who takes an app's release lock: one run of a release in one process. A lock is held by an owner, not by a
 * release id, so a second process running the same release id (a resume while the first still runs, two
 * {@code promote}s in the same second) is a different owner and is refused.
 *
 * <p>Both parts are random and never derived from the app, the release or the host: {@link #id()} is public (it is
 * written into the lock, shown in messages and {@code release status}); {@link #token()} is this owner's private
 * proof (the Blob lease id), never written anywhere and never in {@link #toString()}. Immutable and thread-safe.
 *
 * @param id the public owner id, e.g. {@code o-7kq2mx4d}: letters, digits and {@code -}
 * @param token the private token: a random (version 4) UUID string, usable as a Blob lease id
 */
public record LockOwner(String id, String token) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    /**
     * Validates.
     *
     * @param id the public owner id, e.g. {@code o-7kq2mx4d}: letters, digits and {@code -}
     * @param token the private token: a random (version 4) UUID string, usable as a Blob lease id
     * @throws NullPointerException if a part is null
     * @throws IllegalArgumentException if the id is blank or has characters other than letters, digits and
     *     {@code -}, or the token is not a UUID string
     */
    public LockOwner {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(token, "token");
        if (!id.matches("[A-Za-z0-9-]{1,64}")) {
            throw new IllegalArgumentException("owner id must be 1-64 letters, digits or '-', got '" + id + "'");
        }
        UUID.fromString(token);
    }

    /**
     * A new owner with a random id ({@code o-} and 8 base32 characters) and a random token. Thread-safe.
     *
     * @return a new owner with a random id ({@code o-} and 8 base32 characters) and a random token
     */
    public static LockOwner random() {
        return new LockOwner("o-" + randomBase32(8), UUID.randomUUID().toString());
    }

    /**
     * {@code length} random lowercase base32 characters ({@code a-z}, {@code 2-7}) from a {@link SecureRandom}:
     * safe in file and blob names. Thread-safe.
     *
     * @param length how many characters, zero or more
     * @return the random characters
     * @throws IllegalArgumentException if {@code length} is negative
     */
    public static String randomBase32(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, got " + length);
        }
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = BASE32[RANDOM.nextInt(BASE32.length)];
        }
        return new String(out);
    }

    /**
     * Whether {@code lock} is held by this owner.
     *
     * @param lock the lock as read
     * @return whether {@code lock} is held by this owner
     */
    public boolean holds(ReleaseLock lock) {
        return lock.owner().equals(id);
    }

    /** The public id only: the token never appears in a log line or a message. */
    @Override
    public String toString() {
        return "LockOwner[" + id + "]";
    }
}
