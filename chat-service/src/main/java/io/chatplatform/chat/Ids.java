package io.chatplatform.chat;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Random ids for rooms, messages and events. */
public final class Ids {

    private Ids() {
    }

    /**
     * A version-4-shaped UUID from {@link ThreadLocalRandom}. {@link UUID#randomUUID()} reads {@code SecureRandom},
     * which may block on the OS entropy source, on an event loop; these ids are identifiers, not secrets (access is
     * checked by membership), so a fast non-cryptographic source is enough.
     */
    public static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long most = (random.nextLong() & ~0xF000L) | 0x4000L;
        long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least).toString();
    }
}
