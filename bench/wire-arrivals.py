"""
Counts add_robots calls as they cross the loopback interface, stamped by the kernel, and prints
the most that arrived in any sliding second: the figure the mock API reports, measured on the
wire instead of when the mock's event loop gets to each request (a stalled mock loop can stamp
calls that arrived 5 ms apart together).

Linux, as root (an AF_PACKET socket). `bench:fleet --wire` starts one for each run, with the run's
mock port; by hand, start it, run a benchmark, then stop it (SIGINT or SIGTERM):

    python3 bench/wire-arrivals.py & npm run bench:fleet -- --workers 1 --rooms 24000; kill %1

--port P counts only calls to TCP port P, and filters in the kernel (a classic BPF program), so
that the workers' Redis traffic on the same interface costs the capture nothing. --json prints the
result as one JSON line ({"calls", "slidingMax", "at"}). "ready" goes to stderr once capturing.
"""
import argparse
import ctypes
import json
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 3
SO_TIMESTAMPNS = 35
SO_ATTACH_FILTER = 26
NEEDLE = b'POST /v4/group_open_avchatroom_http_svc/add_robots'


def port_filter(port):
    """A classic BPF program keeping TCP packets to `port`, over IPv4 or IPv6 (on lo's Ethernet framing)."""
    accept, drop = 0x40000, 0
    prog = [
        (0x28, 0, 0, 12),      # 0: ldh [12]             EtherType
        (0x15, 0, 5, 0x0800),  # 1: IPv4? else 7
        (0x30, 0, 0, 23),      # 2: ldb [23]             protocol
        (0x15, 0, 9, 6),       # 3: TCP? else drop
        (0xB1, 0, 0, 14),      # 4: ldxb 4*([14]&0xf)    IPv4 header length
        (0x48, 0, 0, 16),      # 5: ldh [x+16]           destination port
        (0x15, 5, 6, port),    # 6: port? accept : drop
        (0x15, 0, 5, 0x86DD),  # 7: IPv6? else drop
        (0x30, 0, 0, 20),      # 8: ldb [20]             next header
        (0x15, 0, 3, 6),       # 9: TCP? else drop
        (0x28, 0, 0, 56),      # 10: ldh [56]            destination port
        (0x15, 0, 1, port),    # 11: port? accept : drop
        (0x06, 0, 0, accept),  # 12
        (0x06, 0, 0, drop),    # 13
    ]
    code = b''.join(struct.pack('HBBI', *op) for op in prog)
    buf = ctypes.create_string_buffer(code)
    addr = ctypes.addressof(buf)
    return buf, struct.pack('HL', len(prog), addr)


def main():
    args = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    args.add_argument('--port', type=int, help='count only calls to this TCP port')
    args.add_argument('--json', action='store_true', help='print the result as one JSON line')
    o = args.parse_args()

    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    keep = None
    if o.port is not None:
        keep, fprog = port_filter(o.port)  # the program must outlive the setsockopt
        s.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, fprog)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024 * 1024)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.bind(('lo', 0))
    stamps = []
    stop = False

    def done(*_):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, done)
    signal.signal(signal.SIGINT, done)
    s.settimeout(0.2)
    print('ready', file=sys.stderr, flush=True)
    while not stop:
        try:
            data, anc, _flags, addr = s.recvmsg(65535, 1024)
        except (socket.timeout, InterruptedError):
            continue
        if addr[2] != socket.PACKET_HOST:  # each loopback packet is seen outgoing and incoming: keep one
            continue
        eth = struct.unpack('!H', data[12:14])[0]
        if eth == 0x0800:
            ihl = (data[14] & 0x0F) * 4
            proto = data[23]
            l4 = 14 + ihl
        elif eth == 0x86DD:
            proto = data[20]
            l4 = 14 + 40
        else:
            continue
        if proto != 6:
            continue
        if o.port is not None and struct.unpack('!H', data[l4 + 2:l4 + 4])[0] != o.port:
            continue  # taken before the filter was attached
        off = ((data[l4 + 12] >> 4) & 0xF) * 4
        if data[l4 + off:l4 + off + len(NEEDLE)] != NEEDLE:
            continue
        ts = None
        for lvl, typ, val in anc:
            if lvl == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack('qq', val[:16])
                ts = sec + nsec / 1e9
        stamps.append(ts if ts is not None else time.time())
    del keep
    stamps.sort()
    best, j, at = 0, 0, 0
    for i in range(len(stamps)):
        while stamps[i] - stamps[j] >= 1.0:
            j += 1
        if i - j + 1 > best:
            best, at = i - j + 1, stamps[j]
    when = time.strftime('%H:%M:%S', time.gmtime(at))
    if o.json:
        print(json.dumps({'calls': len(stamps), 'slidingMax': best, 'at': when}), flush=True)
    else:
        print(f'CAPTURE calls {len(stamps)} sliding-1s max {best} at {when}', flush=True)


main()
