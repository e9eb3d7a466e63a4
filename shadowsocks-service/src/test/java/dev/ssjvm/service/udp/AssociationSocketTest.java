package dev.ssjvm.service.udp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.transport.ServiceIo;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One association's socket on a real event loop, talking to a JDK datagram socket on loopback.
 * Sockets are made and fed on their loop, as the relays do; whatever one loop task sends goes out
 * before the bind, which Netty always does in a later task.
 */
@ExtendWith(LeakCheck.class)
class AssociationSocketTest {
    private static final Duration IDLE = Duration.ofMillis(500);
    /** For tests about something else than expiry. */
    private static final Duration NEVER_IDLE = Duration.ofMinutes(5);

    private static ServiceIo io;
    private static EventLoop loop;

    private DatagramSocket peer;
    private SocketAddress lastSender;
    private final List<AssociationSocket> opened = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final AtomicInteger closes = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);

    @BeforeAll
    static void startIo() {
        io = new ServiceIo("association-test", null, 1, List.of(), false);
        loop = io.group().next();
    }

    @AfterAll
    static void closeIo() {
        io.close();
    }

    @BeforeEach
    void openPeer() throws IOException {
        peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        peer.setSoTimeout(10_000);
        peer.setReceiveBufferSize(1 << 20);
    }

    @AfterEach
    void closeAll() throws Exception {
        onLoop(() -> {
            opened.forEach(AssociationSocket::close);
            return null;
        });
        peer.close();
    }

    /** On the loop only. */
    private AssociationSocket open(Duration idle) {
        AssociationSocket socket = new AssociationSocket(io, loop, idle,
                (ctx, packet) -> received.add(packet.content().toString(StandardCharsets.US_ASCII)), () -> {
                    closes.incrementAndGet();
                    closed.countDown();
                });
        opened.add(socket);
        return socket;
    }

    private static <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(5, TimeUnit.SECONDS);
    }

    private DatagramPacket toPeer(String text) {
        return new DatagramPacket(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII),
                (InetSocketAddress) peer.getLocalSocketAddress());
    }

    private String receiveAtPeer() throws IOException {
        byte[] buf = new byte[2048];
        java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
        peer.receive(p);
        lastSender = p.getSocketAddress();
        return new String(buf, 0, p.getLength(), StandardCharsets.US_ASCII);
    }

    private void sendFromPeer(String text, SocketAddress to) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        peer.send(new java.net.DatagramPacket(bytes, bytes.length, to));
    }

    @Test
    void anAssociationWithoutTrafficClosesItselfOnce() throws Exception {
        AssociationSocket socket = onLoop(() -> open(IDLE));

        assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(socket.channel().isOpen()).isFalse();
        DatagramPacket late = toPeer("late");
        assertThat(onLoop(() -> socket.send(late))).isFalse();
        assertThat(late.refCnt()).isZero();
        assertThat(closes.get()).isEqualTo(1);
    }

    @Test
    void packetsGoingOutKeepItOpen() throws Exception {
        AssociationSocket socket = onLoop(() -> open(IDLE));
        for (int i = 0; i < 10; i++) { // a second of traffic: two idle timeouts' worth
            String tick = "out " + i;
            assertThat(onLoop(() -> socket.send(toPeer(tick)))).isTrue();
            assertThat(receiveAtPeer()).isEqualTo(tick);
            Thread.sleep(100);
        }
        assertThat(closes.get()).isZero();

        assertThat(closed.await(10, TimeUnit.SECONDS)).as("then silence closes it").isTrue();
    }

    @Test
    void packetsComingInKeepItOpen() throws Exception {
        AssociationSocket socket = onLoop(() -> open(IDLE));
        onLoop(() -> socket.send(toPeer("hello")));
        assertThat(receiveAtPeer()).isEqualTo("hello");
        SocketAddress association = lastSender;
        for (int i = 0; i < 10; i++) {
            sendFromPeer("in " + i, association);
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("in " + i);
            Thread.sleep(100);
        }
        assertThat(closes.get()).isZero();

        assertThat(closed.await(10, TimeUnit.SECONDS)).as("then silence closes it").isTrue();
    }

    private record Queued(AssociationSocket socket, boolean boundYet, List<Boolean> accepted) {}

    @Test
    void packetsSentWhileBindingWaitAndGoOutInOrder() throws Exception {
        Queued q = onLoop(() -> {
            AssociationSocket socket = open(NEVER_IDLE);
            boolean bound = socket.channel().isActive();
            List<Boolean> accepted = List.of(socket.send(toPeer("one")), socket.send(toPeer("two")),
                    socket.send(toPeer("three")));
            return new Queued(socket, bound, accepted);
        });

        assertThat(q.boundYet()).isFalse();
        assertThat(q.accepted()).containsExactly(true, true, true);
        assertThat(receiveAtPeer()).isEqualTo("one");
        assertThat(receiveAtPeer()).isEqualTo("two");
        assertThat(receiveAtPeer()).isEqualTo("three");
    }

    @Test
    void theWaitingQueueHoldsSixtyFourAndDropsTheRest() throws Exception {
        DatagramPacket extra = toPeer("one too many");
        Queued q = onLoop(() -> {
            AssociationSocket socket = open(NEVER_IDLE);
            List<Boolean> accepted = new ArrayList<>();
            for (int i = 0; i < AssociationSocket.MAX_WAITING; i++) {
                accepted.add(socket.send(toPeer("p" + i)));
            }
            accepted.add(socket.send(extra));
            return new Queued(socket, socket.channel().isActive(), accepted);
        });

        assertThat(q.boundYet()).isFalse();
        assertThat(AssociationSocket.MAX_WAITING).isEqualTo(64);
        assertThat(q.accepted().subList(0, 64)).containsOnly(true);
        assertThat(q.accepted().get(64)).isFalse();
        assertThat(extra.refCnt()).isZero();
        for (int i = 0; i < 64; i++) {
            assertThat(receiveAtPeer()).isEqualTo("p" + i);
        }
    }

    @Test
    void closingWhileBindingReleasesWhatWaits() throws Exception {
        List<DatagramPacket> waiting = List.of(toPeer("a"), toPeer("b"), toPeer("c"));
        AssociationSocket socket = onLoop(() -> {
            AssociationSocket s = open(NEVER_IDLE);
            waiting.forEach(s::send);
            s.close();
            return s;
        });
        onLoop(() -> null); // the bind, queued behind the task above, has failed by now

        assertThat(waiting).allSatisfy(p -> assertThat(p.refCnt()).isZero());
        assertThat(closes.get()).isEqualTo(1);
        DatagramPacket late = toPeer("late");
        assertThat(onLoop(() -> socket.send(late))).isFalse();
        assertThat(late.refCnt()).isZero();
    }
}
