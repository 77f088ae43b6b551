import Fluent

/// The outbox learns to wait: a mail whose send failed is not tried again before `next_attempt_at`, and the wait
/// grows with each attempt (see `OutboxDelivery.delay(afterAttempt:)`). Rows written before it have none: due now.
struct AddOutboxNextAttempt: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(OutboxMail.schema)
            .field("next_attempt_at", .datetime)
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(OutboxMail.schema).deleteField("next_attempt_at").update()
    }
}
