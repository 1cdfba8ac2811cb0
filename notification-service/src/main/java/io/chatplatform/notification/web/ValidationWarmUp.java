package io.chatplatform.notification.web;

import jakarta.validation.Validator;
import jakarta.validation.constraints.NotNull;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Hibernate Validator reads its message bundles from the classpath the first time a constraint fails. That file read
 * would happen on an event loop, in the first request with bad input; one failing validation at startup, on the
 * starting thread, loads them there instead.
 */
@Component
class ValidationWarmUp implements SmartInitializingSingleton {

    private final Validator validator;

    ValidationWarmUp(Validator validator) {
        this.validator = validator;
    }

    private record Sample(@NotNull String value) {
    }

    @Override
    public void afterSingletonsInstantiated() {
        validator.validate(new Sample(null));
    }
}
