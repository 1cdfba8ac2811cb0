package io.chatplatform.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Asks the server's standard gRPC health service whether it serves; the first thing to run when in doubt. */
@Command(name = "health", mixinStandardHelpOptions = true, description = "Check that moderation-service answers and is serving.")
final class HealthCommand implements Callable<Integer> {

    @ParentCommand
    ModerationCli cli;

    @Option(names = "--service", defaultValue = "", description = "service name to check (default: the whole server)")
    String service;

    @Override
    public Integer call() {
        ManagedChannel channel = cli.openChannel();
        try {
            HealthCheckResponse response = HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(cli.deadlineSeconds, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService(service).build());
            cli.out().println(cli.target + ": " + response.getStatus());
            cli.out().flush();
            return response.getStatus() == HealthCheckResponse.ServingStatus.SERVING ? 0 : 1;
        } catch (StatusRuntimeException e) {
            cli.spec.commandLine().getErr().println(cli.target + ": " + e.getStatus().getCode() + " "
                    + (e.getStatus().getDescription() == null ? "" : e.getStatus().getDescription()));
            return 1;
        } finally {
            ModerationCli.close(channel);
        }
    }
}
