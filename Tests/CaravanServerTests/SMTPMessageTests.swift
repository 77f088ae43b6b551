@testable import CaravanServer
import Foundation
import NIOCore
import NIOEmbedded
import Testing

/// The message format and the reply parser, without a server: decoded here by code written apart from the encoder.
@Suite struct SMTPMessageTests {
    static let sample = Mail(
        id: UUID(uuidString: "0B7E8C2A-6C55-4F4B-9E0B-2D7A1C2F3E4D")!, to: "aziz@example.uz", language: "ru",
        kind: "notice.specialist.offer", subject: "Caravan: ООО «Казань Софт» делает вам предложение по вакансии «Java-разработчик»",
        body: "ООО «Казань Софт» делает вам предложение <b>&</b>.\n\n.Точка в начале строки\nОткрыть в Caravan: https://caravan.example.org/applications?a=1&b=2",
        link: "https://caravan.example.org/applications?a=1&b=2"
    )

    @Test func quotedPrintableKeepsLinesShortAndDecodesToTheText() {
        let text = String(repeating: "Длинная строка без переносов, ", count: 12) + "конец. \nВторая строка с пробелом в конце \n"
        let encoded = MIMEEncoding.quotedPrintable(text)
        #expect(encoded.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 })
        #expect(encoded.utf8.allSatisfy { $0 < 128 })
        #expect(MailDecoding.quotedPrintable(encoded) == text.replacingOccurrences(of: "\n", with: "\r\n"))
        // A space at the end of a line is written =20, so no relay trims it away.
        #expect(encoded.contains("конце =20") == false)
        #expect(encoded.contains("=20\r\n"))
    }

    @Test func englishTravelsQuotedPrintableAndRussianBase64() {
        #expect(MIMEEncoding.textBody("Open in Caravan: https://caravan.example.org/").encoding == "quoted-printable")
        let russian = MIMEEncoding.textBody("Открыть в Caravan:\nhttps://caravan.example.org/")
        #expect(russian.encoding == "base64")
        #expect(Data(base64Encoded: russian.body, options: .ignoreUnknownCharacters) == Data("Открыть в Caravan:\r\nhttps://caravan.example.org/".utf8))
    }

    @Test func aCyrillicSubjectBecomesEncodedWordsThatDecodeBack() {
        let header = MIMEEncoding.headerText(Self.sample.subject)
        let words = header.components(separatedBy: "\r\n ")
        #expect(words.count > 1)
        #expect(words.allSatisfy { $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") && $0.count <= 75 })
        #expect(MailDecoding.header(header) == Self.sample.subject)
        // Plain ASCII stays readable; a line break cannot smuggle in a header.
        #expect(MIMEEncoding.headerText("Caravan: hello") == "Caravan: hello")
        #expect(!MIMEEncoding.headerText("hi\r\nBcc: x@y.org").contains("\r\nBcc"))
    }

    @Test func theMessageHasBothPartsTheHeadersAndNoLongLines() throws {
        let message = MailMessage(mail: Self.sample, from: "noreply@caravan.example.org", date: Date(timeIntervalSince1970: 1_795_000_000))
        let text = message.rendered()
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 })
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(text.contains("Message-ID: <0b7e8c2a-6c55-4f4b-9e0b-2d7a1c2f3e4d@caravan.example.org>\r\n"))
        #expect(text.contains("Date: Wed, 18 Nov 2026 11:06:40 +0000\r\n"))
        #expect(text.contains("Content-Language: ru\r\n"))
        #expect(text.contains("Content-Type: multipart/alternative;"))
        #expect(!text.contains("multipart/mixed"))
        let html = MailHTML.render(Self.sample)
        #expect(html.contains(#"<html lang="ru">"#))
        #expect(html.contains("&lt;b&gt;&amp;&lt;/b&gt;"))
        #expect(html.contains(#"<a href="https://caravan.example.org/applications?a=1&amp;b=2">"#))
        #expect(html.components(separatedBy: "<p>").count == 3)
    }

    @Test func dataIsDotStuffedAndEndsWithALoneDot() {
        let stuffed = SMTPConversation.dotStuffed("a\r\n.b\r\n..c\r\n.\r\n")
        #expect(stuffed == "a\r\n..b\r\n...c\r\n..\r\n.\r\n")
    }

    @Test func repliesAreReadLineByLineAndMultiLineOnesJoined() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SMTPReplyDecoder()))
        try channel.writeInbound(ByteBuffer(string: "220 ready\r\n250-mail.example.org\r\n250-STARTTLS\r\n250 AUTH PLAIN"))
        #expect(try channel.readInbound(as: SMTPReply.self) == SMTPReply(code: 220, lines: ["ready"]))
        #expect(try channel.readInbound(as: SMTPReply.self) == nil)
        try channel.writeInbound(ByteBuffer(string: " LOGIN\r\n354\n"))
        #expect(try channel.readInbound(as: SMTPReply.self) == SMTPReply(code: 250, lines: ["mail.example.org", "STARTTLS", "AUTH PLAIN LOGIN"]))
        #expect(try channel.readInbound(as: SMTPReply.self) == SMTPReply(code: 354, lines: [""]))
        #expect(throws: (any Error).self) { try channel.writeInbound(ByteBuffer(string: "hello there\r\n")) }
    }
}

/// Decoders for what the tests receive, written apart from the encoders they check.
enum MailDecoding {
    static func quotedPrintable(_ text: String) -> String {
        var bytes: [UInt8] = []
        let source = Array(text.replacingOccurrences(of: "=\r\n", with: "").utf8)
        var index = 0
        while index < source.count {
            if source[index] == UInt8(ascii: "="), index + 2 < source.count,
               let byte = UInt8(String(decoding: source[index + 1...index + 2], as: UTF8.self), radix: 16) {
                bytes.append(byte)
                index += 3
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A header value: encoded words decoded and joined (the folding between them dropped, RFC 2047 §6.2).
    static func header(_ value: String) -> String {
        let unfolded = value.replacingOccurrences(of: "\r\n ", with: " ")
        let words = unfolded.split(separator: " ")
        guard words.allSatisfy({ $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") }) else { return unfolded }
        let bytes = words.flatMap { word in Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) ?? Data() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
