#!/usr/bin/env python3
"""Writes server/commands/command_docs_data.cc: for every command and subcommand shoal-server
has, the argument grammar COMMAND DOCS gives in redis-server 7.0 (argument names, types,
tokens, flags, nesting, key-spec indexes), with its summary, since, group, doc flags and
deprecation, and a container's subcommands. Clients read this grammar: redis-cli builds its
argument hints and its `help` from it.

Two fields of Redis' reply are left out: `complexity`, which describes Redis' implementation
(Shoal's differ, the sorted-set index for one), and `history`, Redis' own release log.

The reply is stored as the RESP3 token stream Redis sends (map, array, set, bulk, simple string,
integer headers and values), so Shoal replays it in either protocol with the same types and
order. A container's subcommands refer to the subcommands' own entries.

Usage: start a shoal-server and a redis-server 7.0, then
    /usr/bin/python3 tools/gen_command_docs.py --shoal-port P --redis-port Q > server/commands/command_docs_data.cc
"""
import argparse
import socket

DROPPED = {b"complexity", b"history"}


class Resp3:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""
        self.call(b"HELLO", b"3")

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise EOFError("server closed the connection")
            self.buf += chunk
        ln, self.buf = self.buf.split(b"\r\n", 1)
        return ln

    def exact(self, n):
        while len(self.buf) < n + 2:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise EOFError("server closed the connection")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def read(self):
        """A reply as (type, value): value is bytes, an int, or a list of replies (a map's is
        flat: key, value, key, value ...)."""
        ln = self.line()
        t, rest = ln[:1], ln[1:]
        if t in (b"+", b"-"):
            return (t, rest)
        if t == b":":
            return (t, int(rest))
        if t == b"$":
            return (t, self.exact(int(rest)))
        if t in (b"*", b"~"):
            return (t, [self.read() for _ in range(int(rest))])
        if t == b"%":
            return (t, [self.read() for _ in range(2 * int(rest))])
        raise ValueError(f"unexpected reply type {ln!r}")

    def call(self, *args):
        self.sock.sendall(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))
        reply = self.read()
        if reply[0] == b"-":
            raise RuntimeError(reply[1].decode())
        return reply


def cstr(b):
    out = []
    for ch in b:
        c = chr(ch)
        if c in "\\\"":
            out.append("\\" + c)
        elif 32 <= ch < 127:
            out.append(c)
        else:
            out.append("\\%03o" % ch)
    return '"' + "".join(out) + '"'


class Emitter:
    def __init__(self, subs_of):
        self.tokens = []  # C++ initialisers
        self.subs_of = subs_of  # command -> set of the subcommands Shoal has

    def tok(self, op, n=0, s=b""):
        self.tokens.append(f"{{'{op}', {n}, {cstr(s)}}}")

    def value(self, node):
        t, v = node
        if t == b"$":
            self.tok("B", s=v)
        elif t == b"+":
            self.tok("P", s=v)
        elif t == b":":
            self.tok("I", n=v)
        elif t in (b"*", b"~"):
            self.tok("A" if t == b"*" else "S", n=len(v))
            for item in v:
                self.value(item)
        elif t == b"%":
            self.doc_map(v, None)
        else:
            raise ValueError(f"unexpected type {t!r} in COMMAND DOCS")

    def doc_map(self, flat, command, refs=None):
        """A map, without the dropped fields; `subcommands` becomes references (R) to the
        subcommands' entries, only those Shoal has."""
        pairs = [(flat[i], flat[i + 1]) for i in range(0, len(flat), 2) if flat[i][1] not in DROPPED]
        self.tok("M", n=len(pairs))
        for k, v in pairs:
            self.value(k)
            if command is not None and k[1] == b"subcommands":
                subs = [(v[1][i][1], v[1][i + 1]) for i in range(0, len(v[1]), 2)]
                subs = [(name, doc) for name, doc in subs if name.decode() in self.subs_of.get(command, ())]
                subs.sort()  # Redis' order is its dict's, which changes from process to process
                self.tok("M", n=len(subs))
                for name, doc in subs:
                    self.tok("B", s=name)
                    self.tok("R", s=name)
                    refs.append((name, doc))
            else:
                self.value(v)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shoal-port", type=int, required=True)
    ap.add_argument("--redis-port", type=int, required=True)
    args = ap.parse_args()
    shoal, ref = Resp3(args.shoal_port), Resp3(args.redis_port)
    listed = [v.decode() for _, v in shoal.call(b"COMMAND", b"LIST")[1]]
    subs_of = {}
    for name in listed:
        if "|" in name:
            parent, sub = name.split("|", 1)
            subs_of.setdefault(parent, set()).add(name)
    em = Emitter(subs_of)
    entries = []  # (name, first token, token count)

    def add(name, flat, command):
        refs = []
        start = len(em.tokens)
        em.doc_map(flat, command, refs)
        entries.append((name, start, len(em.tokens) - start))
        for sub_name, doc in refs:
            add(sub_name, doc[1], None)

    for name in sorted(n for n in listed if "|" not in n):
        reply = ref.call(b"COMMAND", b"DOCS", name.encode())[1]
        if not reply:
            continue  # Redis 7.0 has no such command: Shoal's own docs answer
        add(reply[0][1], reply[1][1], name)
    entries.sort()
    print("// Generated by tools/gen_command_docs.py from redis-server 7.0's COMMAND DOCS; do not edit.")
    print('#include "server/commands/command_docs.h"\n')
    print("namespace shoal {")
    print("namespace {\n")
    print("constexpr DocToken kTokens[] = {")
    for i in range(0, len(em.tokens), 4):
        print("    " + ", ".join(em.tokens[i:i + 4]) + ",")
    print("};\n")
    print("constexpr DocEntry kEntries[] = {")
    for name, start, count in entries:
        print(f"    {{{cstr(name)}, {start}, {count}}},")
    print("};\n")
    print("}  // namespace\n")
    print("std::span<const DocToken> AllDocTokens() { return kTokens; }")
    print("std::span<const DocEntry> AllDocEntries() { return kEntries; }\n")
    print("}  // namespace shoal")


if __name__ == "__main__":
    main()
