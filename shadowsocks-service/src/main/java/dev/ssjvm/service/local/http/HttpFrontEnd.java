package dev.ssjvm.service.local.http;

import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.local.FrontEnd;
import dev.ssjvm.service.local.FrontEndFactory;
import dev.ssjvm.service.local.LocalContext;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import java.util.Map;

/**
 * The HTTP proxy front end ({@code --protocol http}): {@code CONNECT} tunnels and absolute-URI
 * requests, relayed through the servers, with Basic proxy authentication when the listener has users.
 * The SOCKS front end serves HTTP on its port too, through {@link #install}.
 */
public final class HttpFrontEnd implements FrontEnd {
    /** Long URLs and big cookies are common; beyond these a request is refused with 400. */
    private static final int MAX_REQUEST_LINE = 16 * 1024;
    private static final int MAX_REQUEST_HEADERS = 32 * 1024;
    private static final int MAX_RESPONSE_HEADERS = 64 * 1024;

    private final LocalContext context;
    private final Map<String, String> users;
    private final Acl acl;
    private final Mode mode;

    private HttpFrontEnd(LocalListener listener, LocalContext context) {
        this.context = context;
        this.users = listener.users();
        this.acl = listener.acl();
        this.mode = context.settings().common().mode();
    }

    public static final class Factory implements FrontEndFactory {
        @Override
        public String protocol() {
            return LocalListener.HTTP;
        }

        @Override
        public boolean authenticates() {
            return true;
        }

        @Override
        public FrontEnd create(LocalListener listener, LocalContext context) {
            if (listener.forwardTo() != null) {
                throw new IllegalArgumentException("an HTTP proxy takes its targets from its clients, not a fixed"
                        + " target");
            }
            listener.refuseResolvers();
            for (String name : listener.users().keySet()) {
                if (name.isEmpty() || name.indexOf(':') >= 0) {
                    throw new IllegalArgumentException("HTTP proxy user '" + name
                            + "': Basic authentication needs a name without ':'");
                }
            }
            return new HttpFrontEnd(listener, context);
        }
    }

    /**
     * Puts the HTTP proxy's handlers at the end of {@code pipeline}: the whole of this front end, for
     * a port that serves HTTP among other protocols.
     *
     * @param users who may use the proxy (Basic authentication); empty for anyone
     */
    public static void install(ChannelPipeline pipeline, LocalContext context, Acl acl, Map<String, String> users) {
        install(pipeline, context.connector()::connect, acl, users);
    }

    /** {@link #install}, with the way to targets given (the fuzz target's fake upstream). */
    static void install(ChannelPipeline pipeline, HttpProxyHandler.Connector connector, Acl acl,
            Map<String, String> users) {
        HttpDecoderConfig config = new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_REQUEST_LINE)
                .setMaxHeaderSize(MAX_REQUEST_HEADERS);
        pipeline.addLast("http-codec", new HttpServerCodec(config))
                .addLast("http-proxy", new HttpProxyHandler(connector, acl, users.isEmpty() ? null : new BasicAuth(users)));
    }

    static HttpClientCodec newClientCodec() {
        HttpDecoderConfig config = new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_REQUEST_LINE)
                .setMaxHeaderSize(MAX_RESPONSE_HEADERS);
        return new HttpClientCodec(config, false, false);
    }

    @Override
    public boolean tcp() {
        return mode.tcp();
    }

    @Override
    public void initTcp(SocketChannel channel) {
        install(channel.pipeline(), context, acl, users);
    }

    @Override
    public ChannelHandler newUdpHandler() {
        return null;
    }

    @Override
    public String describe() {
        return "HTTP proxy" + (users.isEmpty() ? "" : " (Basic authentication required)");
    }
}
