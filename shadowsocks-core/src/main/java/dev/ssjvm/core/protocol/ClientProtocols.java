package dev.ssjvm.core.protocol;

/** The protocols a client uses towards one server. */
public record ClientProtocols(TcpClientProtocol tcp, UdpClientProtocol udp) {}
