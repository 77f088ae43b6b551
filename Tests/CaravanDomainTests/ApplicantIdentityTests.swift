import CaravanDomain
import Testing

@Suite struct ApplicantIdentityTests {
    let today = "2026-12-03"

    @Test func emptyFieldsAreNotGivenNotWrong() throws {
        #expect(try ProfileRules.validate(ApplicantIdentityInput(), today: today) == .empty)
    }

    @Test func aPassportNumberIsItsLettersAndDigits() throws {
        let identity = try ProfileRules.validate(ApplicantIdentityInput(passportNumber: " aa 123-45 67 "), today: today)
        #expect(identity.passportNumber == "AA1234567")
        #expect(throws: ValidationFailure(field: "passportNumber", code: "passport.numberInvalid")) {
            try ProfileRules.validate(ApplicantIdentityInput(passportNumber: "A-12"), today: today)
        }
    }

    @Test func datesAreCheckedAgainstToday() throws {
        #expect(throws: ValidationFailure([
            FieldError(field: "birthDate", code: "date.future"),
            FieldError(field: "passportExpiresOn", code: "passport.expired", arguments: ["date": "2026-12-02"]),
        ])) {
            try ProfileRules.validate(ApplicantIdentityInput(birthDate: "2026-12-04", passportExpiresOn: "2026-12-02"), today: today)
        }
        #expect(throws: ValidationFailure(field: "birthDate", code: "date.invalid")) {
            try ProfileRules.validate(ApplicantIdentityInput(birthDate: "1899-12-31"), today: today)
        }
        #expect(throws: ValidationFailure(field: "birthDate", code: "date.invalid")) {
            try ProfileRules.validate(ApplicantIdentityInput(birthDate: "1990-02-30"), today: today)
        }
        // Valid through its last day: a passport ending today is still a passport.
        #expect(try ProfileRules.validate(ApplicantIdentityInput(passportExpiresOn: today), today: today).passportExpiresOn == today)
    }
}
