package io.chatplatform.auth.account;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;

/**
 * A new password: required, at least 10 characters, at most 72 UTF-8 bytes (BCrypt ignores everything after byte 72,
 * so a longer password is refused rather than silently truncated) and not in {@link CommonPasswords}.
 */
@Documented
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = AcceptablePassword.Validator.class)
public @interface AcceptablePassword {

    int MIN_LENGTH = 10;
    int MAX_BYTES = 72;

    String message() default "is not an acceptable password";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Created by Spring's validator factory, which injects the list. */
    class Validator implements ConstraintValidator<AcceptablePassword, String> {

        private final CommonPasswords commonPasswords;

        public Validator(CommonPasswords commonPasswords) {
            this.commonPasswords = commonPasswords;
        }

        @Override
        public boolean isValid(String password, ConstraintValidatorContext context) {
            String problem = problem(password);
            if (problem == null) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(problem).addConstraintViolation();
            return false;
        }

        private String problem(String password) {
            if (password == null || password.isEmpty()) {
                return "is required";
            }
            if (password.codePointCount(0, password.length()) < MIN_LENGTH) {
                return "must be at least " + MIN_LENGTH + " characters long";
            }
            if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
                return "must be at most " + MAX_BYTES + " bytes long (UTF-8)";
            }
            if (commonPasswords.contains(password)) {
                return "is too common; choose a password that is not on lists of common passwords";
            }
            return null;
        }
    }
}
