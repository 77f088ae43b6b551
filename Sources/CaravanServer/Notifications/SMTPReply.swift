import Foundation
import NIOCore

/// One step of an SMTP conversation, named in errors and logs instead of anything the step carried.
public enum SMTPStep: String, Sendable, Equatable {
    case connect
    case greeting
    case hello = "EHLO"
    case startTLS = "STARTTLS"
    case authentication = "AUTH"
    case sender = "MAIL FROM"
    case recipient = "RCPT TO"
    case data = "DATA"
    case message = "the message"
}

/// Why a message did not go out. It never holds an address, a subject or the server's reply text (which often
/// repeats the address): the step and the reply code say enough to act on.
public enum SMTPError: Error, Equatable, CustomStringConvertible {
    /// No connection could be made (nothing listens, the host is unknown, the network is down).
    case unreachable
    /// A step took longer than the configured timeout.
    case timedOut(SMTPStep)
    /// The server hung up before the step was done.
    case closed(SMTPStep)
    /// The server answered the step with a 4xx (try again later) or 5xx (refused) reply.
    case refused(SMTPStep, code: Int)
    /// The server's answer was not an SMTP reply.
    case malformedReply(SMTPStep)
    /// `starttls=required`, and the server does not offer STARTTLS.
    case startTLSNotOffered
    /// Credentials are configured, and the server offers neither AUTH PLAIN nor AUTH LOGIN.
    case authenticationNotOffered
    /// The TLS handshake failed (an untrusted certificate, a name that does not match, no common cipher).
    case tlsFailed(SMTPStep)
    /// An address this client will not put on the wire (not one `local@domain`, or not ASCII for a server
    /// without SMTPUTF8).
    case unsupportedAddress

    /// Whether a later attempt may succeed: everything but a 5xx refusal and an address that cannot be sent.
    public var isTransient: Bool {
        switch self {
        case .refused(_, let code): code < 500
        case .unsupportedAddress, .authenticationNotOffered, .startTLSNotOffered: false
        default: true
        }
    }

    public var description: String {
        switch self {
        case .unreachable: "SMTP: the server could not be reached"
        case .timedOut(let step): "SMTP: no answer in time at \(step.rawValue)"
        case .closed(let step): "SMTP: the server closed the connection at \(step.rawValue)"
        case .refused(let step, let code): "SMTP: the server refused \(step.rawValue) with \(code)"
        case .malformedReply(let step): "SMTP: an answer that is not SMTP at \(step.rawValue)"
        case .startTLSNotOffered: "SMTP: the server does not offer STARTTLS, and starttls=required"
        case .authenticationNotOffered: "SMTP: credentials are configured, and the server offers neither AUTH PLAIN nor AUTH LOGIN"
        case .tlsFailed(let step): "SMTP: the TLS handshake failed at \(step.rawValue)"
        case .unsupportedAddress: "SMTP: an address that cannot be sent to this server"
        }
    }
}

/// One SMTP reply: its code and the text of each of its lines (`250-first`, `250 last`).
struct SMTPReply: Sendable, Equatable {
    let code: Int
    let lines: [String]
}

/// Turns the bytes a server sends into replies, joining the lines of a multi-line one.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply

    /// RFC 5321 §4.5.3.1.5 allows 512 bytes a reply line; anything past four kilobytes is not a server talking SMTP.
    static let maximumLineLength = 4096
    /// EHLO lists one extension a line; no server lists a hundred.
    static let maximumLines = 100

    private var lines: [String] = []
    private var code: Int?

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLineLength { throw SMTPReplyDecoderError.malformed }
            return .needMoreData
        }
        guard let bytes = buffer.readBytes(length: newline - buffer.readerIndex + 1) else { return .needMoreData }
        let (lineCode, last, text) = try Self.parse(bytes)
        guard code == nil || code == lineCode, lines.count < Self.maximumLines else { throw SMTPReplyDecoderError.malformed }
        code = lineCode
        lines.append(text)
        if last {
            context.fireChannelRead(Self.wrapInboundOut(SMTPReply(code: lineCode, lines: lines)))
            lines = []
            code = nil
        }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }

    /// One reply line: its code, whether it is the last line (`250 ` rather than `250-`), and its text.
    /// Works on bytes: a server's text need not be UTF-8, and CRLF is one `Character` in Swift.
    static func parse(_ raw: [UInt8]) throws -> (code: Int, last: Bool, text: String) {
        var line = raw[...]
        while let end = line.last, end == UInt8(ascii: "\n") || end == UInt8(ascii: "\r") { line = line.dropLast() }
        let digits = line.prefix(3)
        guard digits.count == 3, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let code = Int(String(decoding: digits, as: UTF8.self)), (200...599).contains(code)
        else { throw SMTPReplyDecoderError.malformed }
        let rest = line.dropFirst(3)
        guard let separator = rest.first else { return (code, true, "") }
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else { throw SMTPReplyDecoderError.malformed }
        return (code, separator == UInt8(ascii: " "), String(decoding: rest.dropFirst(), as: UTF8.self))
    }
}

/// A server's bytes that are not SMTP replies (mapped to `SMTPError.malformedReply` by the step that read them).
enum SMTPReplyDecoderError: Error {
    case malformed
}
