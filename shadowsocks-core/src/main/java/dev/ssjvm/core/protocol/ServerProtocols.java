package dev.ssjvm.core.protocol;

/** The protocols of one server port: TCP and UDP framing over the same keys and user table. */
public record ServerProtocols(TcpServerProtocol tcp, UdpServerProtocol<?> udp, PortUsers users) {}
