/**
 * The gRPC {@code AuthService} ({@link io.chatplatform.auth.grpc.AuthGrpcService}) and the service-credential check
 * for {@code SetAccountStatus} ({@link io.chatplatform.auth.grpc.ServiceCredentialInterceptor}).
 */
package io.chatplatform.auth.grpc;
