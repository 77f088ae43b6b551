import Foundation
import LeafKit

/// A `Mail` as the bytes an SMTP server takes after `DATA`: headers, a plain and an HTML part
/// (`multipart/alternative`), and any attachments around them (`multipart/mixed`). Every line ends in CRLF and
/// is 7-bit ASCII; bodies and our own headers keep to 76 characters a line (long headers are folded), so no server
/// has to re-encode or re-wrap it. Only an unusually long address could make its header line longer (998 at most).
struct MailMessage {
    let mail: Mail
    /// The sender's address (`CARAVAN_SMTP_URL`'s `from=`).
    let from: String
    /// When it is sent (the `Date` header).
    let date: Date

    /// The same outbox row always gets the same id, so a retried message is recognisably the same message.
    var messageID: String {
        let domain = from.split(separator: "@").last.map(String.init) ?? "localhost"
        return "<\(mail.id.uuidString.lowercased())@\(domain)>"
    }

    /// The whole message, CRLF line breaks, ending with one.
    func rendered() -> String {
        // Boundaries start with `=_`, which neither quoted-printable nor base64 ever writes at a line's start.
        let alternative = "=_alt_\(mail.id.uuidString.lowercased())"
        var lines = headers()
        if mail.attachments.isEmpty {
            lines += alternativeBody(boundary: alternative)
        } else {
            let mixed = "=_mixed_\(mail.id.uuidString.lowercased())"
            lines.append("Content-Type: multipart/mixed;\r\n boundary=\"\(mixed)\"")
            lines.append("")
            lines.append("--\(mixed)")
            lines += alternativeBody(boundary: alternative)
            for attachment in mail.attachments {
                lines.append("--\(mixed)")
                lines += part(attachment)
            }
            lines.append("--\(mixed)--")
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    private func headers() -> [String] {
        [
            "From: Caravan <\(from)>",
            "To: <\(mail.to)>",
            "Subject: \(MIMEEncoding.headerText(mail.subject))",
            "Date: \(MIMEEncoding.date(date))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
            "Content-Language: \(mail.language)",
        ]
    }

    /// The `Content-Type` line of the alternative part, a blank line, its two parts and its closing boundary.
    private func alternativeBody(boundary: String) -> [String] {
        let plain = MIMEEncoding.textBody(mail.body)
        let html = MIMEEncoding.textBody(MailHTML.render(mail))
        return [
            "Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"",
            "",
            "--\(boundary)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: \(plain.encoding)",
            "",
            plain.body,
            "--\(boundary)",
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: \(html.encoding)",
            "",
            html.body,
            "--\(boundary)--",
        ]
    }

    private func part(_ attachment: MailAttachment) -> [String] {
        // The name is ours (`appointment.ics`); anything that could break out of the quotes is dropped all the same.
        let name = attachment.filename.filter { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
        return [
            "Content-Type: \(attachment.contentType.filter { $0 != "\r" && $0 != "\n" });\r\n name=\"\(name)\"",
            "Content-Disposition: attachment; filename=\"\(name)\"",
            "Content-Transfer-Encoding: base64",
            "",
            MIMEEncoding.base64Lines(attachment.data),
        ]
    }
}

/// The HTML part of an e-mail: the plain text escaped, one paragraph per blank-line-separated block, the link a
/// link, in a page whose `lang` is the mail's language.
enum MailHTML {
    static func render(_ mail: Mail) -> String {
        let paragraphs = mail.body.replacingOccurrences(of: "\r\n", with: "\n")
            .components(separatedBy: "\n\n")
            .filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            .map { "<p>" + linked($0.htmlEscaped(), link: mail.link).replacingOccurrences(of: "\n", with: "<br>\n") + "</p>" }
        return """
            <!DOCTYPE html>
            <html lang="\(mail.language.htmlEscaped())">
            <head><meta charset="utf-8"><title>\(mail.subject.htmlEscaped())</title></head>
            <body>
            \(paragraphs.joined(separator: "\n"))
            </body>
            </html>
            """
    }

    /// The escaped link inside an escaped paragraph, made an `<a>`; only http(s) addresses become links.
    private static func linked(_ paragraph: String, link: String) -> String {
        guard link.hasPrefix("https://") || link.hasPrefix("http://") else { return paragraph }
        let shown = link.htmlEscaped()
        return paragraph.replacingOccurrences(of: shown, with: "<a href=\"\(shown)\">\(shown)</a>")
    }

}
