package io.chatplatform.notification.preference;

import io.chatplatform.notification.web.CallerAuthentication;
import io.chatplatform.notification.web.Problems;
import io.chatplatform.support.problem.ApiException;
import io.chatplatform.support.problem.InvalidField;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** The caller's notification preferences, overall and per conversation. */
@RestController
@RequestMapping("/api/notifications/preferences")
class PreferenceController {

    private static final java.util.regex.Pattern CONVERSATION_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private static final DateTimeFormatter HOURS = DateTimeFormatter.ofPattern("HH:mm");

    private final PreferenceStore store;

    PreferenceController(PreferenceStore store) {
        this.store = store;
    }

    record QuietHours(@NotBlank String start, @NotBlank String end) {
    }

    /** The API's shape of {@link Preferences}. */
    record PreferencesView(
            @NotNull Boolean push,
            @NotNull Boolean email,
            @NotNull @Min(1) @Max(1440) Integer emailDelayMinutes,
            @NotBlank @Size(max = 64) String timeZone,
            @Valid QuietHours quietHours,
            @NotNull Boolean roomMessages) {

        static PreferencesView of(Preferences preferences) {
            QuietHours quiet = preferences.quietStart() == null
                    ? null
                    : new QuietHours(preferences.quietStart(), preferences.quietEnd());
            return new PreferencesView(preferences.push(), preferences.email(), preferences.emailDelayMinutes(),
                    preferences.timeZone(), quiet, preferences.roomMessages());
        }
    }

    record ConversationView(String conversationId, Instant mutedUntil, boolean mentionsOnly) {

        static ConversationView of(ConversationPreference preference) {
            return new ConversationView(preference.conversationId(), preference.mutedUntil(),
                    preference.mentionsOnly());
        }
    }

    record ConversationRequest(Instant mutedUntil, Boolean mentionsOnly) {
    }

    @GetMapping
    Mono<PreferencesView> get(ServerWebExchange exchange) {
        return store.of(CallerAuthentication.caller(exchange)).map(PreferencesView::of);
    }

    @PutMapping
    Mono<PreferencesView> put(@Valid @RequestBody PreferencesView request, ServerWebExchange exchange) {
        Preferences preferences = validated(CallerAuthentication.caller(exchange), request);
        return store.save(preferences).map(PreferencesView::of);
    }

    @GetMapping("/conversations")
    Mono<Map<String, List<ConversationView>>> conversations(ServerWebExchange exchange) {
        return store.conversationsOf(CallerAuthentication.caller(exchange))
                .map(ConversationView::of)
                .collectList()
                .map(items -> Map.of("items", items));
    }

    @PutMapping("/conversations/{conversationId}")
    Mono<ConversationView> putConversation(@PathVariable String conversationId,
                                           @RequestBody ConversationRequest request, ServerWebExchange exchange) {
        String caller = CallerAuthentication.caller(exchange);
        requireConversationId(conversationId);
        ConversationPreference preference = new ConversationPreference(
                ConversationPreference.idOf(caller, conversationId), caller, conversationId,
                request.mutedUntil(), Boolean.TRUE.equals(request.mentionsOnly()));
        return store.save(preference).map(ConversationView::of);
    }

    @DeleteMapping("/conversations/{conversationId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> deleteConversation(@PathVariable String conversationId, ServerWebExchange exchange) {
        requireConversationId(conversationId);
        return store.remove(CallerAuthentication.caller(exchange), conversationId);
    }

    /** chat-service's id shape (docs/api.md): anything else names no conversation and is a 400, not a stored row. */
    private static void requireConversationId(String conversationId) {
        if (!CONVERSATION_ID.matcher(conversationId).matches()) {
            throw invalid(List.of(new InvalidField("conversationId",
                    "must be 1 to 100 letters, digits, '.', '_' or '-'")));
        }
    }

    /** Checks what bean validation cannot: the zone exists and the hours are {@code HH:mm}; nothing is stored else. */
    private static Preferences validated(String userId, PreferencesView request) {
        List<InvalidField> errors = new ArrayList<>();
        String zone = null;
        try {
            zone = ZoneId.of(request.timeZone()).getId();
        } catch (DateTimeException e) {
            errors.add(new InvalidField("timeZone", "must be an IANA time zone such as Europe/Berlin"));
        }
        String start = null;
        String end = null;
        if (request.quietHours() != null) {
            start = hours(request.quietHours().start(), "quietHours.start", errors);
            end = hours(request.quietHours().end(), "quietHours.end", errors);
            if (start != null && start.equals(end)) {
                errors.add(new InvalidField("quietHours", "start and end must differ"));
            }
        }
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        return new Preferences(userId, request.push(), request.email(), request.emailDelayMinutes(), zone, start,
                end, request.roomMessages());
    }

    private static String hours(String value, String field, List<InvalidField> errors) {
        try {
            return LocalTime.parse(value, HOURS).format(HOURS);
        } catch (DateTimeParseException e) {
            errors.add(new InvalidField(field, "must be a time HH:mm"));
            return null;
        }
    }

    private static ApiException invalid(List<InvalidField> errors) {
        return Problems.invalid("Invalid preferences", errors);
    }
}
