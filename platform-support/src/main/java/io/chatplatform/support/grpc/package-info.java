/**
 * gRPC server conventions shared by the services that serve gRPC; start at {@link GrpcReflectionAutoConfiguration}.
 */
package io.chatplatform.support.grpc;
