package io.chatplatform.loadtest;

import picocli.CommandLine;

/** A {@code host:port} option value. */
public record HostPort(String host, int port) {

    /** Parses {@code host:port}; the port may be 0 (any free port) where a server listens. */
    public static HostPort parse(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not host:port");
        }
        try {
            int port = Integer.parseInt(value.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new HostPort(value.substring(0, colon), port);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' has no valid port");
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }

    /** Picocli converter for {@link HostPort} options. */
    public static final class Converter implements CommandLine.ITypeConverter<HostPort> {
        @Override
        public HostPort convert(String value) {
            return parse(value);
        }
    }
}
