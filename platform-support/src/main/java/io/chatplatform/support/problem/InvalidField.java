package io.chatplatform.support.problem;

/**
 * One entry of a 400 problem's {@code errors} array.
 *
 * @param field   the field or parameter, in request terms ({@code text}, {@code members[2].userId}, {@code limit})
 * @param message what is wrong with it, for a person reading the response
 */
public record InvalidField(String field, String message) {
}
