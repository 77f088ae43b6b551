@testable import CaravanServer
import Foundation
import Testing

@Suite struct SMTPConfigurationTests {
    @Test func aFullURLGivesEveryPart() throws {
        let smtp = try SMTPConfiguration.parse("smtp://mailer:p%40ss%3Aword@mail.example.org:2525?from=noreply@example.org&starttls=optional")
        #expect(smtp.host == "mail.example.org")
        #expect(smtp.port == 2525)
        #expect(smtp.username == "mailer")
        // Percent-escapes let a password hold '@' and ':'.
        #expect(smtp.password == "p@ss:word")
        #expect(smtp.from == "noreply@example.org")
        #expect(smtp.security == .startTLSOptional)
    }

    @Test func defaultsAreTheSubmissionPortWithSTARTTLSRequired() throws {
        let smtp = try SMTPConfiguration.parse("smtp://relay.example.org?from=noreply@example.org")
        #expect(smtp.port == 587)
        #expect(smtp.security == .startTLSRequired)
        #expect(smtp.credentials == nil)
        let implicit = try SMTPConfiguration.parse("smtps://relay.example.org?from=noreply@example.org")
        #expect(implicit.port == 465)
        #expect(implicit.security == .implicitTLS)
        #expect(try SMTPConfiguration.parse("smtp://127.0.0.1:25?from=a@b.org&starttls=off").security == .off)
    }

    @Test(arguments: [
        ("http://mail.example.org?from=a@b.org", "scheme 'http'"),
        ("smtp://?from=a@b.org", "needs a host"),
        ("smtp://mail.example.org", "from="),
        ("smtp://mail.example.org?from=not-an-address", "from="),
        ("smtp://mail.example.org?from=a@b.org%0D%0ARCPT", "from="),
        ("smtp://mail.example.org?from=a@b.org&starttls=maybe", "required, optional or off"),
        ("smtps://mail.example.org?from=a@b.org&starttls=off", "starttls= is for smtp://"),
        ("smtp://mail.example.org?from=a@b.org&sender=x", "unknown parameter 'sender'"),
        ("smtp://mail.example.org/path?from=a@b.org", "no path"),
        ("smtp://onlyuser@mail.example.org?from=a@b.org", "both a user and a password"),
        ("smtp://mail.example.org:0?from=a@b.org", "out of range"),
    ])
    func aBadURLIsAClearStartupError(url: String, says: String) {
        #expect {
            try SMTPConfiguration.parse(url)
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.variable == "CARAVAN_SMTP_URL" && error.problem.contains(says)
        }
    }

    @Test func theEnvironmentChoosesSMTPAndAMistakeNeverRepeatsThePassword() throws {
        #expect(try AppConfiguration.parse(environment: [:]).smtp == nil)
        let configured = try AppConfiguration.parse(environment: ["CARAVAN_SMTP_URL": "smtp://u:secret@mail.example.org?from=noreply@example.org"])
        #expect(configured.smtp?.host == "mail.example.org")
        do {
            _ = try AppConfiguration.parse(environment: ["CARAVAN_SMTP_URL": "ftp://u:hunter2@mail.example.org?from=a@b.org"])
            Issue.record("an ftp:// URL was accepted")
        } catch {
            #expect(error.variable == "CARAVAN_SMTP_URL")
            #expect(!error.description.contains("hunter2"))
        }
        do {
            _ = try AppConfiguration.parse(environment: ["CARAVAN_SMTP_URL": "smtp://u:hunter2@ bad url"])
            Issue.record("a broken URL was accepted")
        } catch {
            #expect(!error.description.contains("hunter2"))
        }
    }
}
