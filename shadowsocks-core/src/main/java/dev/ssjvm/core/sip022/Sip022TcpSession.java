package dev.ssjvm.core.sip022;

/**
 * What the two halves of one 2022 connection's codec share: on a server, the request salt and the key
 * of the user the request came from (the response header must carry the one and be sealed under the
 * other); on a client, the salt it sent, which the response must name.
 */
final class Sip022TcpSession {
    byte[] requestSalt;
    byte[] key;
}
