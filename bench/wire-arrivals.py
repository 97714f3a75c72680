"""
Counts add_robots calls as they cross the loopback interface, stamped by the kernel, and prints
the most that arrived in any sliding second: the figure the mock API reports, measured on the
wire instead of when the mock's event loop gets to each request (a stalled mock loop can stamp
calls that arrived 5 ms apart together). A cross-check for the fleet benchmarks, not part of them.

Linux, as root (an AF_PACKET socket). Start it, run a benchmark, then stop it (SIGINT or SIGTERM):

    python3 bench/wire-arrivals.py & npm run bench:fleet -- --workers 1 --rooms 24000; kill %1
"""
import signal
import socket
import struct
import time

ETH_P_ALL = 3
SO_TIMESTAMPNS = 35
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024 * 1024)
s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
s.bind(('lo', 0))
stamps = []
stop = False
def done(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, done); signal.signal(signal.SIGINT, done)
s.settimeout(0.5)
NEEDLE = b'POST /v4/group_open_avchatroom_http_svc/add_robots'
while not stop:
    try:
        data, anc, flags, addr = s.recvmsg(65535, 1024)
    except socket.timeout:
        continue
    except InterruptedError:
        continue
    if addr[2] != socket.PACKET_HOST:  # each loopback packet is seen outgoing and incoming: keep one
        continue
    # ethernet header 14 bytes; IPv4 or IPv6
    eth = struct.unpack('!H', data[12:14])[0]
    if eth == 0x0800:
        ihl = (data[14] & 0x0F) * 4; proto = data[23]; l4 = 14 + ihl
    elif eth == 0x86DD:
        proto = data[20]; l4 = 14 + 40
    else:
        continue
    if proto != 6:
        continue
    off = ((data[l4 + 12] >> 4) & 0xF) * 4
    payload = data[l4 + off:l4 + off + len(NEEDLE)]
    if payload != NEEDLE:
        continue
    ts = None
    for lvl, typ, val in anc:
        if lvl == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
            sec, nsec = struct.unpack('qq', val[:16]); ts = sec + nsec / 1e9
    stamps.append(ts if ts is not None else time.time())
stamps.sort()
best = 0; j = 0; at = 0
for i in range(len(stamps)):
    while stamps[i] - stamps[j] >= 1.0:
        j += 1
    if i - j + 1 > best:
        best = i - j + 1; at = stamps[j]
print(f'CAPTURE calls {len(stamps)} sliding-1s max {best} at {time.strftime("%H:%M:%S", time.gmtime(at))}', flush=True)
