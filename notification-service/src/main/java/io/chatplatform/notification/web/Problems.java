package io.chatplatform.notification.web;

import io.chatplatform.support.problem.ApiException;
import io.chatplatform.support.problem.InvalidField;
import io.chatplatform.support.problem.ProblemExceptionHandler;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;

/** Problems this service answers with, shaped like the platform's validation errors. */
public final class Problems {

    private Problems() {
    }

    /** A 400 whose detail lists the invalid fields, with the same {@code errors} array as bean validation's. */
    public static ApiException invalid(String title, List<InvalidField> errors) {
        String detail = errors.stream()
                .map(error -> error.field() + ": " + error.message())
                .collect(Collectors.joining("; "));
        return new ApiException(HttpStatus.BAD_REQUEST, null, title, detail,
                Map.of(ProblemExceptionHandler.ERRORS, errors));
    }
}
