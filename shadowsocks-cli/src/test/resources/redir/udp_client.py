# The UDP client of RedirIT, run inside the test's "client" network namespace: one datagram to
# argv[1]:argv[2], then prints where the reply came from and what it said (or "timeout").
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(10)
s.sendto(sys.argv[3].encode(), (sys.argv[1], int(sys.argv[2])))
try:
    data, source = s.recvfrom(65536)
    print("from %s:%d %s" % (source[0], source[1], data.decode()))
except socket.timeout:
    print("timeout")
