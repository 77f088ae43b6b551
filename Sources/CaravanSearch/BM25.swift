import Foundation

/// BM25 as Lucene and tantivy compute it, summed over fields with weights:
///
///     score(term, doc) = Σ_field weight · idf_field · tf · (k1 + 1) / (tf + k1 · (1 − b + b · len / avgLen))
///     idf_field = ln(1 + (N − df_field + 0.5) / (df_field + 0.5))
///
/// Everything that depends only on the query and the corpus statistics is folded into two constants
/// per field and one per (term, field), so scoring a posting is a few multiply-adds per field it occurs in.
struct BM25Constants: Sendable {
    /// k1 · (1 − b), per field.
    var lengthBase = SIMD8<Double>()
    /// k1 · b / avgLen, per field.
    var lengthSlope = SIMD8<Double>()
    let fieldCount: Int
    let documentCount: Double
    let k1: Double
    let fieldWeights: SIMD8<Double>
    /// Per field and field-norm code (256 per field): k1 · (1 − b + b · length / avgLen), the length part
    /// of the denominator, so scoring a posting reads it instead of converting and multiplying.
    let norms: ContiguousArray<Double>

    init(schema: IndexSchema, documentCount: Int, totalLengths: [UInt64]) {
        fieldCount = schema.fields.count
        self.documentCount = Double(documentCount)
        k1 = schema.k1
        var weights = SIMD8<Double>()
        for (index, field) in schema.fields.enumerated() {
            weights[index] = field.weight
            // An empty corpus or field has no average; 1 keeps the formula finite and changes no ranking.
            let average = documentCount > 0 && totalLengths[index] > 0
                ? Double(totalLengths[index]) / Double(documentCount) : 1
            lengthBase[index] = schema.k1 * (1 - schema.b)
            lengthSlope[index] = schema.k1 * schema.b / average
        }
        fieldWeights = weights
        var norms = ContiguousArray<Double>(repeating: 0, count: fieldCount * 256)
        for field in 0..<fieldCount {
            for code in 0..<256 {
                norms[field * 256 + code] = lengthBase[field] + lengthSlope[field] * Double(Int(FieldNorm.lengths[code]))
            }
        }
        self.norms = norms
    }

    /// weight · idf · (k1 + 1) per field, for a term with the given per-field document frequencies.
    func termWeights(documentFrequency: SIMD8<UInt32>) -> SIMD8<Double> {
        var result = SIMD8<Double>()
        for field in 0..<fieldCount where documentFrequency[field] > 0 {
            let df = Double(documentFrequency[field])
            let idf = log(1 + (documentCount - df + 0.5) / (df + 0.5))
            result[field] = fieldWeights[field] * idf * (k1 + 1)
        }
        return result
    }

    /// One posting's score: `frequencies` holds `fieldCount` values, `norms` the document's field-norm codes.
    @inline(__always)
    func score(mask: UInt8, frequencies: UnsafePointer<UInt32>, norms codes: UnsafePointer<UInt8>,
               weights: SIMD8<Double>) -> Double {
        var sum = 0.0
        var rest = mask
        while rest != 0 {
            let field = rest.trailingZeroBitCount
            // Through Int: the concrete conversions compile to one instruction, the generic one to a call.
            let tf = Double(Int(frequencies[field]))
            sum += weights[field] * tf / (tf + norms[field << 8 + Int(codes[field])])
            rest &= rest - 1
        }
        return sum
    }

    /// An upper bound for one field's part of any posting in a block: the highest frequency with the
    /// shortest length. Zero where the field has no posting in the block.
    @inline(__always)
    func fieldBound(_ field: Int, maxFrequency: UInt32, minNorm: UInt32, weights: SIMD8<Double>) -> Double {
        guard maxFrequency > 0 else { return 0 }
        let tf = Double(Int(maxFrequency))
        // `minNorm` is the block's smallest field-norm code: the very denominator `score` uses.
        return weights[field] * tf / (tf + norms[field << 8 + Int(minNorm)])
    }
}
