#!/usr/bin/env python3
"""A local SMTP server for Caravan's tests (aiosmtpd): every message it accepts is written to a folder.

    smtp_sink.py --port 2525 --folder /tmp/mail [--refuse-first N | --refuse-all] [--auth user:password]
                 [--starttls CERT.pem KEY.pem]

Each accepted message becomes `<n>.eml` (the bytes after DATA, dot-unstuffed) and `<n>.json` (the envelope:
sender, recipients, whether the client authenticated, and as whom). `--refuse-first N` answers the first N
messages with 451 (try again later); `--refuse-all` answers every one so. `--auth` offers AUTH PLAIN and LOGIN
without TLS and accepts only that user and password; a client may also send without authenticating. `--starttls`
offers STARTTLS with that certificate (a self-signed one: Caravan's client must refuse it). The sink listens on
127.0.0.1 only and stops on SIGTERM or SIGINT.
"""
import argparse
import json
import os
import signal
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, folder, refuse_first):
        self.folder = folder
        self.refuse_first = refuse_first
        self.seen = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.seen += 1
            number = self.seen
        if self.refuse_first < 0 or number <= self.refuse_first:
            return "451 4.3.0 Try again later"
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "authenticated": bool(session.authenticated),
            "login": session.auth_data.decode() if isinstance(session.auth_data, bytes) else None,
        }
        base = os.path.join(self.folder, f"{os.getpid()}-{number}")
        # Written under a temporary name and renamed: a test never reads half a message.
        for suffix, data in ((".json", json.dumps(meta).encode()), (".eml", envelope.content)):
            with open(base + suffix + ".part", "wb") as file:
                file.write(data)
            os.rename(base + suffix + ".part", base + suffix)
        return "250 2.0.0 Accepted"


def authenticator(expected):
    user, password = expected.split(":", 1)

    def check(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password:
            return AuthResult(success=True, auth_data=auth_data.login)
        return AuthResult(success=False, handled=False)

    return check


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--folder", required=True)
    refusing = parser.add_mutually_exclusive_group()
    refusing.add_argument("--refuse-first", type=int, default=0, metavar="N", help="answer the first N messages with 451")
    refusing.add_argument("--refuse-all", action="store_true", help="answer every message with 451")
    parser.add_argument("--auth", metavar="USER:PASSWORD", help="offer AUTH PLAIN and LOGIN without TLS")
    parser.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"), help="offer STARTTLS with this certificate")
    args = parser.parse_args()

    os.makedirs(args.folder, exist_ok=True)
    options = {}
    if args.auth:
        options = {"authenticator": authenticator(args.auth), "auth_require_tls": False, "auth_required": False}
    if args.starttls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*args.starttls)
        options["tls_context"] = context
    sink = Sink(args.folder, -1 if args.refuse_all else args.refuse_first)
    controller = Controller(sink, hostname="127.0.0.1", port=args.port, **options)
    controller.start()
    print(f"smtp_sink: listening on 127.0.0.1:{args.port}, writing to {args.folder}", flush=True)

    stop = threading.Event()
    for name in (signal.SIGTERM, signal.SIGINT):
        signal.signal(name, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
