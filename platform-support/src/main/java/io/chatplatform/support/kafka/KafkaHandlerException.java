package io.chatplatform.support.kafka;

/** A handler kept failing for one record; the record was not committed and will be delivered again. */
public class KafkaHandlerException extends RuntimeException {

    private final String topic;
    private final int partition;
    private final long offset;

    public KafkaHandlerException(String topic, int partition, long offset, Throwable cause) {
        super("Handler failed for " + topic + "-" + partition + "@" + offset + ": " + cause, cause);
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }
}
