package dev.ssjvm.core.sip022;

import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.MessageToByteEncoder;
import java.time.Clock;

/** Constants and small rules of SIP022 shared by its TCP and UDP codecs. */
final class Sip022 {
    static final int TYPE_CLIENT = 0;
    static final int TYPE_SERVER = 1;
    /** Timestamps further than this from our clock, either way, are replays. */
    static final long MAX_TIME_DIFFERENCE_SECONDS = 30;
    static final int MAX_PADDING = 900;
    /** Payload chunks carry up to 0xFFFF bytes (no 0x3FFF cap as in SIP004). */
    static final int MAX_CHUNK = 0xFFFF;
    static final int FIXED_REQUEST_HEADER = 1 + 8 + 2;

    private Sip022() {}

    static long now(Clock clock) {
        return clock.millis() / 1000;
    }

    static boolean timestampFresh(Clock clock, long timestamp) {
        return Math.abs(now(clock) - timestamp) <= MAX_TIME_DIFFERENCE_SECONDS;
    }

    /** Decoder and encoder of one connection, installed as one pipeline entry. */
    static final class Codec extends CombinedChannelDuplexHandler<ByteToMessageDecoder, MessageToByteEncoder<?>> {
        Codec(ByteToMessageDecoder decoder, MessageToByteEncoder<?> encoder) {
            super(decoder, encoder);
        }
    }
}
