# The target of RedirIT, run inside the test's "remote" network namespace.
# TCP (HTTP): a POST is answered with "<sha256 of body> <length> <local addr:port> <peer addr>".
# UDP: a datagram is answered with "echo <peer addr> <payload>".
import hashlib, http.server, socket, socketserver, sys, threading

class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers['Content-Length']))
        local = self.connection.getsockname()
        out = ("%s %d %s:%d %s\n" % (hashlib.sha256(body).hexdigest(), len(body), local[0], local[1],
                                     self.client_address[0])).encode()
        self.send_response(200)
        self.send_header('Content-Length', str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, fmt, *args):
        sys.stdout.write("tcp from %s: %s\n" % (self.client_address[0], fmt % args))
        sys.stdout.flush()

class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    allow_reuse_address = True
    daemon_threads = True

def udp_echo(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('0.0.0.0', port))
    while True:
        data, peer = s.recvfrom(65536)
        sys.stdout.write("udp from %s\n" % peer[0])
        sys.stdout.flush()
        s.sendto(b"echo " + peer[0].encode() + b" " + data, peer)

tcp = Server(('0.0.0.0', int(sys.argv[1])), Handler)
threading.Thread(target=udp_echo, args=(int(sys.argv[2]),), daemon=True).start()
print("listening", flush=True)
tcp.serve_forever()
