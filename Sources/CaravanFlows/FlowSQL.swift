import Foundation

/// The definition as one SQL query (DuckDB's dialect, standard window functions only), for data that lives in a
/// columnar engine: the same steps as `FlowRules`, with the same thresholds, giving the same class counts —
/// `scripts/flows-check` runs it on DuckDB beside the Swift engine and requires equality.
///
/// No recursion is needed for the sequence step: a run abroad is a residence by its span alone (`residenceDays`), so
/// "a home run after a residence abroad" is "a home run starting after the subscriber's first residence abroad", and
/// the class needs only the first and last residence and whether one was abroad (collapsing neighbours of the same
/// kind changes neither).
public enum FlowSQL {
    /// A table name as SQL may take it bare: letters, digits, `_` and dots (schema.table).
    public static func isPlainName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" || $0 == "." }
    }

    public static func query(definition: FlowDefinition, home: CountryKey, table: String = "events") -> String {
        let h = home.description
        let noise = definition.noiseDays, residence = definition.residenceDays, back = definition.returnDays
        return """
        -- Caravan flows, definition "\(definition.name.replacingOccurrences(of: "\n", with: " "))": noise \(noise) observed days, residence \(residence) days, return \(back) days; home \(h).
        -- The steps of docs/FLOWS.md. Input: \(table)(sub, day DATE, country VARCHAR, cnt INTEGER), one row per
        -- subscriber, day and country. Output: each class with its number of subscribers.
        -- Portable apart from `last_day - first_day` (DuckDB and PostgreSQL: days between two DATEs; ClickHouse:
        -- dateDiff('day', first_day, last_day); Spark: datediff(last_day, first_day)).
        WITH day_country AS (
          -- 1a. The same country twice in a day adds up.
          SELECT sub, day, country, SUM(cnt) AS n
          FROM \(table)
          GROUP BY sub, day, country
        ),
        daily AS (
          -- 1b. The day's country: the most events; a tie goes to the lowest code.
          SELECT sub, day, country
          FROM (
            SELECT sub, day, country,
                   ROW_NUMBER() OVER (PARTITION BY sub, day ORDER BY n DESC, country ASC) AS pick
            FROM day_country
          ) ranked
          WHERE pick = 1
        ),
        marked AS (
          -- 2. Episodes (gaps and islands over observed days): a change of country starts one; a day without rows does not.
          SELECT sub, day, country,
                 CASE WHEN country = LAG(country) OVER (PARTITION BY sub ORDER BY day) THEN 0 ELSE 1 END AS starts
          FROM daily
        ),
        episodes AS (
          SELECT sub, episode, country, MIN(day) AS first_day, MAX(day) AS last_day, COUNT(*) AS observed
          FROM (
            SELECT sub, day, country,
                   SUM(starts) OVER (PARTITION BY sub ORDER BY day ROWS UNBOUNDED PRECEDING) AS episode
            FROM marked
          ) numbered
          GROUP BY sub, episode, country
        ),
        kept AS (
          -- 3. Episodes of fewer than \(noise) observed days are roaming noise; the rest are re-joined into runs.
          SELECT sub, episode, country, first_day, last_day,
                 CASE WHEN country = LAG(country) OVER (PARTITION BY sub ORDER BY episode) THEN 0 ELSE 1 END AS starts
          FROM episodes
          WHERE observed >= \(noise)
        ),
        runs AS (
          SELECT sub, country = '\(h)' AS at_home, MIN(first_day) AS first_day, MAX(last_day) - MIN(first_day) + 1 AS span
          FROM (
            SELECT sub, country, first_day, last_day,
                   SUM(starts) OVER (PARTITION BY sub ORDER BY episode ROWS UNBOUNDED PRECEDING) AS run
            FROM kept
          ) joined
          GROUP BY sub, run, country
        ),
        first_abroad AS (
          -- 4. A run abroad is a residence when it spans \(residence) days; the first such run, per subscriber.
          SELECT sub, MIN(first_day) AS first_day
          FROM runs
          WHERE NOT at_home AND span >= \(residence)
          GROUP BY sub
        ),
        residences AS (
          -- A run at home after a residence abroad is one when it spans \(back) days; any other run, \(residence) days.
          SELECT r.sub, r.at_home, r.first_day
          FROM runs r LEFT JOIN first_abroad a ON a.sub = r.sub
          WHERE r.span >= CASE WHEN r.at_home AND a.first_day IS NOT NULL AND r.first_day > a.first_day THEN \(back) ELSE \(residence) END
        ),
        sequences AS (
          -- 5. Only the first and the last residence, and whether one was abroad, decide the class.
          SELECT sub,
                 MIN(CASE WHEN at_home THEN first_day END) AS first_home,
                 MAX(CASE WHEN at_home THEN first_day END) AS last_home,
                 MIN(CASE WHEN NOT at_home THEN first_day END) AS first_abroad,
                 MAX(CASE WHEN NOT at_home THEN first_day END) AS last_abroad
          FROM residences
          GROUP BY sub
        ),
        classes AS (
          SELECT CASE
                   WHEN q.first_abroad IS NULL THEN 'never-left'
                   WHEN q.first_home IS NULL OR q.first_abroad < q.first_home THEN 'other'
                   WHEN q.last_home > q.last_abroad THEN 'returned'
                   ELSE 'departed'
                 END AS class
          FROM (SELECT DISTINCT sub FROM \(table)) s
          LEFT JOIN sequences q ON q.sub = s.sub
        )
        SELECT class, COUNT(*) AS subscribers
        FROM classes
        GROUP BY class
        ORDER BY class;

        """
    }
}
