package io.chatplatform.auth.account;

import java.util.Set;

/** Role names as they appear in the {@code roles} claim and in {@code users.roles}. */
public final class Roles {

    public static final String USER = "user";
    public static final String MODERATOR = "moderator";
    public static final String ADMIN = "admin";

    /** Roles an admin may grant or revoke over REST; admin itself comes only from configuration. */
    public static final Set<String> GRANTABLE = Set.of(MODERATOR);

    private Roles() {
    }
}
