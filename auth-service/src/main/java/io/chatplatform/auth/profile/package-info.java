/**
 * Profiles: {@link io.chatplatform.auth.profile.ProfileController} (own profile, public profiles, search) and
 * {@link io.chatplatform.auth.profile.ProfileView}, which decides what others may see (never the email).
 */
package io.chatplatform.auth.profile;
