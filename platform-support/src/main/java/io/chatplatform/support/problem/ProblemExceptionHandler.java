package io.chatplatform.support.problem;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.ErrorResponse;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.MissingRequestValueException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;

/**
 * Turns every exception that leaves a WebFlux controller (and "no handler" 404s, which WebFlux routes through
 * controller advice too) into {@code application/problem+json}.
 *
 * <ul>
 *   <li>Spring's own errors keep Spring's status and detail (405, 406, 415, 404, ...).</li>
 *   <li>Invalid input (bean validation, type mismatch, unreadable JSON, missing parameter) is a 400 with an
 *       {@code errors} array of {@link InvalidField}s. Rejected values are not echoed.</li>
 *   <li>{@link ApiException} is rendered as built by the service.</li>
 *   <li>Anything else is a 500 with a generic detail; the exception is logged here, once, with its stack trace.</li>
 * </ul>
 */
@RestControllerAdvice
// Last among advices: a service's own @RestControllerAdvice handles its exception types before this catch-all does.
@Order(Ordered.LOWEST_PRECEDENCE)
public class ProblemExceptionHandler extends ResponseEntityExceptionHandler {

    /** The property name of the per-field error list in 400 responses. */
    public static final String ERRORS = "errors";

    private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

    @Override
    protected Mono<ResponseEntity<Object>> handleWebExchangeBindException(
            WebExchangeBindException ex, HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        List<InvalidField> errors = new ArrayList<>();
        for (FieldError error : ex.getFieldErrors()) {
            errors.add(new InvalidField(error.getField(), message(error)));
        }
        for (ObjectError error : ex.getGlobalErrors()) {
            errors.add(new InvalidField(error.getObjectName(), message(error)));
        }
        return badRequest(ex, errors, headers, status, exchange);
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleHandlerMethodValidationException(
            HandlerMethodValidationException ex, HttpHeaders headers, HttpStatusCode status,
            ServerWebExchange exchange) {
        List<InvalidField> errors = new ArrayList<>();
        for (ParameterValidationResult result : ex.getParameterValidationResults()) {
            String parameter = parameterName(result.getMethodParameter());
            if (result instanceof ParameterErrors bean) {
                bean.getFieldErrors()
                        .forEach(error -> errors.add(new InvalidField(error.getField(), message(error))));
            } else {
                result.getResolvableErrors()
                        .forEach(error -> errors.add(new InvalidField(parameter, message(error))));
            }
        }
        return badRequest(ex, errors, headers, status, exchange);
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleMissingRequestValueException(
            MissingRequestValueException ex, HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        List<InvalidField> errors = List.of(new InvalidField(ex.getName(), "is required"));
        return badRequest(ex, errors, headers, status, exchange);
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleServerWebInputException(
            ServerWebInputException ex, HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        return badRequest(ex, inputErrors(ex), headers, status, exchange);
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleErrorResponseException(
            ErrorResponseException ex, HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        if (status.is5xxServerError()) {
            // Services throw 5xx ApiExceptions deliberately (dependency down); worth a line, not a stack trace.
            log.warn("{} {} answered {}: {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(),
                    status.value(), ex.getBody().getDetail());
        }
        return super.handleErrorResponseException(ex, headers, status, exchange);
    }

    /** Everything Spring and the services did not map: 500, details stay in the server log. */
    @ExceptionHandler(Exception.class)
    public Mono<ResponseEntity<Object>> handleUnexpected(Exception ex, ServerWebExchange exchange) {
        log.error("Unhandled error on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), ex);
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "An unexpected error occurred. It has been logged.");
        return handleExceptionInternal(ex, body, null, HttpStatus.INTERNAL_SERVER_ERROR, exchange);
    }

    private Mono<ResponseEntity<Object>> badRequest(
            ErrorResponse ex, List<InvalidField> errors, HttpHeaders headers, HttpStatusCode status,
            ServerWebExchange exchange) {
        ProblemDetail body = ex.updateAndGetBody(getMessageSource(), exchange.getLocaleContext().getLocale());
        // Spring's details for input errors can quote rejected values or Java types; ours only name the fields.
        body.setDetail(errors.isEmpty() ? "The request is invalid." : "The request has invalid fields.");
        body.setProperty(ERRORS, errors);
        return handleExceptionInternal((Exception) ex, body, headers, status, exchange);
    }

    /** Type mismatches name the parameter; unreadable JSON names the JSON path when Jackson knows it. */
    private static List<InvalidField> inputErrors(ServerWebInputException ex) {
        JacksonException json = findCause(ex, JacksonException.class);
        if (json != null && !json.getPath().isEmpty()) {
            return List.of(new InvalidField(jsonPath(json.getPath()), "has an invalid value or type"));
        }
        if (json != null) {
            return List.of(new InvalidField("body", "is not valid JSON"));
        }
        MethodParameter parameter = ex.getMethodParameter();
        if (parameter != null && parameter.getParameterName() != null) {
            return List.of(new InvalidField(parameter.getParameterName(), "has an invalid value or type"));
        }
        return List.of();
    }

    private static String jsonPath(List<JacksonException.Reference> path) {
        StringBuilder field = new StringBuilder();
        for (JacksonException.Reference reference : path) {
            if (reference.getPropertyName() != null) {
                if (!field.isEmpty()) {
                    field.append('.');
                }
                field.append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                field.append('[').append(reference.getIndex()).append(']');
            }
        }
        return field.toString();
    }

    private static String parameterName(MethodParameter parameter) {
        String name = parameter.getParameterName();
        return name != null ? name : "arg" + parameter.getParameterIndex();
    }

    private static String message(MessageSourceResolvable error) {
        return error.getDefaultMessage() != null ? error.getDefaultMessage() : "is invalid";
    }

    private static <T extends Throwable> T findCause(Throwable error, Class<T> type) {
        for (Throwable current = error; current != null; current = current.getCause()) {
            if (type.isInstance(current)) {
                return type.cast(current);
            }
            if (current.getCause() == current) {
                break;
            }
        }
        return null;
    }
}
