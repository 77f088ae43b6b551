import Foundation
import Logging

/// One e-mail, rendered in its recipient's language.
public struct Mail: Sendable {
    /// The outbox row it came from; the only identifier a log may carry.
    public let id: UUID
    public let to: String
    public let language: String
    public let kind: String
    public let subject: String
    public let body: String
    /// The absolute address `body` ends with, made a link in the HTML part ("" when there is none).
    public var link: String = ""
    /// Files sent with it (an appointment's `.ics`).
    public var attachments: [MailAttachment] = []
}

/// A file attached to an e-mail.
public struct MailAttachment: Sendable, Equatable {
    public let filename: String
    public let contentType: String
    public let data: Data
}

/// Delivers e-mail. The default writes a line to the log; a deployment plugs in SMTP or an HTTP mail service.
public protocol MailSender: Sendable {
    func send(_ mail: Mail) async throws
}

/// Logs that a message went out, with nothing personal in the line: no address, no name, no text.
public struct LogMailSender: MailSender {
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func send(_ mail: Mail) async throws {
        logger.info("mail delivered", metadata: [
            "outbox": .string(mail.id.uuidString.lowercased()), "kind": .string(mail.kind), "language": .string(mail.language),
        ])
    }
}
