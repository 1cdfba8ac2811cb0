/**
 * RFC 9457 problem details for every WebFlux error: start at
 * {@link io.chatplatform.support.problem.ProblemExceptionHandler}; services throw
 * {@link io.chatplatform.support.problem.ApiException} for their own errors.
 *
 * <p>Bad input is a 400 whose {@code errors} array names each bad field ({@link
 * io.chatplatform.support.problem.InvalidField}); anything unexpected is a 500 with a generic detail, logged once
 * on the server and never echoed to the client.
 */
package io.chatplatform.support.problem;
