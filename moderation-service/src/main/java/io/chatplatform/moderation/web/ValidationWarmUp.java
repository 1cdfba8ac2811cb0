package io.chatplatform.moderation.web;

import jakarta.validation.Validator;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Validates one invalid request at startup. Hibernate Validator loads its message bundles (reading jar files) the
 * first time a constraint fails; done here, on the startup thread, that read never lands on an event loop serving
 * the first bad request.
 */
@Component
class ValidationWarmUp implements SmartInitializingSingleton {

    private final Validator validator;

    ValidationWarmUp(Validator validator) {
        this.validator = validator;
    }

    @Override
    public void afterSingletonsInstantiated() {
        validator.validate(new ModerationController.BlockRequest("", "", 0L));
        validator.validate(new ModerationController.ReportRequest("", "", "x".repeat(501)));
    }
}
