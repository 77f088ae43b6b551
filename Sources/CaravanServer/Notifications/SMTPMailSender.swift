import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// Sends each mail over its own SMTP connection (RFC 5321): EHLO, STARTTLS when offered or required, AUTH PLAIN or
/// LOGIN when credentials are configured, MAIL FROM, RCPT TO, DATA, QUIT. Every step has the configured timeout;
/// any refusal or failure throws an `SMTPError`, and the outbox keeps the mail for a later attempt.
///
/// One connection a mail keeps it simple: the outbox sends a few messages a sweep, not a newsletter.
public struct SMTPMailSender: MailSender {
    let configuration: SMTPConfiguration
    let group: any EventLoopGroup
    /// The name this client gives in EHLO: the host of Caravan's own address.
    let helloName: String
    let now: @Sendable () -> Date
    let logger: Logger
    /// Certificates are checked against the system's trust roots and the configured host name.
    private let tls: NIOSSLContext?

    public init(configuration: SMTPConfiguration, group: any EventLoopGroup, helloName: String,
                now: @escaping @Sendable () -> Date, logger: Logger) throws {
        self.configuration = configuration
        self.group = group
        self.helloName = helloName
        self.now = now
        self.logger = logger
        tls = configuration.security == .off ? nil : try NIOSSLContext(configuration: .makeClientConfiguration())
    }

    public func send(_ mail: Mail) async throws {
        guard SMTPConfiguration.isPlainAddress(mail.to) else { throw SMTPError.unsupportedAddress }
        let message = MailMessage(mail: mail, from: configuration.from, date: now()).rendered()
        let channel = try await connect()
        try await channel.executeThenClose { inbound, outbound in
            var conversation = SMTPConversation(
                channel: channel.channel, replies: inbound.makeAsyncIterator(), outbound: outbound,
                timeout: TimeAmount(configuration.timeout)
            )
            try await conversation.deliver(message, from: configuration.from, to: mail.to, sender: self)
        }
        logger.debug("smtp: delivered", metadata: ["outbox": .string(mail.id.uuidString.lowercased())])
    }

    private func connect() async throws -> NIOAsyncChannel<SMTPReply, ByteBuffer> {
        let implicitTLS = configuration.security == .implicitTLS ? tlsHandlerFactory() : nil
        do {
            return try await ClientBootstrap(group: group)
                .connectTimeout(TimeAmount(configuration.timeout))
                .connect(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let implicitTLS { try channel.pipeline.syncOperations.addHandler(try implicitTLS()) }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                        return try NIOAsyncChannel<SMTPReply, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch ChannelError.connectTimeout {
            throw SMTPError.timedOut(.connect)
        } catch {
            throw SMTPError.unreachable
        }
    }

    /// Makes the TLS handler on the channel's event loop (handlers are not `Sendable`; this recipe is).
    func tlsHandlerFactory() -> (@Sendable () throws -> NIOSSLClientHandler)? {
        guard let tls else { return nil }
        // SNI takes a host name, never an IP address.
        let isAddress = (try? SocketAddress(ipAddress: configuration.host, port: 0)) != nil
        let name = isAddress ? nil : configuration.host
        return { try NIOSSLClientHandler(context: tls, serverHostname: name) }
    }
}

/// One SMTP conversation on one connection, step by step.
struct SMTPConversation {
    let channel: any Channel
    var replies: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let timeout: TimeAmount

    /// The whole exchange for one message; returns once the server has accepted it (QUIT is a courtesy).
    mutating func deliver(_ message: String, from: String, to: String, sender: SMTPMailSender) async throws {
        let configuration = sender.configuration
        _ = try await expect([220], at: .greeting)
        var extensions = try await hello(sender.helloName)
        if configuration.security == .startTLSRequired || configuration.security == .startTLSOptional {
            if extensions.contains("STARTTLS") {
                try await command("STARTTLS", expecting: [220], at: .startTLS)
                try await startTLS(sender)
                extensions = try await hello(sender.helloName)
            } else if configuration.security == .startTLSRequired {
                throw SMTPError.startTLSNotOffered
            }
        }
        if let credentials = configuration.credentials {
            try await authenticate(credentials, extensions: extensions)
        }
        // Addresses outside ASCII need the server's SMTPUTF8; the message itself is 7-bit either way.
        let needsUTF8 = !(from + to).allSatisfy(\.isASCII)
        guard !needsUTF8 || extensions.contains("SMTPUTF8") else { throw SMTPError.unsupportedAddress }
        try await command("MAIL FROM:<\(from)>" + (needsUTF8 ? " SMTPUTF8" : ""), expecting: [250], at: .sender)
        try await command("RCPT TO:<\(to)>", expecting: [250, 251], at: .recipient)
        try await command("DATA", expecting: [354], at: .data)
        try await write(Self.dotStuffed(message), at: .message)
        _ = try await expect([250], at: .message)
        // The message is accepted; a server that hangs up instead of saying goodbye changes nothing.
        try? await command("QUIT", expecting: [221], at: .message)
    }

    /// EHLO, and the extensions the server lists (upper-cased keywords; `AUTH` lines keep their mechanisms).
    mutating func hello(_ name: String) async throws -> Set<String> {
        try await write("EHLO \(name)\r\n", at: .hello)
        let reply = try await expect([250], at: .hello)
        var extensions: Set<String> = []
        for line in reply.lines.dropFirst() {
            let words = line.uppercased().split(separator: " ").map(String.init)
            guard let keyword = words.first else { continue }
            extensions.insert(keyword)
            if keyword == "AUTH" { words.dropFirst().forEach { extensions.insert("AUTH " + $0) } }
        }
        return extensions
    }

    /// Puts TLS under the conversation, at the front of the pipeline, and waits for the handshake: a certificate
    /// that fails the check ends the conversation here, before a credential or an address is sent.
    func startTLS(_ sender: SMTPMailSender) async throws {
        guard let makeHandler = sender.tlsHandlerFactory() else { throw SMTPError.tlsFailed(.startTLS) }
        let handshake = channel.eventLoop.makePromise(of: Void.self)
        try await Self.within(timeout, on: channel, at: .startTLS) {
            try await channel.eventLoop.submit { [channel] in
                let tls = try makeHandler()
                try channel.pipeline.syncOperations.addHandler(tls, position: .first)
                try channel.pipeline.syncOperations.addHandler(TLSHandshakeWatch(done: handshake), position: .after(tls))
            }.get()
            try await handshake.futureResult.get()
        }
    }

    /// AUTH PLAIN when offered, else AUTH LOGIN; refused credentials end the conversation.
    mutating func authenticate(_ credentials: (username: String, password: String), extensions: Set<String>) async throws {
        func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
        if extensions.contains("AUTH PLAIN") {
            try await command("AUTH PLAIN " + base64("\0\(credentials.username)\0\(credentials.password)"), expecting: [235], at: .authentication)
        } else if extensions.contains("AUTH LOGIN") {
            try await command("AUTH LOGIN", expecting: [334], at: .authentication)
            try await command(base64(credentials.username), expecting: [334], at: .authentication)
            try await command(base64(credentials.password), expecting: [235], at: .authentication)
        } else {
            throw SMTPError.authenticationNotOffered
        }
    }

    /// Sends one command line and reads its reply.
    @discardableResult
    mutating func command(_ line: String, expecting codes: Set<Int>, at step: SMTPStep) async throws -> SMTPReply {
        try await write(line + "\r\n", at: step)
        return try await expect(codes, at: step)
    }

    /// Reads the next reply; one with a code not in `codes` is a refusal.
    mutating func expect(_ codes: Set<Int>, at step: SMTPStep) async throws -> SMTPReply {
        var replies = self.replies
        defer { self.replies = replies }
        let reply = try await Self.within(timeout, on: channel, at: step) { try await replies.next() }
        guard let reply else { throw SMTPError.closed(step) }
        guard codes.contains(reply.code) else { throw SMTPError.refused(step, code: reply.code) }
        return reply
    }

    func write(_ text: String, at step: SMTPStep) async throws {
        try await Self.within(timeout, on: channel, at: step) { try await outbound.write(ByteBuffer(string: text)) }
    }

    /// Runs `body`, closing the connection if it takes longer than `timeout`; errors become `SMTPError`s.
    static func within<T>(_ timeout: TimeAmount, on channel: any Channel, at step: SMTPStep,
                          _ body: () async throws -> T) async throws -> T {
        let expired = NIOLockedValueBox(false)
        let timer = channel.eventLoop.scheduleTask(in: timeout) {
            expired.withLockedValue { $0 = true }
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            let result = try await body()
            if expired.withLockedValue({ $0 }) { throw SMTPError.timedOut(step) }
            return result
        } catch let error as SMTPError {
            throw error
        } catch {
            if expired.withLockedValue({ $0 }) { throw SMTPError.timedOut(step) }
            if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError { throw SMTPError.tlsFailed(step) }
            if error is SMTPReplyDecoderError { throw SMTPError.malformedReply(step) }
            throw SMTPError.closed(step)
        }
    }

    /// The message as DATA carries it: a line starting with `.` gets a second one (RFC 5321 §4.5.2), and a line
    /// with a single `.` ends it.
    static func dotStuffed(_ message: String) -> String {
        var lines = message.components(separatedBy: "\r\n")
        if lines.last == "" { lines.removeLast() }
        return lines.map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n") + "\r\n.\r\n"
    }
}

/// Tells when the TLS handshake under it has finished, or why it never will; passes everything on unchanged.
final class TLSHandshakeWatch: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    private let done: EventLoopPromise<Void>
    /// A promise is completed once; later errors and the close only pass on.
    private var finished = false

    init(done: EventLoopPromise<Void>) {
        self.done = done
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event { finish(.success(())) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(error))
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(ChannelError.ioOnClosedChannel))
        context.fireChannelInactive()
    }

    private func finish(_ result: Result<Void, any Error>) {
        guard !finished else { return }
        finished = true
        done.completeWith(result)
    }
}
